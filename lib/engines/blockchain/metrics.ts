/**
 * Late-window metrics of the blockchain CPD game as small pure functions over decision rows.
 *
 * @example
 * ```ts
 * import { lateMeans, lateWindow, verdicts } from "./metrics.ts";
 * const rows = [
 *   { round: 1, action: [0, 1, 0] },
 *   { round: 2, action: [0.2, 0.8, 0] },
 * ];
 * const late = lateMeans(rows, lateWindow(2)); // last round only: c 0.2, p 0.8, d 0
 * console.log(verdicts(late)); // { parasitic_equilibrium: true, honest_convergence: false }
 * ```
 * @module
 */
import type { LabelKey } from "./labels.ts";

/** One row of `decisions.jsonl` for a blockchain run; efficiencies are after the round. */
export interface DecisionRow {
  /** The round, 1-based. */
  round: number;
  /** The miner's name. */
  agent: string;
  /** The normalised action `[c, p, d]`. */
  action: number[];
  /** The round's payoff. */
  reward: number;
  /** The payoff summed up to and including this round. */
  cumulative_reward: number;
  /** Own efficiency after the round's update. */
  efficiency: number;
  /** The honest group's efficiency after the round's update. */
  honest_efficiency: number;
  /** Strategy label of `action`. */
  label: LabelKey;
  /** `false` when the agent's reply could not be used and the fallback was played. */
  parse_ok: boolean;
}

/** Mean `c`, `p`, `d` over a late window. */
export interface LateMeans {
  /** Mean constructive share. */
  c: number;
  /** Mean parasitic share. */
  p: number;
  /** Mean destructive share. */
  d: number;
  /** First round averaged, e.g. 16. */
  from: number;
  /** Last round averaged, e.g. 30. */
  to: number;
}

/**
 * SPEC threshold: parasitic equilibrium needs pooled late mean `d` strictly below this. It
 * measures "nobody attacks", against no baseline (see `baseline_verdicts.ts`).
 */
export const PARASITIC_D_MAX = 0.08;

/** SPEC threshold: parasitic equilibrium needs pooled late mean `p` strictly above this. */
export const PARASITIC_P_MIN = 0.40;

/** SPEC threshold: honest convergence needs pooled late mean `c` strictly above this. */
export const HONEST_C_MIN = 0.55;

/** The thresholds of {@linkcode verdicts}. */
export interface VerdictThresholds {
  /** Parasitic equilibrium needs mean `d` below this. @default 0.08 */
  parasitic_d_max?: number;
  /** Parasitic equilibrium needs mean `p` above this. @default 0.40 */
  parasitic_p_min?: number;
  /** Honest convergence needs mean `c` above this. @default 0.55 */
  honest_c_min?: number;
}

/** The two verdicts of a run. */
export interface Verdicts {
  /** Late mean `d` below its threshold and late mean `p` above its threshold. */
  parasitic_equilibrium: boolean;
  /** Late mean `c` above its threshold. */
  honest_convergence: boolean;
}

/**
 * The number of late rounds the metrics average: `window` (15) when the run has at least
 * `2 * window` rounds, else half the rounds (rounded down, at least 1).
 *
 * @param rounds Rounds in the run.
 * @param window The full window. @default 15
 * @returns The window length.
 *
 * @example
 * ```ts
 * import { lateWindow } from "./metrics.ts";
 * console.log(lateWindow(30), lateWindow(50), lateWindow(20), lateWindow(1)); // 15 15 10 1
 * ```
 */
export function lateWindow(rounds: number, window = 15): number {
  return rounds >= 2 * window ? window : Math.max(1, Math.floor(rounds / 2));
}

/**
 * Mean `c`, `p`, `d` over the rows of the last `window` rounds (counting back from the
 * highest round present), across every agent in `rows`; filter the rows to the agents that
 * count (the LLM miners) first.
 *
 * @param rows Decision rows (only `round` and `action` are read).
 * @param window Rounds to average, e.g. from {@linkcode lateWindow}.
 * @returns The means and the rounds covered.
 * @throws {RangeError} When `rows` is empty.
 */
export function lateMeans(
  rows: readonly Pick<DecisionRow, "round" | "action">[],
  window: number,
): LateMeans {
  if (rows.length === 0) throw new RangeError("Cannot compute late means: no decision rows");
  const to = Math.max(...rows.map((r) => r.round));
  const from = to - window + 1;
  const late = rows.filter((r) => r.round >= from);
  const mean = (k: number) => late.reduce((s, r) => s + r.action[k], 0) / late.length;
  return { c: mean(0), p: mean(1), d: mean(2), from, to };
}

/**
 * The verdicts on late means: **parasitic equilibrium** when `d < parasitic_d_max` and
 * `p > parasitic_p_min`; **honest convergence** when `c > honest_c_min`.
 *
 * @param late Means from {@linkcode lateMeans}.
 * @param thresholds The thresholds (a parsed config fits), SPEC defaults otherwise.
 * @returns Both verdicts.
 */
export function verdicts(
  late: Pick<LateMeans, "c" | "p" | "d">,
  thresholds: VerdictThresholds = {},
): Verdicts {
  const {
    parasitic_d_max = PARASITIC_D_MAX,
    parasitic_p_min = PARASITIC_P_MIN,
    honest_c_min = HONEST_C_MIN,
  } = thresholds;
  return {
    parasitic_equilibrium: late.d < parasitic_d_max && late.p > parasitic_p_min,
    honest_convergence: late.c > honest_c_min,
  };
}
