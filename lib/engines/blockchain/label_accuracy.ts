/**
 * How well the LLM miners model their rivals: each decision's `rival_labels` (the label the
 * miner expects each rival's move of that round to get) scored against the seed's label rule
 * ({@linkcode strategyLabel}) applied to the move the rival actually played that round.
 *
 * Two paths give the same counts: a miner keeps a running {@linkcode RivalLabelTally} in its
 * memory (so a run that logs no rows, or every N-th, still has it; `summary.json` takes it
 * from there), and {@linkcode rivalLabelAccuracyOfRows} counts it again from the decision
 * rows (each row's `rival_labels` against the rival's row `label` of the same round). A
 * miner that predicts nothing (a scripted policy, a replay, or `prompt.rival_labels: false`)
 * has no accuracy: `null`, never 0.
 *
 * Beside it, the baseline: the naive forecast "each rival repeats the label of its last move"
 * (the label its narrative showed), scored on the predictions for rivals that had moved before
 * (`compared`: round 1 has no last move), beside the miner's own accuracy on those same
 * predictions (`compared_accuracy`). Above the baseline, the miner anticipated changes; at it,
 * it may only have copied.
 *
 * @example
 * ```ts
 * import { rivalLabelAccuracy, scoreRivalLabels } from "./label_accuracy.ts";
 * const tally = scoreRivalLabels(
 *   { miner_b: "attacker", miner_c: "honest_builder" },
 *   { miner_b: [0.3, 0.3, 0.4], miner_c: [0.5, 0.5, 0] },
 *   { miner_b: "attacker", miner_c: "honest_builder" },
 * );
 * console.log(tally); // { predicted: 2, hits: 1, compared: 2, compared_hits: 1, repeat_hits: 1 }
 * console.log(rivalLabelAccuracy(tally)?.accuracy); // 0.5
 * ```
 * @module
 */
import { type LabelKey, strategyLabel } from "./labels.ts";

/** Predicted rival labels and how many were right (plain JSON, part of the miner's memory). */
export interface RivalLabelTally {
  /** Labels predicted (one per rival per decision that named it). */
  predicted: number;
  /** Predictions equal to the label of the rival's actual move that round. */
  hits: number;
  /**
   * The predictions for a rival that had moved before (whose last label the narrative showed):
   * the ones the repeat-last baseline can be compared on.
   */
  compared: number;
  /** Of those, how many the miner got right. */
  compared_hits: number;
  /** Of those, how many "the rival repeats its last label" would have got right. */
  repeat_hits: number;
}

/** A miner's rival-label accuracy, as `summary.json` holds it. */
export interface RivalLabelAccuracy extends RivalLabelTally {
  /** `hits / predicted`. */
  accuracy: number;
  /** `compared_hits / compared`: the miner's accuracy where the baseline applies (`null`: none). */
  compared_accuracy: number | null;
  /** `repeat_hits / compared`: the accuracy of repeating each rival's last label (`null`: none). */
  repeat_accuracy: number | null;
}

/** What `summary.json` says its `rival_label_accuracy` is. */
export const RIVAL_LABEL_NOTE: string =
  "Per miner: the labels it predicted for its rivals in each decision (rival_labels), scored " +
  "against the seed's label rule applied to the move each rival actually played that round. " +
  "repeat_accuracy: the baseline, what the naive forecast 'each rival repeats the label of " +
  "its last move' (the label the narrative showed) scores on the predictions for rivals that " +
  "had moved before (compared); compared_accuracy is the miner's on the same predictions, and " +
  "at or below the baseline it shows no opponent modelling beyond copying. " +
  "null: the miner predicted no label (a scripted policy, a replay, or " +
  "prompt.rival_labels false); it is not an accuracy of 0.";

/** An empty tally. */
export function emptyRivalLabelTally(): RivalLabelTally {
  return { predicted: 0, hits: 0, compared: 0, compared_hits: 0, repeat_hits: 0 };
}

/**
 * Scores one decision's predictions against the rivals' actual moves of that round.
 *
 * @param predicted The labels the miner predicted, by rival name.
 * @param actual The normalised moves the rivals played that round, by name; a rival absent
 *   here is not scored.
 * @param last The label of each rival's move of the round before, by name (absent before
 *   its first move). @default {{}}
 * @returns The predictions scored, the hits, and the hits of repeating `last`.
 */
