/**
 * The running tally of a blockchain game: everything `summary.json` needs, kept in the
 * engine's state as the game is played, so a run summarises without reading its decision
 * rows (`--log-decisions none` or every N-th step gives the same summary as `all`) and the
 * checkpoint stays the same size whatever the horizon.
 *
 * What it keeps, bounded by the config and not by the rounds played:
 *
 * - per miner: decisions, sums of `c`, `p`, `d` and rewards, fallbacks, stage-regret total
 *   and near-best count (the summary's `agents`, `reward_ranking` and `regret`);
 * - the counted miners' `c` summed over each half of the rounds (`constructive_trend`);
 * - the first round the honest group is at the floor (`honest_floor_round`);
 * - over the late window ({@linkcode lateWindow} rounds counting back from `config.rounds`),
 *   the {@linkcode WindowSums} of each miner's stage-regret rows and of the counted miners'
 *   rows pooled: the late means and every baseline verdict come from them.
 *
 * The traces (`honest_efficiency_trace`, `rational_baseline`) are a history, so they are not
 * kept in the state: the engine reports each traced round as a `trace` event
 * ({@linkcode TraceEvent}), at most {@linkcode TRACE_POINTS} of them plus the last round
 * (every round of a run of up to that many rounds, else every
 * `ceil(rounds / TRACE_POINTS)`-th round and the last), and the summary reads them back from
 * `events.jsonl`, which every run policy logs.
 *
 * Sums are added in the order the decision rows are written (round, then miner), the order
 * in which the summary used to add them, so the summary is the same to the bit.
 *
 * @module
 */
import type { GameEvent } from "../../core/game.ts";
import { nearBest } from "../../core/regret.ts";
import { addWindowRow, emptyWindowSums, type WindowSums } from "./baseline_verdicts.ts";
import type { BlockchainConfig } from "./config.ts";
import { lateWindow } from "./metrics.ts";
import { type Cpd, meanOtherEfficiency } from "./rules.ts";
import { type StageRegretRow, stageRegretRow } from "./stage_regret.ts";

/** The most rounds a trace of `summary.json` holds (the last round comes on top). */
export const TRACE_POINTS = 200;

/** One miner's totals over every round played. */
export interface MinerTotals {
  /** Decisions. */
  n: number;
  /** Sum of the constructive shares. */
  c: number;
  /** Sum of the parasitic shares. */
  p: number;
  /** Sum of the destructive shares. */
  d: number;
  /** Sum of the rewards. */
  reward: number;
  /** Decisions that were fallbacks (the agent's, or an action the engine rejected). */
  fallbacks: number;
  /** Sum of the stage regrets, each at least 0 (`summarizeRegret`'s total). */
  regret: number;
  /** Decisions within 1% of the best response's payoff. */
  near: number;
}

/** A sum and the number of terms added. */
export interface CountedSum {
  /** The sum. */
  sum: number;
  /** The terms. */
  n: number;
}

/** The event of a traced round (`events.jsonl`): what the summary's traces hold. */
export interface TraceEvent extends GameEvent {
  /** Always `"trace"`. */
  type: "trace";
  /** The round. */
  round: number;
  /** The honest group's efficiency after the round. */
  honest_efficiency: number;
  /** Per miner (engine order), the best response's payoff in the round. */
  baseline_payoff: number[];
  /** Per miner, whether the best response free-rode. */
  baseline_free_ride: boolean[];
}

/** The running tally (plain JSON data, part of `BlockchainState`). */
export interface BlockchainTally {
  /** Per miner, in engine order. */
  miners: MinerTotals[];
  /** The counted miners' `c` over rounds `1..floor(R/2)` and over the rest. */
  halves: [CountedSum, CountedSum];
  /** The first round after which the honest group was at the floor, or `null`. */
  honest_floor_round: number | null;
  /** Per miner, the sums of its late-window stage-regret rows. */
  window: WindowSums[];
  /** The sums of the counted miners' late-window rows, in round then miner order. */
  pooled: WindowSums;
}

/** What the tally reads of one round. */
export interface TallyRound {
  /** The round, 1-based. */
  round: number;
  /** Efficiencies at the start of the round (miners, then the honest group). */
  start: readonly number[];
  /** Efficiencies after the round's update. */
  etas: readonly number[];
  /** The normalised actions played (miners, then the honest group's). */
  played: readonly Cpd[];
  /** The rewards (miners, then the honest group's). */
  rewards: readonly number[];
  /** Per miner, whether the decision was a fallback. */
  fallbacks: readonly boolean[];
}

