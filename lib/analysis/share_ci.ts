/**
 * Intervals across seeds that know what they summarise: a share (a value known to lie in
 * [0, 1]: a rate, a fraction of decisions, 1 - Gini) gets an interval inside [0, 1]
 * ({@linkcode shareCI}); any other number gets the mean's t (or bootstrap) interval
 * ({@linkcode seedCI} picks).
 *
 * Why not the t interval of the per-seed shares: it ignores the bound, so two seeds at 0.27
 * and 0.39 give `0.331 [-0.442, 1.10]`. Why not Wilson on the counts pooled over seeds: the
 * seeds are the independent units, the events inside one run are not (one game, one model's
 * habits), so pooled Wilson treats correlated events as independent and is too narrow. The
 * interval used is Wilson's score interval at an **effective sample size** (Korn and
 * Graubard 1998; the NCHS standard for proportions from clustered samples, Parker et al.
 * 2017), with each seed a cluster:
 *
 * 1. seed `i` gives `x_i` successes of `m_i` trials (a share without counts is `x_i` = the
 *    share, `m_i = 1`); `k` seeds, `N = Σ m_i`; the estimate is `p = Σ x_i / N` (pooled);
 * 2. its variance across seeds (ratio estimator, seeds as clusters; Cochran 1977, §6.4):
 *    `v = k / (k - 1) · Σ (x_i - p m_i)² / N²` (for `m_i = 1`, `s² / k`);
 * 3. the effective size `n_eff = p (1 - p) / v`, at most `N` when counts are given (a design
 *    effect below 1 is not trusted); `n_eff = N` when `v = 0` or `p` is 0 or 1 (no spread
 *    seen: the binomial bound, the widest a [0, 1] variable allows);
 * 4. the degrees-of-freedom correction `n_eff · (z / t(1 - α/2, k - 1))²` (Korn and Graubard
 *    use `t(N - 1)` for `z`, the same for many trials), so that inside (0, 1) the interval
 *    has the t interval's width `t · √v` and near 0 or 1 it bends to stay inside;
 * 5. Wilson (or Clopper-Pearson) at `p · n_eff` successes of `n_eff` trials.
 *
 * One seed says nothing about the spread between seeds: the interval is [0, 1].
 *
 * @example
 * ```ts
 * import { shareCI } from "./share_ci.ts";
 * const ci = shareCI({ values: [0.27, 0.392] });
 * console.log(ci.lo >= 0 && ci.hi <= 1); // true
 * ```
 * @module
 */
import {
  clopperPearsonBounds,
  type MeanCI,
  meanCI,
  normalQuantile,
  tQuantile,
  wilsonBounds,
} from "./stats.ts";

/** Successes and trials of one seed. */
export interface SeedCount {
  /** Events that happened (e.g. valid LLM decisions, survivors), >= 0. */
  successes: number;
  /** Events that could have (LLM decisions, citizens), >= successes. */
  trials: number;
}

/** The interval of a share across seeds, from {@linkcode shareCI}. */
export interface ShareCI {
  /** Seeds behind the estimate (those with at least one trial). */
  n: number;
  /** The estimate: pooled successes / trials, or the mean share; `NaN` when `n = 0`. */
  mean: number;
  /** The sample standard deviation of the per-seed shares; `NaN` when `n < 2`. */
  sd: number;
  /** Lower bound, in [0, 1]; `NaN` when `n = 0`. */
  lo: number;
  /** Upper bound, in [0, 1]; `NaN` when `n = 0`. */
  hi: number;
  /** `(hi - lo) / 2`. */
  half_width: number;
  /** Wilson's or Clopper-Pearson's interval at the effective sample size. */
  method: "wilson" | "clopper-pearson";
  /** The confidence level, e.g. `0.95`. */
  level: number;
  /** Pooled successes (counts given), else `null`. */
  successes: number | null;
  /** Pooled trials (counts given), else `null`. */
  trials: number | null;
  /** The effective sample size after the degrees-of-freedom correction; `NaN` when `n < 2`. */
  n_eff: number;
}

