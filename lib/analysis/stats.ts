/**
 * Statistics across seeds: confidence intervals of a mean (Student's t or a seeded
 * percentile bootstrap), of a proportion (Wilson, or Clopper-Pearson's exact interval), the
 * comparison of two conditions (Welch's t interval and a seeded two-sided permutation test,
 * exact when small), and Holm's adjustment of a family of p-values.
 *
 * Conventions, the same everywhere:
 * - `n = 0`: every figure is `NaN`.
 * - `n = 1`: the mean is the value, `sd` is `NaN`, and the interval is unbounded
 *   (`lo = -Infinity`, `hi = Infinity`, `half_width = Infinity`): one seed says nothing
 *   about the spread, so no finite interval is claimed (the bootstrap follows the same rule
 *   rather than reporting the zero width its resamples would give).
 * - `sd` is the sample standard deviation (denominator `n - 1`).
 *
 * Quantiles of Student's t, of the normal and of the beta distribution come from `jstat`.
 *
 * @example
 * ```ts
 * import { meanCI } from "./stats.ts";
 * const ci = meanCI([1, 2, 3, 4, 5]); // 5 seeds
 * console.log(ci.lo.toFixed(4), ci.hi.toFixed(4)); // 1.0368 4.9632
 * ```
 * @module
 */
import jStatModule from "jstat";
import { Rng } from "../core/rng.ts";

/** The part of `jstat` used here (the package ships no TypeScript types). */
interface JStatDistributions {
  studentt: {
    inv(p: number, dof: number): number;
    cdf(x: number, dof: number): number;
  };
  normal: { inv(p: number, mean: number, sd: number): number };
  beta: { inv(p: number, a: number, b: number): number };
}
const jStat = jStatModule as unknown as JStatDistributions;

/** The interval of a mean, from {@linkcode meanCI}. */
export interface MeanCI {
  /** Number of values. */
  n: number;
  /** The sample mean; `NaN` when `n = 0`. */
  mean: number;
  /** Sample standard deviation (`n - 1`); `NaN` when `n < 2`. */
  sd: number;
  /** Lower bound; `-Infinity` when `n = 1`, `NaN` when `n = 0`. */
  lo: number;
  /** Upper bound; `Infinity` when `n = 1`, `NaN` when `n = 0`. */
  hi: number;
  /** `(hi - lo) / 2` (for the bootstrap, whose interval may be asymmetric, half its width). */
  half_width: number;
  /** How the interval was computed: Student's t or the percentile bootstrap. */
  method: "t" | "bootstrap";
  /** The confidence level, e.g. `0.95`. */
  level: number;
}

/** Options of {@linkcode meanCI}. */
export interface MeanCIOptions {
  /** Confidence level, in (0, 1). @default {0.95} */
  level?: number;
  /** Student's t interval, or the percentile bootstrap. @default {"t"} */
  method?: "t" | "bootstrap";
  /** Bootstrap resamples. @default {10000} */
  resamples?: number;
  /** Seed of the bootstrap's {@linkcode Rng}. @default {0} */
  seed?: number;
}

/** The interval of a proportion, from {@linkcode proportionCI}. */
export interface ProportionCI {
  /** Trials (verdicts). */
  n: number;
  /** Trials that succeeded. */
  successes: number;
  /** `successes / n`; `NaN` when `n = 0`. */
  rate: number;
  /** Lower bound, in [0, 1]; `NaN` when `n = 0`. */
  lo: number;
  /** Upper bound, in [0, 1]; `NaN` when `n = 0`. */
  hi: number;
  /** How the interval was computed: Wilson's score interval or Clopper-Pearson's exact one. */
  method: "wilson" | "clopper-pearson";
  /** The confidence level, e.g. `0.95`. */
  level: number;
}

/** Options of {@linkcode proportionCI}. */
export interface ProportionCIOptions {
  /** Confidence level, in (0, 1). @default {0.95} */
  level?: number;
  /** Wilson's score interval, or Clopper-Pearson's exact (conservative) one. @default {"wilson"} */
  method?: "wilson" | "clopper-pearson";
}

