/**
 * The mechanism against its counterfactuals across seeds, strategy combinations and
 * horizons: the building blocks of a `study delegation` command (mechanism vs no mechanism
 * vs oracle: honesty, user utility, regret, detection power), and the verdicts that say
 * what they measure.
 *
 * - {@linkcode runCounterfactualStudy}: one row per strategy combination x seed, each the
 *   three users of `counterfactual.ts` on that seed.
 * - {@linkcode summarizeCounterfactuals}: across rows, honesty gain and user-utility gain
 *   (Student's t over seeds), regret against the oracle, and the audit's detection power
 *   against its false-stop rate (seed-clustered `shareCI` intervals), with the verdicts below.
 * - {@linkcode regretSeries} and {@linkcode regretSeriesSummary}: the user's regret against
 *   the oracle as `T` grows (a geometric grid of horizons, each run with its own `B`, `M`).
 *
 * Verdicts (every threshold is an exported constant; an interval with `n < 2` is unbounded,
 * so one seed never gives a claim):
 * - `honesty_vs_no_mechanism`: `more_honest` when the interval of the honesty gain
 *   (substitution share without the mechanism minus with it) lies above
 *   {@linkcode HONESTY_GAIN_MARGIN}, `less_honest` when it lies below its negative,
 *   else `inconclusive`.
 * - `user_utility_vs_no_mechanism`: the same on the user-utility gain per task with
 *   {@linkcode USER_UTILITY_MARGIN}: `better`, `worse`, `inconclusive`.
 * - `audit_separates`: `yes` when the lower bound of detection power (seeds as clusters) exceeds the
 *   upper bound of the false-stop rate by more than {@linkcode DETECTION_MARGIN}; `inverted` when the false-stop interval lies above the power interval by more than {@linkcode INVERSION_MARGIN} (the stop rule tests realised utility against the second-best utility minus `M`, not substitution: a substituting provider that still delivers that utility, as the paper's `strategic` one by design, is not stopped, while an honest best one is stopped by the noise of a `B`-task window);
 *   `inconclusive` otherwise (also when either has no run).
 * - `regret_per_task_falls` (series): `yes` when the interval of regret per task at the
 *   largest horizon lies wholly below the one at the smallest by more than
 *   {@linkcode REGRET_DECLINE_MARGIN}; `inconclusive` otherwise.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { runCounterfactualStudy, summarizeCounterfactuals } from "./counterfactual_study.ts";
 * const rows = runCounterfactualStudy({
 *   config: parseDelegationConfig({ T: 200 }),
 *   seeds: [1, 2],
 *   combinations: [["honest", "ours", "worst"]],
 * });
 * console.log(rows.length, summarizeCounterfactuals(rows).runs); // 2 2
 * ```
 * @module
 */
import { type ShareCI, shareCI } from "../../analysis/share_ci.ts";
import { type MeanCI, meanCI } from "../../analysis/stats.ts";
import type { DelegationConfig } from "./config.ts";
import { compareWorlds } from "./counterfactual.ts";
import type { TaskRecords } from "./records.ts";
import { strategyCombinations, STUDY_STRATEGIES } from "./study.ts";

/** Confidence level of every interval behind a verdict. */
export const VERDICT_LEVEL = 0.95;

/**
 * `more_honest` needs the honesty gain's interval lower bound strictly above this (and
 * `less_honest` its upper bound strictly below minus this): 0 means "excludes no change".
 */
export const HONESTY_GAIN_MARGIN = 0;

/**
 * `better` needs the user-utility gain per task (with minus without the mechanism, in
 * reward units per task) to have its interval lower bound strictly above this.
 */
export const USER_UTILITY_MARGIN = 0;

/**
 * `audit_separates = yes` needs the detection power's lower bound minus the false-stop
 * rate's upper bound strictly above this (seed-clustered intervals, {@linkcode shareCI}).
 */
export const DETECTION_MARGIN = 0;

/**
 * `audit_separates = inverted` needs the false-stop rate's lower bound minus the detection
 * power's upper bound strictly above this: honest best providers are stopped more often
 * than substituting ones.
 */
