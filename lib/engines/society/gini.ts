/**
 * The Gini coefficient of a distribution (allocation inequality).
 *
 * @module
 */

/**
 * The Gini coefficient of non-negative values, by the sorted formula:
 *
 *     G = 2 * sum_i i * x_(i) / (n * sum x) - (n + 1) / n     (x sorted ascending, i = 1..n)
 *
 * 0 for perfect equality (or no values, or all zero), `(n - 1) / n` when one value holds
 * everything.
 *
 * @param values The values (e.g. resources granted per AI).
 * @returns G in `[0, 1)`.
 *
 * @example
 * ```ts
 * import { gini } from "./gini.ts";
 * console.log(gini([10, 10, 10]), gini([0, 0, 30]), gini([1, 2, 3, 4])); // 0 0.6666666666666667 0.25
 * ```
 */
export function gini(values: readonly number[]): number {
  const n = values.length;
  const sum = values.reduce((a, b) => a + b, 0);
  if (n === 0 || !(sum > 0)) return 0;
  const xs = [...values].sort((a, b) => a - b);
  let weighted = 0;
  xs.forEach((x, i) => (weighted += (i + 1) * x));
  return Math.max(0, (2 * weighted) / (n * sum) - (n + 1) / n);
}
