/**
 * Dividing the day's available resources: grant what is asked when it fits, else scale
 * down pro rata with whole units (largest remainders). Used both for the default
 * allocation (weights = requests) and for a passed `resource_allocation` proposal
 * (weights = the proposal's amounts).
 *
 * @module
 */

/**
 * Splits `total` whole units in proportion to `weights` by the largest-remainder method:
 *
 *     q_i = w_i * total / sum(w)
 *     g_i = floor(q_i), then the total - sum(g) units left go one each to the largest
 *     fractional parts q_i - floor(q_i) (ties: the earlier index)
 *
 * @param weights Non-negative weights (e.g. requests).
 * @param total The whole units to split, an integer >= 0.
 * @returns Integers summing to `total` (all 0 when every weight is 0).
 *
 * @example
 * ```ts
 * import { largestRemainders } from "./allocation.ts";
 * console.log(largestRemainders([50, 30, 20], 7)); // [4, 2, 1]
 * console.log(largestRemainders([1, 1, 1], 2)); // [1, 1, 0]
 * ```
 */
export function largestRemainders(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0) || total <= 0) return weights.map(() => 0);
  const quotas = weights.map((w) => (w * total) / sum);
  const out = quotas.map((q) => Math.floor(q + 1e-9));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => ({ i, frac: q - out[i] }))
    .filter((x) => weights[x.i] > 0)
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left--) {
    out[order[k].i]++;
  }
  return out;
}

/**
 * The day's grants: every amount in full when they fit in `available`, else scaled down pro
 * rata with {@linkcode largestRemainders}:
 *
 *     sum(a) <= available:  g_i = a_i
 *     otherwise:            g = largestRemainders(a, available)
 *
 * @param amounts Whole amounts asked (requests) or proposed (a passed allocation).
 * @param available Whole units available today.
 * @returns The grants, integers, in the same order.
 *
 * @example
 * ```ts
 * import { allocate } from "./allocation.ts";
 * console.log(allocate([50, 30, 20], 1000)); // [50, 30, 20]
 * console.log(allocate([50, 30, 20], 50)); // [25, 15, 10]
 * console.log(allocate([10, 10, 10], 20)); // [7, 7, 6]
 * ```
 */
export function allocate(amounts: readonly number[], available: number): number[] {
  const sum = amounts.reduce((a, b) => a + b, 0);
  if (sum <= available) return [...amounts];
  return largestRemainders(amounts, Math.max(0, Math.floor(available)));
}