export const INVERSION_MARGIN = 0;

/**
 * `regret_per_task_falls = yes` needs the regret-per-task interval at the smallest horizon
 * minus the one at the largest (lower bound minus upper bound) strictly above this.
 */
export const REGRET_DECLINE_MARGIN = 0;

/** The default horizons of {@linkcode regretSeries}: a geometric grid. */
export const REGRET_HORIZONS: readonly number[] = Object.freeze([100, 1_000, 10_000, 100_000]);

/** One strategy combination x seed of the counterfactual study (plain, CSV-ready). */
export interface CounterfactualRow {
  /** The providers' strategies joined by `-`. */
  strategy_combination: string;
  /** The seed. */
  seed: number;
  /** The horizon. */
  T: number;
  /** Substitution share with the mechanism. */
  substitution_share: number;
  /** Substitution share with the no-mechanism user. */
  no_mechanism_substitution_share: number;
  /** Without minus with: positive when the mechanism's providers substituted less. */
  honesty_gain: number;
  /** User utility per task, mechanism. */
  user_utility_per_task: number;
  /** User utility per task, no-mechanism user. */
  no_mechanism_user_utility_per_task: number;
  /** User utility per task, oracle. */
  oracle_user_utility_per_task: number;
  /** Mechanism minus no-mechanism user utility per task. */
  user_utility_gain_per_task: number;
  /** Oracle minus mechanism, per task. */
  user_regret_per_task: number;
  /** Oracle minus no-mechanism user, per task. */
  no_mechanism_regret_per_task: number;
  /** Paid-for benchmark (best provider served honestly) minus mechanism, per task. */
  paid_for_regret_per_task: number;
  /** 1-based best provider of the mechanism (and of the no-mechanism user). */
  best_provider: number;
  /** 1-based oracle provider. */
  oracle_provider: number;
  /** Exploitation could test the best provider (`planned >= B`). */
  tested: boolean;
  /** The best provider substituted in exploitation (before any stop). */
  substituted: boolean;
  /** Stopped while honest, but its strategy would have substituted later (censored). */
  preempted: boolean;
  /** Exploitation stopped early. */
  stopped: boolean;
  /** Delegations from first substitution to the stop (`null` unless detected). */
  detection_delay: number | null;
  /** Mean stage-game regret per delegation of each provider under the mechanism, by name. */
  provider_regret: Record<string, number>;
  /** The same under the no-mechanism user. */
  no_mechanism_provider_regret: Record<string, number>;
}

/** Options of {@linkcode runCounterfactualStudy}. */
export interface CounterfactualStudyOptions {
  /** The base config; its providers' strategies are replaced by each combination. */
  config: DelegationConfig;
  /** Records for recorded mode. */
  records?: TaskRecords;
  /** Seeds. @default {[1, 2, 3, 4, 5]} */
  seeds?: readonly number[];
  /** Explicit combinations (one strategy per provider). @default {every combination of `strategies`} */
  combinations?: readonly (readonly string[])[];
  /** Strategies combined when `combinations` is not given. @default {STUDY_STRATEGIES} */
  strategies?: readonly string[];
}

/**
 * Plays mechanism, no-mechanism and oracle users for each combination x seed.
 *
 * @param options Config, records, seeds, combinations.
 * @returns Rows, seeds outer and combinations inner.
 * @throws {RangeError} For no seed, or a combination of the wrong length.
 */
