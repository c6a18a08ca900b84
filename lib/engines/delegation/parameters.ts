/**
 * The mechanism's parameters as pure functions, one per SPEC formula (section 3).
 *
 * @example
 * ```ts
 * import { explorationBlock, mechanismM } from "./parameters.ts";
 * console.log(explorationBlock(1000, 0.2)); // 15
 * console.log(mechanismM(1000, 3, 0.2).toFixed(4)); // "2.0111"
 * ```
 * @module
 */

/**
 * The block size `B = floor(T^(2 epsilon))`: delegations per provider in exploration, the
 * early-stop window, the bonus, the incentive and each utility-based block.
 *
 * @param T The horizon.
 * @param epsilon The exploration exponent.
 * @returns `B` (at least 1 for `T >= 1`, `epsilon >= 0`).
 *
 * @example
 * ```ts
 * import { explorationBlock } from "./parameters.ts";
 * console.log(explorationBlock(1_000_000, 0.2)); // 63
 * ```
 */
export function explorationBlock(T: number, epsilon: number): number {
  return Math.floor(T ** (2 * epsilon));
}

/**
 * The margin `M = T^(-epsilon) * ln(K T)`.
 *
 * @param T The horizon.
 * @param K The number of providers.
 * @param epsilon The exploration exponent.
 * @returns `M`.
 *
 * @example
 * ```ts
 * import { mechanismM } from "./parameters.ts";
 * console.log(mechanismM(100, 1, 0.5)); // 0.46051701859880917 (= ln(100) / 10)
 * ```
 */
export function mechanismM(T: number, K: number, epsilon: number): number {
  return T ** -epsilon * Math.log(K * T);
}

/**
 * `u_min` as the mechanism uses it: the lowest phase-1 mean utility, replaced by `1e-6`
 * when it is `<= 0`.
 *
 * @param avgUtilities Phase-1 mean utility per provider.
 * @returns `u_min`.
 *
 * @example
 * ```ts
 * import { minUtility } from "./parameters.ts";
 * console.log(minUtility([3, -1, 2])); // 0.000001
 * ```
 */
export function minUtility(avgUtilities: readonly number[]): number {
  const u = Math.min(...avgUtilities);
  return u <= 0 ? 1e-6 : u;
}

/**
 * `delta1 = -ln(u_min) + 2 + M`.
 *
 * @param avgUtilities Phase-1 mean utility per provider.
 * @param M The margin.
 * @returns `delta1`.
 *
 * @example
 * ```ts
 * import { delta1 } from "./parameters.ts";
 * console.log(delta1([1, 2], 0.5)); // 2.5  (-ln 1 + 2 + 0.5)
 * ```
 */
export function delta1(avgUtilities: readonly number[], M: number): number {
  return -Math.log(minUtility(avgUtilities)) + 2 + M;
}

/**
 * `delta2 = ln(max mean utility)`; minus infinity when that mean is `<= 0` (the original
 * raises an error there).
 *
 * @param avgUtilities Phase-1 mean utility per provider.
 * @returns `delta2`.
 *
 * @example
 * ```ts
 * import { delta2 } from "./parameters.ts";
 * console.log(delta2([1, Math.E])); // 1
 * console.log(delta2([-1, 0])); // -Infinity
 * ```
 */
export function delta2(avgUtilities: readonly number[]): number {
  const u = Math.max(...avgUtilities);
  return u > 0 ? Math.log(u) : -Infinity;
}

/**
 * The exploitation budget `R2 = max(0, T - (max(delta1, delta2) + 3) * B * K)` (a real
 * number).
 *
 * @example
 * ```ts
 * import { exploitationBudget } from "./parameters.ts";
 * console.log(exploitationBudget(1000, 15, 3, 4, 1)); // 685  (1000 - 7 * 45)
 * ```
 */
export function exploitationBudget(
  T: number,
  B: number,
  K: number,
  d1: number,
  d2: number,
): number {
  return Math.max(0, T - (Math.max(d1, d2) + 3) * B * K);
}

/**
 * The exploitation delegations scheduled for the best provider:
 * `planned = floor(min(R2, T - t))`, `t` the delegations made so far.
 *
 * @example
 * ```ts
 * import { plannedExploitation } from "./parameters.ts";
 * console.log(plannedExploitation(685.7, 1000, 45)); // 685
 * console.log(plannedExploitation(990, 1000, 45)); // 955
 * ```
 */
export function plannedExploitation(R2: number, T: number, t: number): number {
  return Math.floor(Math.min(R2, T - t));
}

/**
 * The early-stop threshold of exploitation: `second_best_utility - M`. The best provider is
 * stopped once its mean utility over its last `B` delegations falls below it.
 *
 * @example
 * ```ts
 * import { exploitationThreshold } from "./parameters.ts";
 * console.log(exploitationThreshold(3, 0.5)); // 2.5
 * ```
 */
export function exploitationThreshold(secondBestUtility: number, M: number): number {
  return secondBestUtility - M;
}

/** What {@linkcode utilityBasedShare} returns for one provider. */
export interface UtilityShare {
  /** `x = delta1 + ln(mean reward - M)`, or `null` when `mean reward - M <= 0`. */
  x: number | null;
  /** Guaranteed blocks `floor(x)` (0 when `x` is null or negative). */
  blocks: number;
  /** The chance of one more block, `x - floor(x)` (0 when `x` is null or negative). */
  fraction: number;
}

/**
 * The utility-based phase's share of one provider: with `d = mean reward (phase 1) - M`,
 * nothing when `d <= 0`; else `x = delta1 + ln(d)` and, when `x >= 0`, `floor(x)` blocks of
 * `B` delegations plus one more block with probability `x - floor(x)`.
 *
 * @example
 * ```ts
 * import { utilityBasedShare } from "./parameters.ts";
 * console.log(utilityBasedShare(1 + Math.E, 1, 1.5)); // { x: 2.5, blocks: 2, fraction: 0.5 }
 * console.log(utilityBasedShare(0.5, 1, 3)); // { x: null, blocks: 0, fraction: 0 }
 * ```
 */
export function utilityBasedShare(avgReward: number, M: number, d1: number): UtilityShare {
  const d = avgReward - M;
  if (!(d > 0)) return { x: null, blocks: 0, fraction: 0 };
  const x = d1 + Math.log(d);
  if (!(x >= 0)) return { x, blocks: 0, fraction: 0 };
  const blocks = Math.floor(x);
  return { x, blocks, fraction: x - blocks };
}

/**
 * The sum numpy computes for `np.sum`/`np.mean` of a float64 array: pairwise summation with
 * an 8-way unrolled base case of up to 128 elements (so results match the original's
 * `np.mean` bit for bit).
 *
 * @param a The values.
 * @param start First index.
 * @param n How many values.
 * @returns The sum.
 *
 * @example
 * ```ts
 * import { numpySum } from "./parameters.ts";
 * console.log(numpySum([1, 2, 3], 0, 3)); // 6
 * ```
 */
export function numpySum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
    let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      r0 += a[start + i];
      r1 += a[start + i + 1];
      r2 += a[start + i + 2];
      r3 += a[start + i + 3];
      r4 += a[start + i + 4];
      r5 += a[start + i + 5];
      r6 += a[start + i + 6];
      r7 += a[start + i + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(a, start, n2) + numpySum(a, start + n2, n - n2);
}
