/**
 * How many seeds a comparison needs (a power analysis), for a future `study --estimate`:
 * the seeds per condition for a two-sided test of a difference of means
 * ({@linkcode seedsNeeded}) or of proportions ({@linkcode seedsNeededForProportions}) to
 * reach the given power at the given significance level.
 *
 * - Means: the two-sample t test with equal group sizes. The power at `n` seeds per group is
 *   exact, from the noncentral t (`jstat`): `df = 2n - 2`, noncentrality
 *   `δ = (effect / sd) √(n/2)`, `power = 1 - F(t*; df, δ) + F(-t*; df, δ)` with
 *   `t* = t(1 - α/2, df)`; the answer is the least integer `n >= 2` with `power >= target`
 *   (as R's `power.t.test` and G*Power compute it; Cohen 1988, Table 2.4.1, gives 64 per
 *   group for `d = 0.5`).
 * - Proportions: the normal approximation of Fleiss, Levin and Paik (2003, eq. 4.14,
 *   without continuity correction), as R's `power.prop.test`:
 *   `n = [z(1-α/2) √(2 p̄ q̄) + z(power) √(p1 q1 + p2 q2)]² / (p1 - p2)²` with
 *   `p̄ = (p1 + p2) / 2`, rounded up. For proportions measured per seed (a verdict per run)
 *   `n` is seeds; for events pooled within seeds it is events, and seeds need more when
 *   runs differ (multiply by the design effect).
 *
 * @example
 * ```ts
 * import { seedsNeeded, seedsNeededForProportions } from "./power.ts";
 * console.log(seedsNeeded({ effect: 0.5, sd: 1 }).n); // 64
 * console.log(seedsNeededForProportions({ p1: 0.5, p2: 0.75 }).n); // 58
 * ```
 * @module
 */
import jStatModule from "jstat";
import { normalQuantile, tQuantile } from "./stats.ts";

/** The part of `jstat` used here (the package ships no TypeScript types). */
interface JStatNoncentral {
  noncentralt: { cdf(x: number, dof: number, ncp: number): number };
}
const jStat = jStatModule as unknown as JStatNoncentral;

/** Options shared by both estimates. */
export interface PowerOptions {
  /** Two-sided significance level, in (0, 1). @default {0.05} */
  alpha?: number;
  /** The power wanted, in (0, 1). @default {0.8} */
  power?: number;
}

/** Options of {@linkcode seedsNeeded}. */
export interface SeedsNeededOptions extends PowerOptions {
  /** The difference of means to detect (its absolute value is used), not 0. */
  effect: number;
  /** The standard deviation of one seed's value, the same in both conditions, > 0. */
  sd: number;
  /** The most seeds per group searched. @default {100000} */
  maxSeeds?: number;
}

/** Options of {@linkcode seedsNeededForProportions}. */
export interface ProportionsNeededOptions extends PowerOptions {
  /** The proportion in the first condition, in (0, 1). */
  p1: number;
  /** The proportion in the second condition, in (0, 1), not `p1`. */
  p2: number;
}

/** A seeds-needed estimate. */
export interface SeedsNeeded {
  /** Seeds per condition (each of the two groups), rounded up. */
  n: number;
  /** Seeds in all (`2n`). */
  total: number;
  /** The power reached with `n` seeds per group (exact t for means, normal for proportions). */
  achieved: number;
  /** The standardised effect: `effect / sd` (Cohen's d), or Cohen's h for proportions. */
  standardized: number;
  /** The significance level (two-sided). */
  alpha: number;
  /** The power wanted. */
  power: number;
  /** The method: the noncentral t, or the normal approximation for two proportions. */
  method: "noncentral-t" | "normal-two-proportions";
}

function checkUnit(value: number, name: string, what: string): void {
  if (!(value > 0 && value < 1)) {
    throw new RangeError(`Cannot estimate ${what}: '${name}' must be in (0, 1), got ${value}`);
  }
}

/** The exact power of the two-sided two-sample t test with `n` per group and `d = effect/sd`. */
export function tTestPower(n: number, d: number, alpha = 0.05): number {
  const df = 2 * n - 2;
  const ncp = Math.abs(d) * Math.sqrt(n / 2);
  const t = tQuantile(1 - alpha / 2, df);
  return 1 - jStat.noncentralt.cdf(t, df, ncp) + jStat.noncentralt.cdf(-t, df, ncp);
}