/** Options of {@linkcode shareCI}. */
export interface ShareCIOptions {
  /** Confidence level, in (0, 1). @default {0.95} */
  level?: number;
  /** The interval at the effective size. @default {"wilson"} */
  method?: "wilson" | "clopper-pearson";
}

/** The input of {@linkcode shareCI}: counts per seed, or one share per seed. */
export type ShareInput = { counts: readonly SeedCount[] } | { values: readonly number[] };

function checkInput(input: ShareInput): { x: number[]; m: number[]; counted: boolean } {
  if ("counts" in input) {
    const x: number[] = [], m: number[] = [];
    input.counts.forEach((c, i) => {
      const ok = Number.isFinite(c.successes) && Number.isFinite(c.trials) &&
        c.successes >= 0 && c.trials >= c.successes;
      if (!ok) {
        throw new RangeError(
          `Cannot compute shareCI: counts must satisfy 0 <= successes <= trials, got ${c.successes}/${c.trials} at index ${i}`,
        );
      }
      if (c.trials > 0) {
        x.push(c.successes);
        m.push(c.trials);
      }
    });
    return { x, m, counted: true };
  }
  input.values.forEach((v, i) => {
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
      throw new RangeError(
        `Cannot compute shareCI: shares must be numbers in [0, 1], got ${v} at index ${i}`,
      );
    }
  });
  return { x: [...input.values], m: input.values.map(() => 1), counted: false };
}

/**
 * The interval of a share across seeds, inside [0, 1]: Wilson's score interval at the
 * Korn-Graubard effective sample size, seeds as clusters (see the module for the formula
 * and why). Pass `counts` when each seed's share is `successes / trials` (the estimate is
 * then the pooled share), or `values` (one share per seed; the estimate is their mean).
 *
 * @param input `{ counts }` or `{ values }`.
 * @param options Level and method.
 * @returns The {@linkcode ShareCI}.
 * @throws {RangeError} For a share outside [0, 1], bad counts or a bad option.
 *
 * @example
 * ```ts
 * import { shareCI } from "./share_ci.ts";
 * const ci = shareCI({ counts: [{ successes: 4, trials: 5 }, { successes: 0, trials: 5 }] });
 * console.log(ci.mean, ci.lo >= 0, ci.hi <= 1); // 0.4 true true
 * ```
 */
export function shareCI(input: ShareInput, options: ShareCIOptions = {}): ShareCI {
  const { level = 0.95, method = "wilson" } = options;
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`Cannot compute shareCI: 'level' must be in (0, 1), got ${level}`);
  }
  if (method !== "wilson" && method !== "clopper-pearson") {
    throw new RangeError(
      `Cannot compute shareCI: 'method' must be "wilson" or "clopper-pearson", got ${method}`,
    );
  }
  const { x, m, counted } = checkInput(input);
  const k = x.length;
  const N = m.reduce((a, b) => a + b, 0);
  const X = x.reduce((a, b) => a + b, 0);
  const pooled = counted ? { successes: X, trials: N } : { successes: null, trials: null };
  const base = { n: k, method, level, ...pooled };
  if (k === 0) {
    return { ...base, mean: NaN, sd: NaN, lo: NaN, hi: NaN, half_width: NaN, n_eff: NaN };
  }
  const p = X / N;
  const shares = x.map((xi, i) => xi / m[i]);
  if (k === 1) return { ...base, mean: p, sd: NaN, lo: 0, hi: 1, half_width: 0.5, n_eff: NaN };
  const sMean = shares.reduce((a, b) => a + b, 0) / k;
  const sd = Math.sqrt(shares.reduce((a, s) => a + (s - sMean) ** 2, 0) / (k - 1));
  let ss = 0;
  for (let i = 0; i < k; i++) ss += (x[i] - p * m[i]) ** 2;
  const v = k / (k - 1) * ss / (N * N);
  let nEff = v > 0 && p > 0 && p < 1 ? p * (1 - p) / v : N;
  if (counted) nEff = Math.min(nEff, N);
  const alpha = 1 - level;
  nEff *= (normalQuantile(1 - alpha / 2) / tQuantile(1 - alpha / 2, k - 1)) ** 2;
  const [lo, hi] = method === "wilson"
    ? wilsonBounds(p * nEff, nEff, level)
    : clopperPearsonBounds(p * nEff, nEff, level);
  return { ...base, mean: p, sd, lo, hi, half_width: (hi - lo) / 2, n_eff: nEff };
}