/** The engine's facts the tally needs besides the round. */
export interface TallyContext {
  /** The config (horizon, late window, payoff parameters, floor). */
  config: BlockchainConfig;
  /** The miners' names, in engine order. */
  miners: readonly string[];
  /** Hash powers, miners then the honest group. */
  alphas: readonly number[];
  /** Per miner, whether it is an LLM seat (or the replay of one). */
  llm: readonly boolean[];
}

/** An empty tally for `n` miners. */
export function emptyTally(n: number): BlockchainTally {
  const miners = Array.from({ length: n }, () => ({
    n: 0,
    c: 0,
    p: 0,
    d: 0,
    reward: 0,
    fallbacks: 0,
    regret: 0,
    near: 0,
  }));
  return {
    miners,
    halves: [{ sum: 0, n: 0 }, { sum: 0, n: 0 }],
    honest_floor_round: null,
    window: Array.from({ length: n }, emptyWindowSums),
    pooled: emptyWindowSums(),
  };
}

/** The stride of the traces: 1 up to {@linkcode TRACE_POINTS} rounds. */
export function traceStride(rounds: number): number {
  return Math.max(1, Math.ceil(rounds / TRACE_POINTS));
}

/**
 * `true` for an LLM seat (or the replay of one): a kind not starting with `policy` or
 * `strategy`, as the decision frames read it.
 */
export function isLlmKind(kind: string): boolean {
  return !/^(policy|strategy)/.test(kind);
}

/** The miners that count: the LLM seats, or every miner when none is one. */
export function countedSeats(llm: readonly boolean[]): boolean[] {
  return llm.some((x) => x) ? [...llm] : llm.map(() => true);
}

/**
 * Adds one round to `tally` (in place).
 *
 * @returns The round's {@linkcode TraceEvent} when the round is traced, else `undefined`.
 */
export function tallyRound(
  tally: BlockchainTally,
  r: TallyRound,
  ctx: TallyContext,
): TraceEvent | undefined {
  const { config } = ctx;
  const counted = countedSeats(ctx.llm);
  const R = config.rounds;
  const inWindow = r.round > R - lateWindow(R, config.late_window);
  const n = ctx.miners.length;
  const rows: StageRegretRow[] = [];
  for (let i = 0; i < n; i++) {
    const action = r.played[i];
    const row = stageRegretRow(
      { round: r.round, agent: ctx.miners[i], action, reward: r.rewards[i], llm: ctx.llm[i] },
      meanOtherEfficiency(r.start, i),
      ctx.alphas[i],
      config,
    );
    rows.push(row);
    addToMiner(tally.miners[i], row, r.fallbacks[i]);
    if (counted[i]) {
      const half = tally.halves[r.round * 2 > R ? 1 : 0];
      half.sum += action[0];
      half.n++;
    }
    if (!inWindow) continue;
    addWindowRow(tally.window[i], row);
    if (counted[i]) addWindowRow(tally.pooled, row);
  }
  if (tally.honest_floor_round === null && r.etas[n] <= config.eta_min + 1e-12) {
    tally.honest_floor_round = r.round;
  }
  return traced(r.round, R) ? traceEvent(r.round, r.etas[n], rows) : undefined;
}

/** `true` when round `round` of a run of `rounds` rounds is traced. */
export function traced(round: number, rounds: number): boolean {
  return round % traceStride(rounds) === 0 || round === rounds;
}

function traceEvent(round: number, honest: number, rows: readonly StageRegretRow[]): TraceEvent {
  return {
    type: "trace",
    round,
    honest_efficiency: honest,
    baseline_payoff: rows.map((r) => r.best),
    baseline_free_ride: rows.map((r) => r.best_action[1] === 1),
  };
}

function addToMiner(t: MinerTotals, row: StageRegretRow, fallback: boolean): void {
  t.n++;
  t.c += row.action[0];
  t.p += row.action[1];
  t.d += row.action[2];
  t.reward += row.earned;
  if (fallback) t.fallbacks++;
  t.regret += Math.max(0, row.best - row.earned);
  if (nearBest(row.best, row.earned)) t.near++;
}

/**
 * Checks a tally's shape against the number of miners (for `setState`).
 *
 * @throws {TypeError} Naming the part that does not fit.
 */
export function checkTally(tally: unknown, n: number): void {
  const t = tally as Partial<BlockchainTally> | undefined;
  const fail = (what: string) => {
    throw new TypeError(`Cannot set state: 'tally.${what}' is missing or malformed`);
  };
  if (!t || typeof t !== "object") fail("(the whole tally)");
  if (!Array.isArray(t!.miners) || t!.miners.length !== n) fail("miners");
  if (!Array.isArray(t!.halves) || t!.halves.length !== 2) fail("halves");
  if (!Array.isArray(t!.window) || t!.window.length !== n) fail("window");
  if (!t!.pooled || typeof t!.pooled !== "object") fail("pooled");
}