/**
 * Seeds per condition to detect a difference of means with a two-sided two-sample t test
 * (exact power from the noncentral t; see the module's formula).
 *
 * @param options `effect`, `sd`, `alpha` (0.05), `power` (0.8).
 * @returns The least `n` per group reaching the power, and the power it reaches.
 * @throws {RangeError} For a zero effect, a non-positive sd, alpha or power outside (0, 1),
 * or when more than `maxSeeds` would be needed.
 *
 * @example
 * ```ts
 * import { seedsNeeded } from "./power.ts";
 * const e = seedsNeeded({ effect: 0.1, sd: 0.2, power: 0.9 }); // d = 0.5
 * console.log(e.n, e.achieved > 0.9); // 86 true
 * ```
 */
export function seedsNeeded(options: SeedsNeededOptions): SeedsNeeded {
  const { effect, sd, alpha = 0.05, power = 0.8, maxSeeds = 100_000 } = options;
  checkUnit(alpha, "alpha", "seeds needed");
  checkUnit(power, "power", "seeds needed");
  if (!(Number.isFinite(effect) && effect !== 0)) {
    throw new RangeError(`Cannot estimate seeds needed: 'effect' must be non-zero, got ${effect}`);
  }
  if (!(Number.isFinite(sd) && sd > 0)) {
    throw new RangeError(`Cannot estimate seeds needed: 'sd' must be > 0, got ${sd}`);
  }
  if (!Number.isInteger(maxSeeds) || maxSeeds < 2) {
    throw new RangeError(`Cannot estimate seeds needed: 'maxSeeds' must be an integer >= 2`);
  }
  const d = Math.abs(effect) / sd;
  // The power grows with n: bisect for the least n in [2, maxSeeds] reaching it.
  if (tTestPower(maxSeeds, d, alpha) < power) {
    throw new RangeError(
      `Cannot estimate seeds needed: more than ${maxSeeds} seeds per group for d = ${d}`,
    );
  }
  let [lo, hi] = [2, maxSeeds];
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (tTestPower(mid, d, alpha) >= power) hi = mid;
    else lo = mid + 1;
  }
  const n = lo;
  return {
    n,
    total: 2 * n,
    achieved: tTestPower(n, d, alpha),
    standardized: d,
    alpha,
    power,
    method: "noncentral-t",
  };
}

/** The exact (unrounded) `n` of the two-proportion formula. */
export function proportionsN(p1: number, p2: number, alpha = 0.05, power = 0.8): number {
  const za = normalQuantile(1 - alpha / 2), zb = normalQuantile(power);
  const pbar = (p1 + p2) / 2;
  const a = za * Math.sqrt(2 * pbar * (1 - pbar));
  const b = zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (a + b) ** 2 / (p1 - p2) ** 2;
}

/**
 * Seeds per condition to detect a difference of two proportions (e.g. a verdict's rate)
 * with a two-sided test at level `alpha` (normal approximation; see the module's formula).
 *
 * @param options `p1`, `p2`, `alpha` (0.05), `power` (0.8).
 * @returns `n` per group, rounded up, and the power it reaches.
 * @throws {RangeError} For proportions outside (0, 1), equal ones, or a bad alpha or power.
 *
 * @example
 * ```ts
 * import { seedsNeededForProportions } from "./power.ts";
 * // R: power.prop.test(p1 = .50, p2 = .75, power = .90) gives n = 76.7
 * console.log(seedsNeededForProportions({ p1: 0.5, p2: 0.75, power: 0.9 }).n); // 77
 * ```
 */
export function seedsNeededForProportions(options: ProportionsNeededOptions): SeedsNeeded {
  const { p1, p2, alpha = 0.05, power = 0.8 } = options;
  checkUnit(alpha, "alpha", "seeds needed");
  checkUnit(power, "power", "seeds needed");
  checkUnit(p1, "p1", "seeds needed");
  checkUnit(p2, "p2", "seeds needed");
  if (p1 === p2) {
    throw new RangeError(`Cannot estimate seeds needed: 'p1' and 'p2' are equal (${p1})`);
  }
  const n = Math.ceil(proportionsN(p1, p2, alpha, power) - 1e-9);
  const za = normalQuantile(1 - alpha / 2);
  const pbar = (p1 + p2) / 2;
  const se1 = Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const achieved = 1 - jStatNormalCdf(
    (za * Math.sqrt(2 * pbar * (1 - pbar)) - Math.sqrt(n) * Math.abs(p1 - p2)) / se1,
  );
  const h = 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2));
  return {
    n,
    total: 2 * n,
    achieved,
    standardized: Math.abs(h),
    alpha,
    power,
    method: "normal-two-proportions",
  };
}

/** The standard normal CDF (through `jstat`'s `normal.cdf`). */
function jStatNormalCdf(x: number): number {
  return (jStatModule as unknown as { normal: { cdf(x: number, m: number, s: number): number } })
    .normal.cdf(x, 0, 1);
}