/** The comparison of two conditions, from {@linkcode compare}. */
export interface Comparison {
  /** Number of values of condition `a`. */
  n_a: number;
  /** Number of values of condition `b`. */
  n_b: number;
  /** Mean of condition `a`. */
  mean_a: number;
  /** Mean of condition `b`. */
  mean_b: number;
  /** `mean_a - mean_b`. */
  diff: number;
  /** Standard error of the difference, `sqrt(var_a / n_a + var_b / n_b)`. */
  se: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  /** Welch's t statistic, `diff / se`. */
  t: number;
  /** Lower bound of the Welch-t interval of the difference. */
  lo: number;
  /** Upper bound of the Welch-t interval of the difference. */
  hi: number;
  /** Two-sided p-value of Welch's t test. */
  p_welch: number;
  /** Two-sided permutation p-value of the difference of means. */
  p_value: number;
  /** `exact`: every split enumerated; `monte_carlo`: random splits, `(1 + hits) / (1 + draws)`. */
  permutation: "exact" | "monte_carlo";
  /** Splits counted: all of them (exact) or the random draws. */
  permutations: number;
  /** The confidence level of the interval, e.g. `0.95`. */
  level: number;
}

/** Options of {@linkcode compare}. */
export interface CompareOptions {
  /** Confidence level of the Welch interval, in (0, 1). @default {0.95} */
  level?: number;
  /**
   * The most splits enumerated exactly; with more possible splits, this many random ones
   * are drawn instead. @default {10000}
   */
  permutations?: number;
  /** Seed of the random splits' {@linkcode Rng}. @default {0} */
  seed?: number;
}

function checkLevel(level: number, what: string): void {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`Cannot compute ${what}: 'level' must be in (0, 1), got ${level}`);
  }
}

function checkValues(values: readonly number[], what: string): void {
  const bad = values.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad >= 0) {
    throw new RangeError(
      `Cannot compute ${what}: values must be finite numbers, got ${values[bad]} at index ${bad}`,
    );
  }
}

function checkCount(value: number, name: string, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot compute ${what}: '${name}' must be a positive integer, got ${value}`,
    );
  }
}

/**
 * The `p`-quantile of Student's t with `dof` degrees of freedom (`jstat`).
 *
 * @param p A probability in (0, 1).
 * @param dof Degrees of freedom, > 0 (need not be an integer).
 * @returns The quantile.
 *
 * @example
 * ```ts
 * import { tQuantile } from "./stats.ts";
 * console.log(tQuantile(0.975, 4).toFixed(4)); // 2.7764
 * ```
 */
export function tQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`Cannot compute t quantile: p must be in (0, 1)`);
  if (!(dof > 0)) throw new RangeError(`Cannot compute t quantile: dof must be > 0, got ${dof}`);
  return jStat.studentt.inv(p, dof);
}

/**
 * The `p`-quantile of the standard normal (`jstat`).
 *
 * @param p A probability in (0, 1).
 * @returns The quantile.
 *
 * @example
 * ```ts
 * import { normalQuantile } from "./stats.ts";
 * console.log(normalQuantile(0.975).toFixed(2)); // 1.96
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`Cannot compute normal quantile: p in (0, 1)`);
  return jStat.normal.inv(p, 0, 1);
}

function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample variance (`n - 1`), two-pass. */
function variance(values: readonly number[]): number {
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return ss / (values.length - 1);
}

/** The `q`-quantile of sorted values, linear between order statistics (R's type 7). */
function sortedQuantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  const next = sorted[Math.min(i + 1, sorted.length - 1)];
  return sorted[i] + (h - i) * (next - sorted[i]);
}

/** Means of `resamples` bootstrap resamples of `values`, sorted. */
function bootstrapMeans(values: readonly number[], resamples: number, seed: number): number[] {
  const rng = new Rng(seed);
  const n = values.length;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[rng.int(0, n - 1)];
    means[r] = s / n;
  }
  return Array.from(means.sort());
}

/**
 * The confidence interval of the mean of `values` (one value per seed): Student's t
 * (`mean ± t(1 - α/2, n - 1) · sd / √n`), or the percentile bootstrap (seeded: the same
 * seed gives the same interval; the bounds are the `α/2` and `1 - α/2` quantiles of the
 * resampled means, linear between order statistics). For `n < 2` see the module's
 * conventions (`n = 1`: an unbounded interval; `n = 0`: `NaN`).
 *
 * @param values Finite numbers.
 * @param options Level, method, bootstrap resamples and seed.
 * @returns `{ n, mean, sd, lo, hi, half_width, method, level }`.
 * @throws {RangeError} For a non-finite value or a bad option.
 *
 * @example
 * ```ts
 * import { meanCI } from "./stats.ts";
 * const t = meanCI([1, 2, 3, 4, 5]);
 * console.log(t.half_width.toFixed(4)); // 1.9632
 * const b = meanCI([1, 2, 3, 4, 5], { method: "bootstrap", seed: 7 });
 * console.log(b.lo < 3 && 3 < b.hi); // true
 * ```
 */
