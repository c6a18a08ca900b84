/**
 * Verdicts that say what they measure: each miner's late-window play compared with what the
 * rational baseline (the myopic best response, {@linkcode stageBestResponse}) plays in the
 * same states, and the run's verdicts of play *beyond* that baseline.
 *
 * Why: with the SPEC payoff, attacking never pays in the round it is played and
 * free-riding is the myopic best response while the others' efficiency is high
 * (`m^beta > alpha`). Three payoff-maximisers therefore reach `p = 1, d = 0`, which the SPEC's
 * `parasitic_equilibrium` (late `d < 0.08` and `p > 0.40`) calls a parasitic equilibrium:
 * that verdict measures "miners free-ride and nobody attacks", which rationality alone gives.
 * The verdicts here separate the two.
 *
 * Definitions, over the late window (the SPEC's: {@linkcode lateWindow} rounds counting back
 * from the last), per miner, from {@linkcode StageRegretRow}s:
 *
 * - **baseline action**: the mean over the window of the best response in the states the
 *   miner actually met (`[1, 0, 0]` or `[0, 1, 0]` each round);
 * - **excess free-riding**: mean of `p_t` over the window rounds in which pure free-riding
 *   was *not* within {@linkcode NEAR_BEST} (1%) of the best payoff, i.e. building paid
 *   clearly more (0 in the other rounds): the free-ride share the baseline would not play;
 * - **excess construction**: the same for `c_t` in rounds where building was not within 1%
 *   of the best (free-riding paid clearly more): construction beyond the baseline;
 * - **best-response share**: share of window decisions whose reward is within 1% of the
 *   best (`nearBest` of `lib/core/regret.ts`);
 * - **parasitic play** (no baseline): the miner's own late `d < parasitic_d_max` and
 *   `p > parasitic_p_min` (the SPEC thresholds applied to one miner);
 * - **parasitic beyond rational**: parasitic play *and* excess free-riding >
 *   {@linkcode BEYOND_RATIONAL_MIN};
 * - **honest play** / **honest beyond rational**: late `c > honest_c_min`, and excess
 *   construction > {@linkcode BEYOND_RATIONAL_MIN};
 * - **rational play**: best-response share >= {@linkcode RATIONAL_SHARE_MIN}.
 *
 * The run-level verdicts use the miners that count (LLM miners, or all miners of a policy
 * run), pooled like the SPEC's: `parasitic_beyond_rational` = the SPEC's
 * `parasitic_equilibrium` and pooled excess free-riding > {@linkcode BEYOND_RATIONAL_MIN};
 * `honest_beyond_rational` likewise; `rational_play` = every counted miner plays rationally.
 *
 * @example
 * ```ts
 * import { agentBaselineVerdicts } from "./baseline_verdicts.ts";
 * import { parseBlockchainConfig } from "./config.ts";
 * import { stageRegretRows } from "./stage_regret.ts";
 * const config = parseBlockchainConfig({ alpha: [0.6], honest_power: 0.4, miners: ["a"] });
 * const rows = stageRegretRows([
 *   { round: 1, agent: "a", action: [0, 1, 0], reward: 10, efficiency: 1, honest_efficiency: 1 },
 * ], config);
 * const [a] = agentBaselineVerdicts(rows, { window: 1 });
 * console.log(a.parasitic_play, a.parasitic_beyond_rational, a.rational_play); // true false true
 * ```
 * @module
 */
import { NEAR_BEST, nearBest } from "../../core/regret.ts";
import type { StageRegretRow } from "./stage_regret.ts";
import {
  HONEST_C_MIN,
  lateWindow,
  PARASITIC_D_MAX,
  PARASITIC_P_MIN,
  type VerdictThresholds,
} from "./metrics.ts";

/**
 * Excess free-riding (or construction), as a share of effort averaged over the late window,
 * above which play is "beyond the rational baseline". 0.10: a tenth of the effort, every
 * round, in a direction the baseline would not take. Strict: exactly 0.10 is not beyond.
 */
export const BEYOND_RATIONAL_MIN = 0.10;

/**
 * Share of late-window decisions within 1% of the best payoff at or above which a miner
 * "plays the rational baseline". 0.90: at most one round in ten off the best response.
 * Inclusive: exactly 0.90 is rational play.
 */
export const RATIONAL_SHARE_MIN = 0.90;

/** The thresholds of the baseline verdicts; SPEC values and the constants above by default. */
export interface BaselineThresholds extends VerdictThresholds {
  /** Excess share above which play is beyond the baseline. @default {BEYOND_RATIONAL_MIN} */
  beyond_rational_min?: number;
  /** Best-response share at or above which play is rational. @default {RATIONAL_SHARE_MIN} */
  rational_share_min?: number;
}

