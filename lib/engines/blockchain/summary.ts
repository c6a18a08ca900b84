/**
 * `summary.json` of a blockchain run, computed from the engine's running tally (`tally.ts`)
 * and the run's `llm_calls.jsonl` (streamed once). The decision rows are not read: a run that
 * logs none, or every N-th step, has the same summary as one that logs every row, and a
 * million rounds summarise in bounded memory.
 *
 * The figures are those the summary computed from every decision row before (late means,
 * verdicts, stage regret, per-agent table, trend, ranking), added in the same order, so a run
 * with every row has the same summary (a sum over more than 128 rows per miner may differ in
 * its 9th decimal: Polars added them pairwise). The traces (`honest_efficiency_trace`,
 * `rational_baseline`) come from the `trace` events of `events.jsonl`: every round of a run
 * of up to `TRACE_POINTS` (200) rounds; a longer run's hold every
 * `ceil(rounds / TRACE_POINTS)`-th round and the last, and the summary then lists those
 * rounds as `honest_efficiency_trace_rounds`.
 *
 * The rival-label accuracy (`rival_label_accuracy`, see `label_accuracy.ts`) comes from the
 * miners' own running tallies (part of their checkpointed state), so it too needs no rows;
 * the rows give the same counts (`rivalLabelAccuracyOfRows`).
 *
 * @module
 */
import { join } from "node:path";
import { EventRecordSchema, type LlmCallRecord, LlmCallRecordSchema } from "../../core/records.ts";
import type { AgentRegret } from "../../core/regret.ts";
import { streamJsonl } from "../../core/run_log.ts";
import { usageTotals } from "../../core/summary.ts";
import type { LateMeansRecord } from "./analysis.ts";
import type { BlockchainConfig } from "./config.ts";
import { LABELS, strategyLabel } from "./labels.ts";
import {
  RIVAL_LABEL_NOTE,
  type RivalLabelAccuracy,
  rivalLabelAccuracy,
  type RivalLabelTally,
} from "./label_accuracy.ts";
import { lateWindow, verdicts, type VerdictThresholds } from "./metrics.ts";
import {
  type BlockchainTally,
  countedSeats,
  isLlmKind,
  type TraceEvent,
  traceStride,
} from "./tally.ts";
import {
  agentVerdictOfSums,
  BEYOND_RATIONAL_MIN,
  RATIONAL_SHARE_MIN,
  runVerdictsOfSums,
  VERDICT_MEANINGS,
} from "./baseline_verdicts.ts";

const r9 = (x: number) => Math.round(x * 1e9) / 1e9;

/** Rounds every number of a plain record (nested records and arrays too) to 9 decimals. */
function rounded(v: unknown): unknown {
  if (typeof v === "number") return r9(v);
  if (Array.isArray(v)) return v.map(rounded);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  }
  return v;
}

/** What `summary.json` says its `regret` is. */
export const REGRET_NOTE: string =
  "Stage-game (myopic) regret: per decision, the payoff of the myopic best response in the " +
  "state the miner met, minus its reward. Not an equilibrium test: in the repeated game " +
  "cooperation can be sustained by future punishment, and an attack pays only in later rounds.";

/** Who sits in a seat, as its decision rows name it. */
export interface SeatKind {
  /** What drives it, e.g. `policy:adaptive`, `replay:gpt-4o` or `openai:gpt-4o`. */
  kind: string;
  /** Its LLM model, when it has one. */
  model?: string;
}

/** What {@linkcode summarizeBlockchainRun} reads. */
export interface BlockchainSummaryInput {
  /** The run directory (only `llm_calls.jsonl` is read). */
  dir: string;
  /** The run's config. */
  config: BlockchainConfig;
  /** The engine's tally after the last round. */
  tally: BlockchainTally;
  /** Rounds played. */
  rounds: number;
  /** Per miner, in config order, who sits there. */
  seats: readonly SeatKind[];
  /**
   * Per miner, in config order, its rival-label tally (`rivalLabelTallyOf` of its agent):
   * `null` for a miner that predicts no labels. @default {every miner null}
   */
  labelTallies?: readonly (RivalLabelTally | null)[];
}

/**
 * `summary.json`'s `rival_label_accuracy`: each miner's accuracy (to 9 decimals), sorted by
 * name; `null` for a miner that predicted no label.
 *
 * @param miners The miners, in engine order.
 * @param tallies Their tallies in the same order (`rivalLabelTallyOf` of each agent).
 * @returns The record.
 */
export function rivalLabelAccuracyByMiner(
  miners: readonly string[],
  tallies: readonly (RivalLabelTally | null | undefined)[] | undefined,
): Record<string, RivalLabelAccuracy | null> {
  const order = miners.map((_, i) => i).sort((a, b) => cmp(miners[a], miners[b]));
  return Object.fromEntries(order.map((i) => {
    const acc = rivalLabelAccuracy(tallies?.[i]);
    return [miners[i], acc && rounded(acc) as RivalLabelAccuracy];
  }));
}

