/**
 * Distributions across citizens, day by day: what the report charts instead of one line per
 * citizen once a run has too many citizens for lines to be read (see `report_charts.ts`).
 * Quantiles interpolate linearly between order statistics (type 7, as numpy and R default).
 *
 * @example
 * ```ts
 * import { dailyQuantiles } from "./distributions.ts";
 * const [d1] = dailyQuantiles([{ day: 1, value: 0 }, { day: 1, value: 10 }, { day: 1, value: 20 }]);
 * console.log(d1.n, d1.p50, d1.p25, d1.max); // 3 10 5 20
 * ```
 * @module
 */

/** The distribution of a value across citizens on one day. */
export interface QuantileRow {
  /** The day (1-based). */
  day: number;
  /** Citizens counted. */
  n: number;
  /** Smallest value. */
  min: number;
  /** 10th percentile. */
  p10: number;
  /** 25th percentile. */
  p25: number;
  /** Median. */
  p50: number;
  /** 75th percentile. */
  p75: number;
  /** 90th percentile. */
  p90: number;
  /** Largest value. */
  max: number;
}

/**
 * The `q` quantile of sorted values (linear interpolation between order statistics).
 *
 * @param sorted Values in ascending order, at least one.
 * @param q In [0, 1].
 * @returns The quantile.
 */
export function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The distribution of `value` across the rows of each day, days in order; a day without
 * rows is left out.
 *
 * @param rows One row per citizen per day.
 * @returns One row per day.
 */
export function dailyQuantiles(
  rows: readonly { day: number; value: number }[],
): QuantileRow[] {
  const byDay = Map.groupBy(rows.filter((r) => Number.isFinite(r.value)), (r) => r.day);
  return [...byDay.keys()].sort((a, b) => a - b).map((day) => {
    const v = byDay.get(day)!.map((r) => r.value).sort((a, b) => a - b);
    return {
      day,
      n: v.length,
      min: v[0],
      p10: quantile(v, 0.1),
      p25: quantile(v, 0.25),
      p50: quantile(v, 0.5),
      p75: quantile(v, 0.75),
      p90: quantile(v, 0.9),
      max: v[v.length - 1],
    };
  });
}