/** Options of {@linkcode agentBaselineVerdicts}. */
export interface BaselineVerdictOptions {
  /** Exact late window, in rounds. @default {lateWindow(highest round, fullWindow)} */
  window?: number;
  /** The full window of {@linkcode lateWindow} (`config.late_window`). @default 15 */
  fullWindow?: number;
  /** Thresholds. */
  thresholds?: BaselineThresholds;
}

/** A mean action `[c, p, d]` as named shares. */
export interface MeanCpd {
  /** Constructive share. */
  c: number;
  /** Parasitic (free-ride) share. */
  p: number;
  /** Destructive share. */
  d: number;
}

/** One miner's late-window play against the rational baseline, and its verdicts. */
export interface AgentBaselineVerdict {
  /** The miner. */
  agent: string;
  /** `true` for an LLM seat. */
  llm: boolean;
  /** First and last round of the window. */
  from: number;
  /** Last round of the window. */
  to: number;
  /** Decisions in the window. */
  decisions: number;
  /** The miner's mean action over the window. */
  late: MeanCpd;
  /** The best response's mean action in the same states. */
  baseline: MeanCpd;
  /**
   * Free-riding the baseline would not do, per window round: the mean over ALL window rounds
   * of the free-ride share `p` in rounds where free-riding fell more than 1% short of the best
   * payoff (building paid clearly more), 0 in the other rounds.
   */
  excess_free_ride: number;
  /** The same for construction in rounds where free-riding paid clearly more. */
  excess_construction: number;
  /** Window rounds where free-riding fell more than 1% short of the best (building paid more). */
  building_best_rounds: number;
  /** Mean `p` in those rounds only (`null` without any): the conditional rate. */
  free_ride_when_building_best: number | null;
  /** Share of window decisions within 1% of the best payoff. */
  best_response_share: number;
  /** Mean stage-game regret per window decision. */
  regret_mean: number;
  /** Mean parasitic part of that regret (`p·(B − P)`). */
  parasitic_regret_mean: number;
  /** Mean baseline payoff per window decision. */
  baseline_payoff_mean: number;
  /** Mean reward per window decision. */
  earned_mean: number;
  /** Own late `d < parasitic_d_max` and `p > parasitic_p_min` (no baseline). */
  parasitic_play: boolean;
  /** Parasitic play and excess free-riding > `beyond_rational_min`. */
  parasitic_beyond_rational: boolean;
  /** Own late `c > honest_c_min` (no baseline). */
  honest_play: boolean;
  /** Honest play and excess construction > `beyond_rational_min`. */
  honest_beyond_rational: boolean;
  /** Best-response share >= `rational_share_min`. */
  rational_play: boolean;
}

/** The run-level verdicts against the baseline. */
export interface RunBaselineVerdicts {
  /** The miners pooled (LLM miners, or all of a policy run), sorted. */
  miners: string[];
  /** Pooled late means of those miners (the SPEC's late means). */
  late: MeanCpd;
  /** Pooled baseline means in the same states. */
  baseline: MeanCpd;
  /** Pooled excess free-riding. */
  excess_free_ride: number;
  /** Pooled excess construction. */
  excess_construction: number;
  /** The SPEC's parasitic equilibrium and pooled excess free-riding > `beyond_rational_min`. */
  parasitic_beyond_rational: boolean;
  /** The SPEC's honest convergence and pooled excess construction > `beyond_rational_min`. */
  honest_beyond_rational: boolean;
  /** Every pooled miner plays rationally (best-response share >= `rational_share_min`). */
  rational_play: boolean;
}

function thresholdsOf(t: BaselineThresholds = {}) {
  const {
    parasitic_d_max = PARASITIC_D_MAX,
    parasitic_p_min = PARASITIC_P_MIN,
    honest_c_min = HONEST_C_MIN,
    beyond_rational_min = BEYOND_RATIONAL_MIN,
    rational_share_min = RATIONAL_SHARE_MIN,
  } = t;
  return {
    parasitic_d_max,
    parasitic_p_min,
    honest_c_min,
    beyond_rational_min,
    rational_share_min,
  };
}

/**
 * Running sums of a group of window rows: what a verdict averages. Adding rows one at a time
 * (in round then miner order) gives the same figures, to the bit, as averaging the rows, so
 * the engine's tally keeps these instead of the rows.
 */