export function meanCI(values: readonly number[], options: MeanCIOptions = {}): MeanCI {
  const { level = 0.95, method = "t", resamples = 10_000, seed = 0 } = options;
  checkLevel(level, "meanCI");
  if (method !== "t" && method !== "bootstrap") {
    throw new RangeError(`Cannot compute meanCI: 'method' must be "t" or "bootstrap"`);
  }
  checkCount(resamples, "resamples", "meanCI");
  checkValues(values, "meanCI");
  const n = values.length;
  const base = { n, method, level };
  if (n === 0) return { ...base, mean: NaN, sd: NaN, lo: NaN, hi: NaN, half_width: NaN };
  const m = mean(values);
  if (n === 1) {
    return { ...base, mean: m, sd: NaN, lo: -Infinity, hi: Infinity, half_width: Infinity };
  }
  const sd = Math.sqrt(variance(values));
  const alpha = 1 - level;
  if (method === "t") {
    const half = tQuantile(1 - alpha / 2, n - 1) * sd / Math.sqrt(n);
    return { ...base, mean: m, sd, lo: m - half, hi: m + half, half_width: half };
  }
  const means = bootstrapMeans(values, resamples, seed);
  const lo = sortedQuantile(means, alpha / 2);
  const hi = sortedQuantile(means, 1 - alpha / 2);
  return { ...base, mean: m, sd, lo, hi, half_width: (hi - lo) / 2 };
}

/**
 * The Wilson score interval of `x` successes in `n` trials (`x`, `n` may be fractional:
 * effective counts, see `share_ci.ts`), clamped to [0, 1]; `n > 0`.
 */
export function wilsonBounds(x: number, n: number, level: number): [number, number] {
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = x / n;
  const denom = 1 + z * z / n;
  const centre = (p + z * z / (2 * n)) / denom;
  const half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom;
  // Clamp rounding at the ends: at 0 (n) successes the lower (upper) bound is exactly 0 (1).
  const lo = x <= 0 ? 0 : Math.max(0, centre - half);
  const hi = x >= n ? 1 : Math.min(1, centre + half);
  return [lo, hi];
}

/**
 * The Clopper-Pearson interval of `x` successes in `n` trials from the beta quantiles
 * (`x`, `n` may be fractional: effective counts); `n > 0`.
 */
export function clopperPearsonBounds(x: number, n: number, level: number): [number, number] {
  const alpha = 1 - level;
  const lo = x <= 0 ? 0 : jStat.beta.inv(alpha / 2, x, n - x + 1);
  const hi = x >= n ? 1 : jStat.beta.inv(1 - alpha / 2, x + 1, n - x);
  return [Math.max(0, lo), Math.min(1, hi)];
}

/**
 * The interval of a proportion (verdict rates, shares from counts), always inside [0, 1]:
 *
 * - `"wilson"` (default): with `z = Φ⁻¹(1 - α/2)` and `p = successes / n`, the centre is
 *   `(p + z²/2n) / (1 + z²/n)` and the half-width `z √(p(1-p)/n + z²/4n²) / (1 + z²/n)`
 *   (Wilson 1927); it has a width at 0 and `n` successes.
 * - `"clopper-pearson"`: the exact interval (Clopper and Pearson 1934), from the beta
 *   quantiles `lo = B⁻¹(α/2; x, n - x + 1)` and `hi = B⁻¹(1 - α/2; x + 1, n - x)` (`lo = 0`
 *   at `x = 0`, `hi = 1` at `x = n`); its coverage is at least the level, so it is wider.
 *
 * `n = 0` gives `NaN` rate and bounds.
 *
 * @param successes Integer in [0, n].
 * @param n Integer trials, >= 0.
 * @param options The level and the method.
 * @returns `{ n, successes, rate, lo, hi, method, level }`.
 * @throws {RangeError} For non-integer or out-of-range counts, or a bad option.
 *
 * @example
 * ```ts
 * import { proportionCI } from "./stats.ts";
 * const ci = proportionCI(81, 263); // Newcombe (1998): 0.2553 to 0.3662
 * console.log(ci.lo.toFixed(4), ci.hi.toFixed(4)); // 0.2553 0.3662
 * const cp = proportionCI(81, 263, { method: "clopper-pearson" }); // 0.2527 to 0.3676
 * console.log(cp.lo.toFixed(4), cp.hi.toFixed(4)); // 0.2527 0.3676
 * ```
 */