export function scoreRivalLabels(
  predicted: Readonly<Record<string, LabelKey>>,
  actual: Readonly<Record<string, readonly number[]>>,
  last: Readonly<Record<string, string>> = {},
): RivalLabelTally {
  const tally = emptyRivalLabelTally();
  for (const [rival, label] of Object.entries(predicted)) {
    const move = actual[rival];
    if (move === undefined) continue;
    const truth = strategyLabel(move);
    tally.predicted++;
    if (truth === label) tally.hits++;
    if (last[rival] === undefined) continue;
    tally.compared++;
    if (truth === label) tally.compared_hits++;
    if (last[rival] === truth) tally.repeat_hits++;
  }
  return tally;
}

/**
 * Adds `b` to `a` (in place).
 *
 * @param a The running tally.
 * @param b A decision's score.
 * @returns `a`.
 */
export function addRivalLabelTally(a: RivalLabelTally, b: RivalLabelTally): RivalLabelTally {
  a.predicted += b.predicted;
  a.hits += b.hits;
  a.compared += b.compared;
  a.compared_hits += b.compared_hits;
  a.repeat_hits += b.repeat_hits;
  return a;
}

/**
 * The accuracy of a tally; `null` when nothing was predicted (or there is no tally).
 *
 * @param tally The tally, `null` or `undefined` for a miner that keeps none.
 * @returns `{predicted, hits, accuracy}` or `null`.
 */
export function rivalLabelAccuracy(
  tally: RivalLabelTally | null | undefined,
): RivalLabelAccuracy | null {
  if (!tally || tally.predicted === 0) return null;
  const { predicted, hits, compared, compared_hits, repeat_hits } = tally;
  return {
    predicted,
    hits,
    compared,
    compared_hits,
    repeat_hits,
    accuracy: hits / predicted,
    compared_accuracy: compared > 0 ? compared_hits / compared : null,
    repeat_accuracy: compared > 0 ? repeat_hits / compared : null,
  };
}

/** What {@linkcode rivalLabelAccuracyOfRows} reads of a decision row. */
export interface LabelRow {
  /** The round. */
  round: number;
  /** The miner whose row it is. */
  agent: string;
  /** The label of the move played (a key of `LABELS`). */
  label: string;
  /** The miner's predictions, by rival; absent when it made none. */
  rival_labels?: Readonly<Record<string, string>> | null;
}

/**
 * The rival-label accuracy of every agent from the decision rows: each row's `rival_labels`
 * against the rival's own row of the same round (a rival whose row of that round was not
 * logged is not scored), and repeating the rival's row `label` of the round before.
 *
 * @param rows The rows of one run (any order).
 * @param agents The agents to report, e.g. the run's miners. @default {the rows' agents}
 * @returns Per agent, sorted by name, its accuracy or `null` when it predicted nothing.
 *
 * @example
 * ```ts
 * import { rivalLabelAccuracyOfRows } from "./label_accuracy.ts";
 * const acc = rivalLabelAccuracyOfRows([
 *   { round: 1, agent: "a", label: "attacker", rival_labels: { b: "honest_builder" } },
 *   { round: 1, agent: "b", label: "honest_builder" },
 * ]);
 * console.log(acc.a?.accuracy, acc.b); // 1 null
 * ```
 */
export function rivalLabelAccuracyOfRows(
  rows: readonly LabelRow[],
  agents?: readonly string[],
): Record<string, RivalLabelAccuracy | null> {
  const played = new Map<string, string>();
  for (const r of rows) played.set(`${r.round}\u0000${r.agent}`, r.label);
  const tallies = new Map<string, RivalLabelTally>();
  for (const r of rows) {
    if (!r.rival_labels) continue;
    const t = tallies.get(r.agent) ?? emptyRivalLabelTally();
    tallies.set(r.agent, t);
    for (const [rival, label] of Object.entries(r.rival_labels)) {
      const actual = played.get(`${r.round}\u0000${rival}`);
      if (actual === undefined) continue;
      t.predicted++;
      if (actual === label) t.hits++;
      const before = played.get(`${r.round - 1}\u0000${rival}`);
      if (before === undefined) continue;
      t.compared++;
      if (actual === label) t.compared_hits++;
      if (before === actual) t.repeat_hits++;
    }
  }
  const names = agents ?? [...new Set(rows.map((r) => r.agent))];
  return Object.fromEntries(
    [...names].sort(cmp).map((a) => [a, rivalLabelAccuracy(tallies.get(a))]),
  );
}

const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;