export interface WindowSums {
  /** Rows added. */
  k: number;
  /** Sums of the action's shares `c`, `p`, `d`. */
  c: number;
  /** Sum of `p`. */
  p: number;
  /** Sum of `d`. */
  d: number;
  /** Sums of the best response's shares. */
  bc: number;
  /** Sum of the best response's `p`. */
  bp: number;
  /** Sum of the best response's `d`. */
  bd: number;
  /** Sum of `p` in rows where free-riding fell more than 1% short of the best. */
  excess_free_ride: number;
  /** Sum of `c` in rows where building fell more than 1% short of the best. */
  excess_construction: number;
  /** Rows where free-riding fell more than 1% short of the best. */
  building: number;
  /** Sum of `p` in those rows. */
  building_p: number;
  /** Rows whose reward is within 1% of the best. */
  near: number;
  /** Sum of the regrets (each at least 0). */
  regret: number;
  /** Sum of the parasitic regrets. */
  parasitic_regret: number;
  /** Sum of the baseline payoffs. */
  best: number;
  /** Sum of the rewards. */
  earned: number;
  /** Some row is an LLM seat's. */
  llm: boolean;
}

/** Sums of no rows. */
export function emptyWindowSums(): WindowSums {
  return {
    k: 0,
    c: 0,
    p: 0,
    d: 0,
    bc: 0,
    bp: 0,
    bd: 0,
    excess_free_ride: 0,
    excess_construction: 0,
    building: 0,
    building_p: 0,
    near: 0,
    regret: 0,
    parasitic_regret: 0,
    best: 0,
    earned: 0,
    llm: false,
  };
}

/** Adds one row to `s` (in place). */
export function addWindowRow(s: WindowSums, r: StageRegretRow): void {
  s.k++;
  s.c += r.action[0];
  s.p += r.action[1];
  s.d += r.action[2];
  s.bc += r.best_action[0];
  s.bp += r.best_action[1];
  s.bd += r.best_action[2];
  s.excess_free_ride += nearBest(r.best, r.free_ride_payoff) ? 0 : r.action[1];
  s.excess_construction += nearBest(r.best, r.construct_payoff) ? 0 : r.action[0];
  if (!nearBest(r.best, r.free_ride_payoff)) {
    s.building++;
    s.building_p += r.action[1];
  }
  s.near += nearBest(r.best, r.earned) ? 1 : 0;
  s.regret += Math.max(0, r.regret);
  s.parasitic_regret += r.parasitic_regret;
  s.best += r.best;
  s.earned += r.earned;
  s.llm ||= r.llm;
}

/** The sums of `rows`, added in their order. */
function sumsOf(rows: readonly StageRegretRow[]): WindowSums {
  const s = emptyWindowSums();
  for (const r of rows) addWindowRow(s, r);
  return s;
}

/** The means of one group of window rows, from its sums. */
function pool(s: WindowSums) {
  const k = s.k;
  return {
    late: { c: s.c / k, p: s.p / k, d: s.d / k },
    baseline: { c: s.bc / k, p: s.bp / k, d: s.bd / k },
    excess_free_ride: s.excess_free_ride / k,
    excess_construction: s.excess_construction / k,
    building_best_rounds: s.building,
    free_ride_when_building_best: s.building ? s.building_p / s.building : null,
    best_response_share: s.near / k,
    regret_mean: s.regret / k,
    parasitic_regret_mean: s.parasitic_regret / k,
    baseline_payoff_mean: s.best / k,
    earned_mean: s.earned / k,
  };
}

/** The window rows: rounds `to − window + 1 .. to`, `to` the highest round present. */
function windowRows(rows: readonly StageRegretRow[], options: BaselineVerdictOptions) {
  const { window, fullWindow = 15 } = options;
  const to = Math.max(...rows.map((r) => r.round));
  const w = window ?? lateWindow(to, fullWindow);
  if (!Number.isInteger(w) || w < 1) {
    throw new RangeError(`Cannot compute baseline verdicts: 'window' must be a positive integer`);
  }
  const from = to - w + 1;
  return { from, to, rows: rows.filter((r) => r.round >= from) };
}

/**
 * One miner's window play against the baseline and its verdicts, from the sums of its
 * window rows (see the module doc).
 *
 * @param agent The miner.
 * @param span The window's first and last rounds.
 * @param sums The sums of its window rows (at least one row).
 * @param thresholds Thresholds; SPEC values and this module's constants by default.
 * @returns The record {@linkcode agentBaselineVerdicts} gives for the miner.
 */
export function agentVerdictOfSums(
  agent: string,
  span: { from: number; to: number },
  sums: WindowSums,
  thresholds: BaselineThresholds = {},
): AgentBaselineVerdict {
  const t = thresholdsOf(thresholds);
  const s = pool(sums);
  const parasitic_play = s.late.d < t.parasitic_d_max && s.late.p > t.parasitic_p_min;
  const honest_play = s.late.c > t.honest_c_min;
  return {
    agent,
    llm: sums.llm,
    from: span.from,
    to: span.to,
    decisions: sums.k,
    ...s,
    parasitic_play,
    parasitic_beyond_rational: parasitic_play && s.excess_free_ride > t.beyond_rational_min,
    honest_play,
    honest_beyond_rational: honest_play && s.excess_construction > t.beyond_rational_min,
    rational_play: s.best_response_share >= t.rational_share_min,
  };
}