/** An interval across seeds, of a mean or of a share. */
export type SeedCI = MeanCI | ShareCI;

/** Options of {@linkcode seedCI}. */
export interface SeedCIOptions {
  /** A share (every value in [0, 1]) or any number. @default {"mean"} */
  kind?: "mean" | "share";
  /** Per-seed counts of a share (preferred over the values when given). */
  counts?: readonly SeedCount[];
  /** Confidence level. @default {0.95} */
  level?: number;
  /** For a mean: `"t"` or `"bootstrap"`; for a share: `"wilson"` or `"clopper-pearson"`. */
  method?: "t" | "bootstrap" | "wilson" | "clopper-pearson";
}

/**
 * The right interval across seeds: for a share, {@linkcode shareCI} (from `counts` when
 * given, else the values); for any other number, `meanCI` (Student's t unless told
 * `bootstrap`).
 *
 * @param values One value per seed (ignored for a share with `counts`).
 * @param options Kind, counts, level, method.
 * @returns A `MeanCI` or a {@linkcode ShareCI} (`method` tells which).
 * @throws {RangeError} For a share outside [0, 1] or a method of the other kind.
 *
 * @example
 * ```ts
 * import { seedCI } from "./share_ci.ts";
 * console.log(seedCI([0.27, 0.392], { kind: "share" }).lo >= 0); // true
 * console.log(seedCI([0.27, 0.392]).lo < 0); // true (a mean: Student's t)
 * ```
 */
export function seedCI(values: readonly number[], options: SeedCIOptions = {}): SeedCI {
  const { kind = "mean", counts, level = 0.95, method } = options;
  if (kind === "share") {
    if (method === "t" || method === "bootstrap") {
      throw new RangeError(`Cannot compute seedCI: a share's method is wilson or clopper-pearson`);
    }
    return shareCI(counts ? { counts } : { values }, { level, method });
  }
  if (kind !== "mean") {
    throw new RangeError(`Cannot compute seedCI: 'kind' must be "mean" or "share", got ${kind}`);
  }
  if (method === "wilson" || method === "clopper-pearson") {
    throw new RangeError(`Cannot compute seedCI: a mean's method is t or bootstrap`);
  }
  return meanCI(values, { level, method });
}

/** `true` for an interval from {@linkcode shareCI}. */
export function isShareCI(ci: SeedCI): ci is ShareCI {
  return ci.method === "wilson" || ci.method === "clopper-pearson";
}

/**
 * Whether a summary field is a share by its name and values: its name ends in `rate`,
 * `share`, `fraction` or `proportion` (after `_`, `.` or `-`, or alone) and every value
 * is in [0, 1]. A convention, not a proof: pass the shares explicitly when you know them.
 *
 * @param name The field's name, e.g. `mutual_cooperation_rate`.
 * @param values Its values (nulls ignored).
 * @returns `true` when both hold.
 *
 * @example
 * ```ts
 * import { looksLikeShare } from "./share_ci.ts";
 * console.log(looksLikeShare("valid_action_rate", [0.5, 1])); // true
 * console.log(looksLikeShare("growth_rate", [1.5])); // false
 * ```
 */
export function looksLikeShare(name: string, values: readonly (number | null)[]): boolean {
  if (!/(^|[._-])(rate|share|fraction|proportion)$/i.test(name)) return false;
  const present = values.filter((v): v is number => typeof v === "number");
  return present.length > 0 && present.every((v) => v >= 0 && v <= 1);
}