/** Per-agent token and cost sums of the run's LLM calls, and the calls themselves. */
async function callsOf(dir: string) {
  const calls: LlmCallRecord[] = [];
  const by = new Map<string, { tokens: number; cost: number }>();
  for await (const c of streamJsonl(join(dir, "llm_calls.jsonl"), LlmCallRecordSchema)) {
    calls.push(c);
    const a = by.get(c.agent) ?? { tokens: 0, cost: 0 };
    a.tokens += c.input_tokens + c.output_tokens;
    a.cost += c.cost_usd;
    by.set(c.agent, a);
  }
  return { calls, by };
}

/** The late-window means over the miners that count, from their pooled window sums. */
function lateOf(input: BlockchainSummaryInput, llm: readonly boolean[], w: number) {
  const { pooled } = input.tally;
  const counted = countedSeats(llm);
  const k = pooled.k;
  const late: LateMeansRecord = {
    run: "",
    c: pooled.c / k,
    p: pooled.p / k,
    d: pooled.d / k,
    from: input.rounds - w + 1,
    to: input.rounds,
    window: w,
    miners: input.config.miners.filter((_, i) => counted[i]).sort(cmp),
  };
  return late;
}

/** The late-window means, nested (`late`) and flat (`late_c`, `late_p`, `late_d`). */
function lateSummary(late: LateMeansRecord) {
  return {
    late: {
      c: r9(late.c),
      p: r9(late.p),
      d: r9(late.d),
      from: late.from,
      to: late.to,
      window: late.window,
      miners: late.miners,
    },
    // Flat copies: sweep frames and `runs.parquet` take top-level numbers as metrics.
    late_c: r9(late.c),
    late_p: r9(late.p),
    late_d: r9(late.d),
  };
}

/** The verdicts against the rational baseline: run, per agent (from the window sums). */
function baselineSummary(
  input: BlockchainSummaryInput,
  llm: readonly boolean[],
  window: number,
  thresholds: VerdictThresholds,
) {
  const { miners } = input.config;
  const span = { from: input.rounds - window + 1, to: input.rounds };
  const counted = countedSeats(llm);
  const verdictOf = (i: number) =>
    agentVerdictOfSums(miners[i], span, input.tally.window[i], thresholds);
  const order = miners.map((_, i) => i).sort((a, b) => cmp(miners[a], miners[b]));
  const run = runVerdictsOfSums(
    input.tally.pooled,
    order.filter((i) => counted[i]).map(verdictOf),
    thresholds,
  );
  return {
    run,
    agentVerdicts: Object.fromEntries(order.map((i) => [miners[i], rounded(verdictOf(i))])),
  };
}

/** `summarizeRegret`'s figures from the tally's per-miner sums, agents sorted by name. */
function regretOf(tally: BlockchainTally, miners: readonly string[], llm: readonly boolean[]) {
  const out: Record<string, AgentRegret> = {};
  for (const i of miners.map((_, i) => i).sort((a, b) => cmp(miners[a], miners[b]))) {
    const t = tally.miners[i];
    if (t.n === 0) continue;
    out[miners[i]] = {
      n: t.n,
      mean: r9(t.regret / t.n),
      total: r9(t.regret),
      near_best_share: llm[i] ? r9(t.near / t.n) : null,
    };
  }
  return out;
}

const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;

/** The traced rounds, read back from the run's `trace` events (one pass, at most 201). */
async function tracesOf(dir: string, rounds: number, miners: readonly string[]) {
  const traced: TraceEvent[] = [];
  for await (const e of streamJsonl(join(dir, "events.jsonl"), EventRecordSchema)) {
    if (e.type === "trace") traced.push(e as unknown as TraceEvent);
  }
  const roundsOf = () => traced.map((e) => e.round);
  return {
    rational_baseline: Object.fromEntries(miners.map((m, i) => [m, {
      rounds: roundsOf(),
      payoff: traced.map((e) => r9(e.baseline_payoff[i])),
      free_ride: traced.map((e) => e.baseline_free_ride[i]),
    }])),
    honest_efficiency_trace: traced.map((e) => e.honest_efficiency),
    ...(traceStride(rounds) > 1 ? { honest_efficiency_trace_rounds: roundsOf() } : {}),
  };
}