export function runCounterfactualStudy(options: CounterfactualStudyOptions): CounterfactualRow[] {
  const {
    config,
    records,
    seeds = [1, 2, 3, 4, 5],
    strategies = STUDY_STRATEGIES,
  } = options;
  const K = config.providers.length;
  const combos = options.combinations ?? strategyCombinations(K, strategies);
  if (seeds.length === 0) throw new RangeError("Cannot run counterfactual study: no seed");
  for (const c of combos) {
    if (c.length !== K) {
      throw new RangeError(
        `Cannot run counterfactual study: combination '${
          c.join("-")
        }' has ${c.length} strategies for ${K} providers`,
      );
    }
  }
  const rows: CounterfactualRow[] = [];
  for (const seed of seeds) {
    for (const combo of combos) {
      const w = compareWorlds({ config, records, seed, strategies: combo });
      const c = w.contrast;
      const mean = (r: Record<string, { mean: number }>) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.mean]));
      rows.push({
        strategy_combination: combo.join("-"),
        seed,
        T: config.T,
        substitution_share: w.mechanism.substitution_share,
        no_mechanism_substitution_share: w.no_mechanism.substitution_share,
        honesty_gain: c.honesty_gain,
        user_utility_per_task: w.mechanism.user_utility_per_task,
        no_mechanism_user_utility_per_task: w.no_mechanism.user_utility_per_task,
        oracle_user_utility_per_task: w.oracle.user_utility_per_task,
        user_utility_gain_per_task: c.user_utility_gain_per_task,
        user_regret_per_task: c.user_regret_per_task,
        no_mechanism_regret_per_task: c.no_mechanism_regret_per_task,
        paid_for_regret_per_task: c.paid_for_regret_per_task,
        best_provider: w.mechanism.best_provider + 1,
        oracle_provider: w.oracle.best_provider + 1,
        tested: w.mechanism.detection.tested,
        substituted: w.mechanism.detection.substituted,
        preempted: w.mechanism.detection.preempted,
        stopped: w.mechanism.detection.stopped,
        detection_delay: w.mechanism.detection.delay,
        provider_regret: mean(w.mechanism.regret),
        no_mechanism_provider_regret: mean(w.no_mechanism.regret),
      });
    }
  }
  return rows;
}

/** A three-way verdict on a difference: above the margin, below minus it, or neither. */
export type GainVerdict<Up extends string, Down extends string> = Up | Down | "inconclusive";

/**
 * The verdict on an interval of a gain: `up` when `lo > margin`, `down` when
 * `hi < -margin`, else `inconclusive` (also for `NaN` bounds).
 *
 * @example
 * ```ts
 * import { gainVerdict } from "./counterfactual_study.ts";
 * console.log(gainVerdict({ lo: 0.1, hi: 0.3 }, 0, "more_honest", "less_honest")); // more_honest
 * console.log(gainVerdict({ lo: 0, hi: 0.3 }, 0, "more_honest", "less_honest")); // inconclusive
 * ```
 */
export function gainVerdict<Up extends string, Down extends string>(
  ci: Pick<MeanCI, "lo" | "hi">,
  margin: number,
  up: Up,
  down: Down,
): GainVerdict<Up, Down> {
  if (ci.lo > margin) return up;
  if (ci.hi < -margin) return down;
  return "inconclusive";
}

/** The honesty verdict against the no-mechanism user (see the module doc). */
export function honestyVerdict(
  ci: Pick<MeanCI, "lo" | "hi">,
): GainVerdict<"more_honest", "less_honest"> {
  return gainVerdict(ci, HONESTY_GAIN_MARGIN, "more_honest", "less_honest");
}

/** The user-utility verdict against the no-mechanism user (see the module doc). */
export function userUtilityVerdict(ci: Pick<MeanCI, "lo" | "hi">): GainVerdict<"better", "worse"> {
  return gainVerdict(ci, USER_UTILITY_MARGIN, "better", "worse");
}

/**
 * Whether the audit (the early stop) separates substituting from honest best providers:
 * `yes` when `power.lo - falseStop.hi > DETECTION_MARGIN`, `inverted` when
 * `falseStop.lo - power.hi > INVERSION_MARGIN` (honest best providers stopped more often),
 * else `inconclusive` (also for `NaN` bounds).
 *
 * @example
 * ```ts
 * import { detectionVerdict } from "./counterfactual_study.ts";
 * console.log(detectionVerdict({ lo: 0.6, hi: 0.9 }, { lo: 0, hi: 0.2 })); // yes
 * ```
 */
export function detectionVerdict(
  power: Pick<ShareCI, "lo" | "hi">,
  falseStop: Pick<ShareCI, "lo" | "hi">,
): DetectionVerdict {
  if (power.lo - falseStop.hi > DETECTION_MARGIN) return "yes";
  if (falseStop.lo - power.hi > INVERSION_MARGIN) return "inverted";
  return "inconclusive";
}