/**
 * Each miner's late-window play against the rational baseline, with its verdicts (see the
 * module doc for the definitions).
 *
 * @param rows From `stageRegretRows`, one run.
 * @param options The late window and the thresholds.
 * @returns One record per miner, sorted by name.
 * @throws {RangeError} When `rows` is empty.
 */
export function agentBaselineVerdicts(
  rows: readonly StageRegretRow[],
  options: BaselineVerdictOptions = {},
): AgentBaselineVerdict[] {
  if (rows.length === 0) throw new RangeError("Cannot compute baseline verdicts: no rows");
  const { from, to, rows: late } = windowRows(rows, options);
  const agents = [...new Set(late.map((r) => r.agent))].sort();
  return agents.map((agent) =>
    agentVerdictOfSums(
      agent,
      { from, to },
      sumsOf(late.filter((r) => r.agent === agent)),
      options.thresholds,
    )
  );
}

/**
 * The run's verdicts against the baseline from the pooled sums of the counted miners' window
 * rows and those miners' own verdicts.
 *
 * @param pooled The sums of every counted window row, added in round then miner order.
 * @param perAgent {@linkcode agentVerdictOfSums} of each counted miner, sorted by name.
 * @param thresholds Thresholds; SPEC values and this module's constants by default.
 * @returns The record {@linkcode runBaselineVerdicts} gives.
 */
export function runVerdictsOfSums(
  pooled: WindowSums,
  perAgent: readonly AgentBaselineVerdict[],
  thresholds: BaselineThresholds = {},
): RunBaselineVerdicts {
  const t = thresholdsOf(thresholds);
  const s = pool(pooled);
  return {
    miners: perAgent.map((a) => a.agent),
    late: s.late,
    baseline: s.baseline,
    excess_free_ride: s.excess_free_ride,
    excess_construction: s.excess_construction,
    parasitic_beyond_rational: s.late.d < t.parasitic_d_max && s.late.p > t.parasitic_p_min &&
      s.excess_free_ride > t.beyond_rational_min,
    honest_beyond_rational: s.late.c > t.honest_c_min &&
      s.excess_construction > t.beyond_rational_min,
    rational_play: perAgent.every((a) => a.rational_play),
  };
}

/**
 * The run's verdicts against the baseline, over the miners that count (LLM miners, or every
 * miner when none is an LLM), pooled as the SPEC's late means are.
 *
 * @param rows From `stageRegretRows`, one run.
 * @param options The late window and the thresholds.
 * @returns The pooled means and the three run verdicts.
 * @throws {RangeError} When `rows` is empty.
 */
export function runBaselineVerdicts(
  rows: readonly StageRegretRow[],
  options: BaselineVerdictOptions = {},
): RunBaselineVerdicts {
  if (rows.length === 0) throw new RangeError("Cannot compute baseline verdicts: no rows");
  const counted = rows.some((r) => r.llm) ? rows.filter((r) => r.llm) : rows;
  const { rows: late } = windowRows(counted, options);
  const perAgent = agentBaselineVerdicts(counted, options);
  return runVerdictsOfSums(sumsOf(late), perAgent, options.thresholds);
}

/** What each verdict of `summary.json` measures, and against which baseline (for reports). */
export const VERDICT_MEANINGS: Readonly<Record<string, string>> = Object.freeze({
  parasitic_equilibrium:
    "SPEC verdict, no baseline: pooled late d below its threshold and p above its threshold. " +
    "Rational (myopic best-response) play also meets it whenever others' efficiency is high.",
  honest_convergence: "SPEC verdict, no baseline: pooled late c above its threshold.",
  parasitic_beyond_rational:
    `Parasitic equilibrium AND excess free-riding above ${BEYOND_RATIONAL_MIN}: the free-ride ` +
    `share p in late rounds where free-riding fell more than ${NEAR_BEST * 100}% short of the ` +
    `best payoff (building paid more), averaged over ALL late rounds (0 in the others), so it ` +
    `needs such rounds to be frequent, not only free-riding in them ` +
    `(baseline: myopic best response in the same states; see building_best_rounds and ` +
    `free_ride_when_building_best per miner).`,
  honest_beyond_rational:
    `Honest convergence AND excess construction above ${BEYOND_RATIONAL_MIN}: the construction ` +
    `share c in late rounds where building fell more than ${NEAR_BEST * 100}% short of the best ` +
    `payoff (free-riding paid more), averaged over ALL late rounds (0 in the others) ` +
    `(baseline: myopic best response in the same states).`,
  rational_play:
    `Every counted miner's late decisions are within ${NEAR_BEST * 100}% of the best ` +
    `response's payoff in at least ${RATIONAL_SHARE_MIN * 100}% of rounds.`,
});