/** Each miner's line of `summary.agents`, agents sorted by name. */
function agentsOf(
  input: BlockchainSummaryInput,
  usage: Map<string, { tokens: number; cost: number }>,
): Record<string, unknown> {
  const miners = input.config.miners;
  const order = miners.map((_, i) => i).sort((a, b) => cmp(miners[a], miners[b]));
  return Object.fromEntries(order.map((i) => {
    const t = input.tally.miners[i];
    const mean = [t.c / t.n, t.p / t.n, t.d / t.n];
    const label = strategyLabel(mean);
    const u = usage.get(miners[i]);
    return [miners[i], {
      kind: input.seats[i]?.kind ?? null,
      model: input.seats[i]?.model ?? null,
      mean_action: mean.map(r9),
      label,
      label_en: LABELS[label].en,
      label_zh: LABELS[label].zh,
      reward: r9(t.reward),
      valid_action_rate: (t.n - t.fallbacks) / t.n,
      tokens: u?.tokens ?? 0,
      cost_usd: r9(u?.cost ?? 0),
    }];
  }));
}

/** Miners by total reward, highest first (ties by name). */
function rewardRankingOf(tally: BlockchainTally, miners: readonly string[]): string[] {
  return miners.map((m, i) => ({ m, r: tally.miners[i].reward }))
    .sort((a, b) => b.r - a.r || cmp(a.m, b.m))
    .map((x) => x.m);
}

/** Mean `c` of the counted miners in each half of the rounds, and the change. */
function trendOf(tally: BlockchainTally) {
  const [a, b] = tally.halves;
  const first = a.n ? a.sum / a.n : null;
  const second = b.n ? b.sum / b.n : null;
  return {
    first_half: first === null ? null : r9(first),
    second_half: second === null ? null : r9(second),
    delta: first === null || second === null ? null : r9(second - first),
  };
}

/** The share of LLM decisions that were not fallbacks; `null` without LLM seats. */
function llmValidActionRate(tally: BlockchainTally, llm: readonly boolean[]): number | null {
  let n = 0, ok = 0;
  tally.miners.forEach((t, i) => {
    if (!llm[i]) return;
    n += t.n;
    ok += t.n - t.fallbacks;
  });
  return n ? ok / n : null;
}

/** The verdict thresholds of the config. */
function thresholdsOf(config: BlockchainConfig) {
  return {
    parasitic_d_max: config.parasitic_d_max,
    parasitic_p_min: config.parasitic_p_min,
    honest_c_min: config.honest_c_min,
  };
}

/**
 * The summary of a finished run: the SPEC's late means (`late`, and flat as `late_c`,
 * `late_p`, `late_d`) and verdicts, and against the rational baseline (the myopic best
 * response) `regret` (stage-game regret per agent), `rational_baseline` (per agent, the
 * baseline's payoff each traced round and whether it free-rides), `agent_verdicts` and the
 * run verdicts `parasitic_beyond_rational`, `honest_beyond_rational`, `rational_play` (see
 * `baseline_verdicts.ts`).
 */
export async function summarizeBlockchainRun(
  input: BlockchainSummaryInput,
): Promise<Record<string, unknown>> {
  const { config, tally, rounds } = input;
  const llm = input.seats.map((s) => isLlmKind(s.kind));
  const window = lateWindow(rounds, config.late_window);
  const late = lateOf(input, llm, window);
  const thresholds = thresholdsOf(config);
  const v = verdicts(late, thresholds);
  const baseline = baselineSummary(input, llm, window, thresholds);
  const { calls, by } = await callsOf(input.dir);
  const { rational_baseline, ...traces } = await tracesOf(input.dir, rounds, config.miners);
  return {
    rounds,
    miners: config.miners,
    parasitic_equilibrium: v.parasitic_equilibrium,
    honest_convergence: v.honest_convergence,
    parasitic_beyond_rational: baseline.run?.parasitic_beyond_rational ?? false,
    honest_beyond_rational: baseline.run?.honest_beyond_rational ?? false,
    rational_play: baseline.run?.rational_play ?? false,
    verdict_meanings: VERDICT_MEANINGS,
    ...lateSummary(late),
    thresholds: {
      ...thresholds,
      beyond_rational_min: BEYOND_RATIONAL_MIN,
      rational_share_min: RATIONAL_SHARE_MIN,
    },
    regret: regretOf(tally, config.miners, llm),
    regret_note: REGRET_NOTE,
    baseline: baseline.run && rounded(baseline.run),
    agent_verdicts: baseline.agentVerdicts,
    rational_baseline,
    ...traces,
    honest_floor_round: tally.honest_floor_round,
    reward_ranking: rewardRankingOf(tally, config.miners),
    agents: agentsOf(input, by),
    constructive_trend: trendOf(tally),
    // LLM seats only (scripted seats never fall back); null for a run without LLM seats
    valid_action_rate: llmValidActionRate(tally, llm),
    rival_label_accuracy: rivalLabelAccuracyByMiner(config.miners, input.labelTallies),
    rival_label_note: RIVAL_LABEL_NOTE,
    llm: usageTotals(calls),
  };
}