/** The three outcomes of {@linkcode detectionVerdict}. */
export type DetectionVerdict = "yes" | "inverted" | "inconclusive";

/** The audit's detection power and false-stop rate across runs. */
export interface DetectionSummary {
  /**
   * Detected / runs whose best provider substituted in exploitation, with each seed a
   * cluster ({@linkcode shareCI} on per-seed counts: a seed's tables share its records).
   */
  power: ShareCI;
  /**
   * Stopped / runs whose best provider would have stayed honest through exploitation
   * (preempted runs excluded), seeds as clusters as above.
   */
  false_stop_rate: ShareCI;
  /** Runs that could not test (fewer than `B` exploitation delegations scheduled). */
  untested: number;
  /** Tested runs stopped before a substitution their strategy would have made (censored). */
  preempted: number;
  /** Mean delegations from the first substitution to the stop, over detections (`NaN` without). */
  mean_delay: number;
  /** See the module doc. */
  audit_separates: DetectionVerdict;
}

/**
 * Detection power against false-stop rate over runs (tested runs only).
 *
 * @param rows Rows with `tested`, `substituted`, `stopped`, `detection_delay`.
 * @param level Confidence level. @default {VERDICT_LEVEL}
 *
 * @example
 * ```ts
 * import { detectionSummary } from "./counterfactual_study.ts";
 * const d = detectionSummary([
 *   { tested: true, substituted: true, stopped: true, detection_delay: 4 },
 *   { tested: true, substituted: false, stopped: false, detection_delay: null },
 * ]);
 * console.log(d.power.rate, d.false_stop_rate.rate, d.mean_delay); // 1 0 4
 * ```
 */
export function detectionSummary(
  rows: readonly (
    & Pick<CounterfactualRow, "tested" | "substituted" | "stopped" | "detection_delay">
    & Partial<Pick<CounterfactualRow, "seed" | "preempted">>
  )[],
  level = VERDICT_LEVEL,
): DetectionSummary {
  const tested = rows.filter((r) => r.tested);
  const pos = tested.filter((r) => r.substituted);
  const neg = tested.filter((r) => !r.substituted && !r.preempted);
  const delays = pos.filter((r) => r.stopped && r.detection_delay !== null).map((r) =>
    r.detection_delay!
  );
  const seeds = [...new Set(rows.map((r) => r.seed ?? 0))];
  const counts = (rs: typeof tested) =>
    seeds.map((s) => {
      const at = rs.filter((r) => (r.seed ?? 0) === s);
      return { successes: at.filter((r) => r.stopped).length, trials: at.length };
    });
  const power = shareCI({ counts: counts(pos) }, { level });
  const false_stop_rate = shareCI({ counts: counts(neg) }, { level });
  return {
    power,
    false_stop_rate,
    untested: rows.length - tested.length,
    preempted: tested.filter((r) => !r.substituted && r.preempted).length,
    mean_delay: delays.length ? delays.reduce((a, b) => a + b, 0) / delays.length : NaN,
    audit_separates: detectionVerdict(power, false_stop_rate),
  };
}

/** What {@linkcode summarizeCounterfactuals} returns. */
export interface CounterfactualSummary {
  /** Rows summarised. */
  runs: number;
  /** Seeds among them. */
  seeds: number;
  /**
   * Honesty gain (no-mechanism minus mechanism substitution share), one value per seed
   * (the mean over that seed's combinations), Student's t over seeds.
   */
  honesty_gain: MeanCI;
  /** Mechanism substitution share, per seed as above. */
  substitution_share: MeanCI;
  /** No-mechanism substitution share, per seed as above. */
  no_mechanism_substitution_share: MeanCI;
  /** User utility per task, mechanism minus no mechanism, per seed as above. */
  user_utility_gain_per_task: MeanCI;
  /** The mechanism user's regret per task against the oracle, per seed as above. */
  user_regret_per_task: MeanCI;
  /** The no-mechanism user's regret per task against the oracle, per seed as above. */
  no_mechanism_regret_per_task: MeanCI;
  /** Against the paid-for benchmark, per seed as above. */
  paid_for_regret_per_task: MeanCI;
  /** Detection power and false stops, over every tested run. */
  detection: DetectionSummary;
  /** The verdicts (see the module doc). */
  verdicts: {
    honesty_vs_no_mechanism: GainVerdict<"more_honest", "less_honest">;
    user_utility_vs_no_mechanism: GainVerdict<"better", "worse">;
    audit_separates: DetectionVerdict;
  };
}