export function proportionCI(
  successes: number,
  n: number,
  options: ProportionCIOptions = {},
): ProportionCI {
  const { level = 0.95, method = "wilson" } = options;
  checkLevel(level, "proportionCI");
  if (method !== "wilson" && method !== "clopper-pearson") {
    throw new RangeError(
      `Cannot compute proportionCI: 'method' must be "wilson" or "clopper-pearson", got ${method}`,
    );
  }
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(successes) || successes < 0) {
    throw new RangeError(
      `Cannot compute proportionCI: counts must be non-negative integers, got ${successes}/${n}`,
    );
  }
  if (successes > n) {
    throw new RangeError(`Cannot compute proportionCI: successes ${successes} > n ${n}`);
  }
  const base = { n, successes, method, level };
  if (n === 0) return { ...base, rate: NaN, lo: NaN, hi: NaN };
  const [lo, hi] = method === "wilson"
    ? wilsonBounds(successes, n, level)
    : clopperPearsonBounds(successes, n, level);
  return { ...base, rate: successes / n, lo, hi };
}

/**
 * The Clopper-Pearson (exact binomial) interval of a proportion: `proportionCI` with
 * `method: "clopper-pearson"`.
 *
 * @param successes Integer in [0, n].
 * @param n Integer trials, >= 0.
 * @param options The level.
 * @returns `{ n, successes, rate, lo, hi, method: "clopper-pearson", level }`.
 * @throws {RangeError} For non-integer or out-of-range counts, or a bad level.
 *
 * @example
 * ```ts
 * import { clopperPearsonCI } from "./stats.ts";
 * const ci = clopperPearsonCI(0, 20); // 1 - 0.025^(1/20)
 * console.log(ci.lo, ci.hi.toFixed(4)); // 0 0.1684
 * ```
 */
export function clopperPearsonCI(
  successes: number,
  n: number,
  options: Omit<ProportionCIOptions, "method"> = {},
): ProportionCI {
  return proportionCI(successes, n, { ...options, method: "clopper-pearson" });
}

/**
 * Holm's step-down adjustment of a family of p-values (Holm 1979), as adjusted p-values
 * (Wright 1992; R's `p.adjust(p, "holm")`): sort the `m` p-values ascending,
 * `p(1) <= ... <= p(m)`; the adjusted `p̃(i) = min(1, max over j <= i of (m - j + 1) p(j))`.
 * A hypothesis is rejected at family-wise error rate `α` exactly when its adjusted p-value
 * is `<= α`. It controls the family-wise error rate under any dependence and is uniformly
 * more powerful than Bonferroni. `NaN` p-values stay `NaN` and do not count in `m`.
 *
 * @param pValues The family's raw p-values, each in [0, 1] (or `NaN`).
 * @returns The adjusted p-values, in the order given.
 * @throws {RangeError} For a p-value outside [0, 1].
 *
 * @example
 * ```ts
 * import { holmAdjust } from "./stats.ts";
 * console.log(holmAdjust([0.01, 0.04, 0.03])); // [ 0.03, 0.06, 0.06 ]
 * ```
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  pValues.forEach((p, i) => {
    if (typeof p !== "number" || !(Number.isNaN(p) || (p >= 0 && p <= 1))) {
      throw new RangeError(
        `Cannot adjust p-values: each must be in [0, 1] or NaN, got ${p} at index ${i}`,
      );
    }
  });
  const order = pValues.map((p, i) => ({ p, i })).filter((x) => !Number.isNaN(x.p))
    .sort((a, b) => a.p - b.p || a.i - b.i);
  const m = order.length;
  const out = pValues.map(() => NaN);
  let running = 0;
  order.forEach(({ p, i }, j) => {
    running = Math.max(running, Math.min(1, (m - j) * p));
    out[i] = running;
  });
  return out;
}

/** The Welch-t part of {@linkcode compare}. */
function welch(a: readonly number[], b: readonly number[], level: number) {
  const [na, nb] = [a.length, b.length];
  const [va, vb] = [variance(a) / na, variance(b) / nb];
  const diff = mean(a) - mean(b);
  const se = Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va * va / (na - 1) + vb * vb / (nb - 1));
  const t = diff / se;
  if (!(se > 0)) {
    // Both samples constant: the difference is known exactly (or the test is undefined).
    return { diff, se, df: NaN, t: NaN, lo: diff, hi: diff, p_welch: diff === 0 ? 1 : 0 };
  }
  const half = tQuantile(1 - (1 - level) / 2, df) * se;
  const p = 2 * (1 - jStat.studentt.cdf(Math.abs(t), df));
  return { diff, se, df, t, lo: diff - half, hi: diff + half, p_welch: Math.min(1, p) };
}

