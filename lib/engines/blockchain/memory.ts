/**
 * The private memory of one LLM miner, as plain JSON data:
 *
 * - working memory: the last rounds in full (action, thought, reward, own, honest and each
 *   rival's efficiency, each rival's move), 5 by default (`working`, 0 for none);
 * - episodic summaries: every 10 rounds by default (`episodeEvery`, 0 for none) one summary
 *   *computed from the data* (never by the model): rounds covered, mean reward, mean
 *   `c`/`p`/`d` of the first vs the second half of the block, best and worst round, and the
 *   seed's "key findings" ({@linkcode EpisodeFindings}: the honest group's efficiency over the
 *   block, each rival's mean move and its label, the reward of each half, the moves of the
 *   best and worst rounds);
 * - the latest reflection (the model's own strategy review);
 * - the running score of its rival-label predictions (`label_accuracy.ts`).
 *
 * @example
 * ```ts
 * import { MinerMemory } from "./memory.ts";
 * const memory = new MinerMemory();
 * for (let round = 1; round <= 10; round++) {
 *   memory.record({
 *     round, action: [0.6, 0.3, 0.1], reward: round, parseOk: true,
 *     efficiency: 1, honestEfficiency: 0.9, rivalEfficiency: 0.95, rivals: { miner_b: 0.95 },
 *   });
 * }
 * console.log(memory.episodes[0].meanReward); // 5.5
 * const copy = new MinerMemory();
 * copy.setState(JSON.parse(JSON.stringify(memory.getState())));
 * ```
 * @module
 */
import type { LabelKey } from "./labels.ts";
import { strategyLabel } from "./labels.ts";
import {
  addRivalLabelTally,
  emptyRivalLabelTally,
  type RivalLabelTally,
} from "./label_accuracy.ts";
import type { EfficiencySnapshot } from "./translator.ts";

/** One played round as the miner remembers it. */
export interface RoundRecord {
  round: number;
  /** The normalised action played. */
  action: number[];
  /** The reasoning the model gave, verbatim (absent when it gave none). */
  thought?: string;
  /** `false` when the reply could not be parsed and the fallback `[1, 0, 0]` was played. */
  parseOk: boolean;
  reward: number;
  /** Own efficiency after the round. */
  efficiency: number;
  /** The honest group's efficiency after the round. */
  honestEfficiency: number;
  /** Mean efficiency of the other miners after the round. */
  rivalEfficiency: number;
  /** Each rival's efficiency after the round, by name. */
  rivals: Record<string, number>;
  /** Each rival's normalised move in the round, by name (absent in states of before). */
  rivalActions?: Record<string, number[]>;
}

/** A round and its reward. */
export interface RoundReward {
  round: number;
  reward: number;
}

/** An episodic summary of a block of rounds, computed from the records. */
export interface EpisodeSummary {
  /** First round covered. */
  from: number;
  /** Last round covered. */
  to: number;
  meanReward: number;
  /** Mean `[c, p, d]` over the first half of the block. */
  firstHalf: number[];
  /** Mean `[c, p, d]` over the second half of the block. */
  secondHalf: number[];
  best: RoundReward;
  worst: RoundReward;
  /** The block's key findings (absent in states of before). */
  findings?: EpisodeFindings;
}

/** The key findings of a block of rounds (the seed's 关键发现), computed from the records. */
export interface EpisodeFindings {
  /** The honest group's efficiency after the block's first and after its last round. */
  honest: [number, number];
  /** Mean reward over the first and the second half of the block. */
  rewardHalves: [number, number];
  /** Each rival's mean move over the block, by name (rounds whose moves are recorded). */
  rivalMeans: Record<string, number[]>;
  /** Each rival's label of its mean move. */
  rivalLabels: Record<string, LabelKey>;
  /** The move of the best round. */
  bestAction: number[];
  /** The move of the worst round. */
  worstAction: number[];
}

/** The latest strategy review. */
export interface Reflection {
  /** The round after which it was written. */
  round: number;
  text: string;
}

/** What the model said in a decision not yet followed by its outcome. */
export interface PendingDecision {
  thought?: string;
  parseOk: boolean;
  /** The labels it predicted for its rivals' moves this round, by name. */
  rivalLabels?: Record<string, LabelKey>;
}

/** The memory's state; plain JSON. */
export interface MinerMemoryState {
  v: 1;
  /** The last `max(working, episodeEvery, reviewRounds, 2)` records, oldest first. */
  records: RoundRecord[];
  episodes: EpisodeSummary[];
  reflection: Reflection | null;
  /** The decision awaiting its outcome. */
  pending: PendingDecision | null;
  /** A reflection is due but its call could not be made yet (e.g. the budget ran out). */
  reflectionDue: boolean;
  /** The running score of the rival labels predicted so far. */
  labels: RivalLabelTally;
}