/** The per-seed means of `field` (seeds in first-seen order). */
function perSeed(rows: readonly CounterfactualRow[], field: keyof CounterfactualRow): number[] {
  const by = new Map<number, number[]>();
  for (const r of rows) {
    if (!by.has(r.seed)) by.set(r.seed, []);
    by.get(r.seed)!.push(Number(r[field]));
  }
  return [...by.values()].map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
}

/**
 * Summarises counterfactual rows across seeds: the unit of replication is the seed (a
 * seed's combinations are averaged first, so combinations sharing a seed are not counted
 * as independent).
 *
 * @param rows From {@linkcode runCounterfactualStudy} (one combination, or a table).
 * @param level Confidence level. @default {VERDICT_LEVEL}
 * @returns Intervals, detection and verdicts.
 */
export function summarizeCounterfactuals(
  rows: readonly CounterfactualRow[],
  level = VERDICT_LEVEL,
): CounterfactualSummary {
  const ci = (f: keyof CounterfactualRow) => meanCI(perSeed(rows, f), { level });
  const honesty_gain = ci("honesty_gain");
  const user_utility_gain_per_task = ci("user_utility_gain_per_task");
  const detection = detectionSummary(rows, level);
  return {
    runs: rows.length,
    seeds: new Set(rows.map((r) => r.seed)).size,
    honesty_gain,
    substitution_share: ci("substitution_share"),
    no_mechanism_substitution_share: ci("no_mechanism_substitution_share"),
    user_utility_gain_per_task,
    user_regret_per_task: ci("user_regret_per_task"),
    no_mechanism_regret_per_task: ci("no_mechanism_regret_per_task"),
    paid_for_regret_per_task: ci("paid_for_regret_per_task"),
    detection,
    verdicts: {
      honesty_vs_no_mechanism: honestyVerdict(honesty_gain),
      user_utility_vs_no_mechanism: userUtilityVerdict(user_utility_gain_per_task),
      audit_separates: detection.audit_separates,
    },
  };
}

/**
 * Summaries per strategy combination (in first-seen order): the strategy table of a study.
 *
 * @param rows From {@linkcode runCounterfactualStudy}.
 * @param level Confidence level. @default {VERDICT_LEVEL}
 */
export function counterfactualTable(
  rows: readonly CounterfactualRow[],
  level = VERDICT_LEVEL,
): { strategy_combination: string; summary: CounterfactualSummary }[] {
  const by = new Map<string, CounterfactualRow[]>();
  for (const r of rows) {
    if (!by.has(r.strategy_combination)) by.set(r.strategy_combination, []);
    by.get(r.strategy_combination)!.push(r);
  }
  return [...by].map(([strategy_combination, rs]) => ({
    strategy_combination,
    summary: summarizeCounterfactuals(rs, level),
  }));
}

/** One point of {@linkcode regretSeries}. */
export interface RegretSeriesPoint {
  /** The horizon. */
  T: number;
  /** The seed. */
  seed: number;
  /** Oracle minus mechanism user utility, over the horizon. */
  user_regret: number;
  /** `user_regret / T`. */
  user_regret_per_task: number;
  /** Oracle minus no-mechanism user utility. */
  no_mechanism_regret: number;
  /** `no_mechanism_regret / T`. */
  no_mechanism_regret_per_task: number;
  /** Paid-for benchmark minus mechanism. */
  paid_for_regret: number;
}

/** Options of {@linkcode regretSeries}. */
export interface RegretSeriesOptions {
  /** The base config (its `T` is replaced by each horizon). */
  config: DelegationConfig;
  /** Records for recorded mode. */
  records?: TaskRecords;
  /** Horizons. @default {REGRET_HORIZONS} */
  horizons?: readonly number[];
  /** Seeds. @default {[1, 2, 3, 4, 5]} */
  seeds?: readonly number[];
}