/** `n choose k`, or `Infinity` once past `limit` (so huge counts are never computed). */
function choose(n: number, k: number, limit: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) {
    c = c * (n - k + i) / i;
    if (c > limit) return Infinity;
  }
  return Math.round(c);
}

/** Calls `visit(sumOfChosen)` for every `k`-subset of `values` (lexicographic). */
function forEachSubsetSum(values: readonly number[], k: number, visit: (sum: number) => void) {
  const n = values.length;
  const walk = (start: number, left: number, sum: number): void => {
    if (left === 0) return visit(sum);
    for (let i = start; i <= n - left; i++) walk(i + 1, left - 1, sum + values[i]);
  };
  walk(0, k, 0);
}

/** The permutation part of {@linkcode compare}: p-value of |mean_a - mean_b|. */
function permutationTest(
  a: readonly number[],
  b: readonly number[],
  permutations: number,
  seed: number,
): { p_value: number; permutation: "exact" | "monte_carlo"; permutations: number } {
  const pooled = [...a, ...b];
  const [na, nb] = [a.length, b.length];
  const total = pooled.reduce((s, v) => s + v, 0);
  const stat = (sumA: number) => Math.abs(sumA / na - (total - sumA) / nb);
  const observed = stat(a.reduce((s, v) => s + v, 0));
  // Splits whose statistic equals the observed one up to rounding count as "as extreme".
  const tol = 1e-9 * Math.max(1, observed);
  const splits = choose(pooled.length, na, permutations);
  if (splits <= permutations) {
    let hits = 0;
    forEachSubsetSum(pooled, na, (s) => {
      if (stat(s) >= observed - tol) hits++;
    });
    return { p_value: hits / splits, permutation: "exact", permutations: splits };
  }
  const rng = new Rng(seed);
  const idx = pooled.map((_, i) => i);
  let hits = 0;
  for (let r = 0; r < permutations; r++) {
    let s = 0;
    for (let i = 0; i < na; i++) { // a partial Fisher-Yates: the first na are a random subset
      const j = rng.int(i, idx.length - 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
      s += pooled[idx[i]];
    }
    if (stat(s) >= observed - tol) hits++;
  }
  return { p_value: (1 + hits) / (1 + permutations), permutation: "monte_carlo", permutations };
}

/**
 * Compares two conditions (one value per seed each): the difference of means
 * `mean(a) - mean(b)` with its Welch-t interval and p-value, and a two-sided permutation
 * test of the same difference. The permutation p-value is the share of splits of the pooled
 * values into groups of sizes `n_a`, `n_b` whose `|mean difference|` is at least the observed
 * one: every split when there are at most `permutations` of them (exact), else
 * `permutations` seeded random splits with `p = (1 + hits) / (1 + permutations)`.
 *
 * @param a Values of the first condition (at least 2, finite).
 * @param b Values of the second condition (at least 2, finite).
 * @param options Level, permutations, seed.
 * @returns The {@linkcode Comparison}. When both samples are constant, `se = 0` and the
 * interval is the difference itself (`df`, `t` are `NaN`).
 * @throws {RangeError} When a sample has fewer than 2 values, or a value is not finite.
 *
 * @example
 * ```ts
 * import { compare } from "./stats.ts";
 * const c = compare([1, 2], [3, 4, 5]); // 10 splits, enumerated
 * console.log(c.diff, c.p_value, c.permutation); // -2.5 0.2 exact
 * ```
 */
export function compare(
  a: readonly number[],
  b: readonly number[],
  options: CompareOptions = {},
): Comparison {
  const { level = 0.95, permutations = 10_000, seed = 0 } = options;
  checkLevel(level, "compare");
  checkCount(permutations, "permutations", "compare");
  checkValues(a, "compare");
  checkValues(b, "compare");
  if (a.length < 2 || b.length < 2) {
    throw new RangeError(
      `Cannot compare: each condition needs at least 2 values, got ${a.length} and ${b.length}`,
    );
  }
  return {
    n_a: a.length,
    n_b: b.length,
    mean_a: mean(a),
    mean_b: mean(b),
    ...welch(a, b, level),
    ...permutationTest(a, b, permutations, seed),
    level,
  };
}