/** Options of {@linkcode MinerMemory}. */
export interface MinerMemoryOptions {
  /** Rounds shown in full in working memory; 0 shows none. @default {5} */
  working?: number;
  /** Rounds per episodic summary; 0 makes none. @default {10} */
  episodeEvery?: number;
  /** Rounds a strategy review looks back on (kept in {@linkcode MinerMemory.records}). @default {0} */
  reviewRounds?: number;
}

/** What a prompt shows of the memory. */
export interface MemoryView {
  /** The last `working` rounds, oldest first. */
  working: readonly RoundRecord[];
  episodes: readonly EpisodeSummary[];
  reflection: Reflection | null;
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function meanAction(records: readonly RoundRecord[]): number[] {
  return [0, 1, 2].map((k) => mean(records.map((r) => r.action[k])));
}

/**
 * The episodic summary of `records` (one block of rounds), computed from the data.
 *
 * @param records The block's records, oldest first; at least one.
 * @returns The summary; with one record both halves are that record's action.
 * @throws {RangeError} When `records` is empty.
 *
 * @example
 * ```ts
 * import { summarize } from "./memory.ts";
 * const base = { parseOk: true, efficiency: 1, honestEfficiency: 1, rivalEfficiency: 1, rivals: {} };
 * const s = summarize([
 *   { ...base, round: 1, action: [1, 0, 0], reward: 2.5 },
 *   { ...base, round: 2, action: [0, 1, 0], reward: 10 },
 * ]);
 * console.log(s.firstHalf, s.secondHalf, s.best); // [1,0,0] [0,1,0] { round: 2, reward: 10 }
 * ```
 */
export function summarize(records: readonly RoundRecord[]): EpisodeSummary {
  if (records.length === 0) throw new RangeError("Cannot summarize: no rounds recorded");
  const half = Math.ceil(records.length / 2);
  const first = records.slice(0, half);
  const second = records.length > 1 ? records.slice(half) : first;
  let best = records[0];
  let worst = records[0];
  for (const r of records) {
    if (r.reward > best.reward) best = r;
    if (r.reward < worst.reward) worst = r;
  }
  return {
    from: records[0].round,
    to: records[records.length - 1].round,
    meanReward: mean(records.map((r) => r.reward)),
    firstHalf: meanAction(first),
    secondHalf: meanAction(second),
    best: { round: best.round, reward: best.reward },
    worst: { round: worst.round, reward: worst.reward },
    findings: findingsOf(records, first, second, best, worst),
  };
}

/** The key findings of a block (see {@linkcode EpisodeFindings}). */
function findingsOf(
  records: readonly RoundRecord[],
  first: readonly RoundRecord[],
  second: readonly RoundRecord[],
  best: RoundRecord,
  worst: RoundRecord,
): EpisodeFindings {
  const moves = new Map<string, number[][]>();
  for (const r of records) {
    for (const [name, move] of Object.entries(r.rivalActions ?? {})) {
      moves.set(name, [...(moves.get(name) ?? []), move]);
    }
  }
  const rivalMeans = Object.fromEntries(
    [...moves].map(([name, ms]) => [name, [0, 1, 2].map((k) => mean(ms.map((m) => m[k])))]),
  );
  return {
    honest: [records[0].honestEfficiency, records[records.length - 1].honestEfficiency],
    rewardHalves: [mean(first.map((r) => r.reward)), mean(second.map((r) => r.reward))],
    rivalMeans,
    rivalLabels: Object.fromEntries(
      Object.entries(rivalMeans).map(([name, m]) => [name, strategyLabel(m)]),
    ),
    bestAction: [...best.action],
    worstAction: [...worst.action],
  };
}

function nonNegativeInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot create memory: '${name}' must be an integer >= 0, got ${value}`,
    );
  }
  return value;
}

/** A miner's private memory; see the module doc. */
export class MinerMemory {
  /** Rounds shown in full in working memory (0: none). */
  readonly working: number;
  /** Rounds per episodic summary (0: none). */
  readonly episodeEvery: number;
  /** Records kept: `max(working, episodeEvery, reviewRounds, 2)` (two for changes). */
  readonly kept: number;
  #s: MinerMemoryState = MinerMemory.empty();

  /** @param options Working memory size, summary period and review length. */
  constructor(options?: MinerMemoryOptions) {
    const { working = 5, episodeEvery = 10, reviewRounds = 0 } = options ?? {};
    this.working = nonNegativeInt("working", working);
    this.episodeEvery = nonNegativeInt("episodeEvery", episodeEvery);
    this.kept = Math.max(working, episodeEvery, nonNegativeInt("reviewRounds", reviewRounds), 2);
  }

  /** An empty state. */
  static empty(): MinerMemoryState {
    return {
      v: 1,
      records: [],
      episodes: [],
      reflection: null,
      pending: null,
      reflectionDue: false,
      labels: emptyRivalLabelTally(),
    };
  }

  /** The kept records, oldest first (the last {@linkcode MinerMemory.kept} rounds). */
  get records(): readonly RoundRecord[] {
    return this.#s.records;
  }

  /** Every episodic summary so far, oldest first. */
  get episodes(): readonly EpisodeSummary[] {
    return this.#s.episodes;
  }

  /** The latest reflection, or `null`. */
  get reflection(): Reflection | null {
    return this.#s.reflection;
  }

  /** The decision awaiting its outcome, or `null`. */
  get pending(): PendingDecision | null {
    return this.#s.pending;
  }

  /** The running score of the rival labels predicted so far. */
  get labels(): RivalLabelTally {
    return { ...this.#s.labels };
  }

  /** Adds one decision's score to {@linkcode labels}. */
  addLabelScore(score: RivalLabelTally): void {
    addRivalLabelTally(this.#s.labels, score);
  }

  /** Whether a reflection is due but was not written yet. */
  get reflectionDue(): boolean {
    return this.#s.reflectionDue;
  }

  set reflectionDue(due: boolean) {
    this.#s.reflectionDue = due;
  }

  /** Notes the decision just made; {@linkcode record} attaches it to the round's outcome. */
  setPending(pending: PendingDecision): void {
    this.#s.pending = { ...pending };
  }

  /**
   * Adds a round to working memory. When the round closes a block (`round % episodeEvery
   * === 0`, `episodeEvery` > 0) an episodic summary of the block's rounds is computed and kept.
   *
   * @param record The round.
   * @returns The new summary, when one was made.
   */
  record(record: RoundRecord): EpisodeSummary | undefined {
    const s = this.#s;
    s.records.push(structuredClone(record));
    s.pending = null;
    if (s.records.length > this.kept) s.records.splice(0, s.records.length - this.kept);
    if (this.episodeEvery === 0 || record.round % this.episodeEvery !== 0) return undefined;
    const start = record.round - this.episodeEvery;
    const block = s.records.filter((r) => r.round > start && r.round <= record.round);
    const summary = summarize(block);
    s.episodes.push(summary);
    return summary;
  }

  /** Keeps `text` as the latest reflection, written after `round`. */
  setReflection(round: number, text: string): void {
    this.#s.reflection = { round, text };
    this.#s.reflectionDue = false;
  }

  /** What a prompt shows: the last `working` rounds, the summaries, the reflection. */
  view(): MemoryView {
    const s = this.#s;
    return {
      working: this.working === 0 ? [] : s.records.slice(-this.working),
      episodes: s.episodes,
      reflection: s.reflection,
    };
  }

  /**
   * The efficiencies one round before the latest record, for describing changes: the
   * record before it, or everyone at `etaInit` when the latest is round 1.
   *
   * @param etaInit The game's initial efficiency.
   * @returns The snapshot, or `undefined` when nothing is recorded (or it cannot be known).
   */
  previousSnapshot(etaInit: number): EfficiencySnapshot | undefined {
    const { records } = this.#s;
    const last = records.at(-1);
    if (last === undefined) return undefined;
    const before = records.at(-2);
    if (before !== undefined && before.round === last.round - 1) {
      return {
        own: before.efficiency,
        honest: before.honestEfficiency,
        rivals: { ...before.rivals },
      };
    }
    if (last.round !== 1) return undefined;
    const rivals = Object.fromEntries(Object.keys(last.rivals).map((k) => [k, etaInit]));
    return { own: etaInit, honest: etaInit, rivals };
  }

  /** A deep copy of the state, plain JSON. */
  getState(): MinerMemoryState {
    return structuredClone(this.#s);
  }

  /**
   * Restores a state from {@linkcode getState}.
   *
   * @param state The state (e.g. parsed back from JSON).
   * @throws {TypeError} When it is not a memory state.
   */
  setState(state: unknown): void {
    const s = state as Partial<MinerMemoryState> | null;
    if (
      typeof s !== "object" || s === null || s.v !== 1 || !Array.isArray(s.records) ||
      !Array.isArray(s.episodes)
    ) {
      throw new TypeError(
        "Cannot set memory state: expected an object with v: 1, 'records' and 'episodes'",
      );
    }
    this.#s = structuredClone({
      ...MinerMemory.empty(),
      ...s,
      reflection: s.reflection ?? null,
      pending: s.pending ?? null,
      reflectionDue: s.reflectionDue ?? false,
      labels: { ...emptyRivalLabelTally(), ...s.labels },
    }) as MinerMemoryState;
  }
}