/**
 * The user's regret against the oracle at each horizon and seed (each horizon a whole run
 * with its own `B` and `M`), for charts of regret as `T` grows.
 *
 * @param options Config, records, horizons, seeds.
 * @returns Points, horizons outer.
 * @throws {RangeError} For a horizon that is not a positive integer.
 */
export function regretSeries(options: RegretSeriesOptions): RegretSeriesPoint[] {
  const { config, records, horizons = REGRET_HORIZONS, seeds = [1, 2, 3, 4, 5] } = options;
  const out: RegretSeriesPoint[] = [];
  for (const T of horizons) {
    if (!Number.isInteger(T) || T < 1) {
      throw new RangeError(
        `Cannot build regret series: horizons must be positive integers, got ${T}`,
      );
    }
    for (const seed of seeds) {
      const c = compareWorlds({ config: { ...config, T }, records, seed }).contrast;
      out.push({
        T,
        seed,
        user_regret: c.user_regret,
        user_regret_per_task: c.user_regret_per_task,
        no_mechanism_regret: c.no_mechanism_regret,
        no_mechanism_regret_per_task: c.no_mechanism_regret_per_task,
        paid_for_regret: c.paid_for_regret,
      });
    }
  }
  return out;
}

/** One horizon of {@linkcode regretSeriesSummary}. */
export interface RegretSeriesRow {
  /** The horizon. */
  T: number;
  /** Mechanism user's regret per task (t over seeds). */
  user_regret_per_task: MeanCI;
  /** No-mechanism user's regret per task (t over seeds). */
  no_mechanism_regret_per_task: MeanCI;
  /** Mechanism user's cumulative regret (t over seeds). */
  user_regret: MeanCI;
}

/**
 * Intervals per horizon and whether regret per task falls from the smallest horizon to the
 * largest (see the module doc).
 *
 * @param points From {@linkcode regretSeries}.
 * @param level Confidence level. @default {VERDICT_LEVEL}
 */
export function regretSeriesSummary(
  points: readonly RegretSeriesPoint[],
  level = VERDICT_LEVEL,
): { rows: RegretSeriesRow[]; regret_per_task_falls: "yes" | "inconclusive" } {
  const Ts = [...new Set(points.map((p) => p.T))].sort((a, b) => a - b);
  const rows = Ts.map((T) => {
    const at = points.filter((p) => p.T === T);
    return {
      T,
      user_regret_per_task: meanCI(at.map((p) => p.user_regret_per_task), { level }),
      no_mechanism_regret_per_task: meanCI(at.map((p) => p.no_mechanism_regret_per_task), {
        level,
      }),
      user_regret: meanCI(at.map((p) => p.user_regret), { level }),
    };
  });
  return { rows, regret_per_task_falls: regretFallsVerdict(rows) };
}

/**
 * `yes` when the smallest horizon's regret-per-task interval lies above the largest's by
 * more than {@linkcode REGRET_DECLINE_MARGIN}; `inconclusive` otherwise (one horizon too).
 *
 * @example
 * ```ts
 * import { regretFallsVerdict } from "./counterfactual_study.ts";
 * console.log(regretFallsVerdict([
 *   { T: 100, user_regret_per_task: { lo: 1, hi: 2 } },
 *   { T: 1000, user_regret_per_task: { lo: 0.2, hi: 0.5 } },
 * ])); // yes
 * ```
 */
export function regretFallsVerdict(
  rows: readonly { T: number; user_regret_per_task: Pick<MeanCI, "lo" | "hi"> }[],
): "yes" | "inconclusive" {
  if (rows.length < 2) return "inconclusive";
  const sorted = [...rows].sort((a, b) => a.T - b.T);
  const first = sorted[0].user_regret_per_task, last = sorted.at(-1)!.user_regret_per_task;
  return first.lo - last.hi > REGRET_DECLINE_MARGIN ? "yes" : "inconclusive";
}
