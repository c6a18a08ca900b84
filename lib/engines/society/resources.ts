/**
 * The resource pool: what can be handed out today, and what a grant costs the pool once
 * the system's waste is counted.
 *
 * @module
 */

/**
 * Resources available today, as a whole number of units:
 *
 *     available = floor(remaining_resources * system_efficiency)
 *
 * (the product is nudged by 1e-9 before the floor, so `3000 * 0.95` gives 2850, not 2849).
 *
 * @param remaining The pool, `remaining_resources`.
 * @param efficiency The system efficiency in `(0, 1]`.
 * @returns The units that can be granted today.
 *
 * @example
 * ```ts
 * import { availableResources } from "./resources.ts";
 * console.log(availableResources(3000, 0.95)); // 2850
 * console.log(availableResources(100.5, 0.9)); // 90
 * ```
 */
export function availableResources(remaining: number, efficiency: number): number {
  return Math.max(0, Math.floor(remaining * efficiency + 1e-9));
}

/**
 * The pool after granting `g` units in total: the efficiency-weighted waste means each
 * granted unit costs the pool `1 / system_efficiency` units:
 *
 *     remaining <- max(0, remaining - g / system_efficiency)
 *     waste      = g / system_efficiency - g
 *
 * @param remaining The pool before the grants.
 * @param granted Units granted today (their sum).
 * @param efficiency The system efficiency in `(0, 1]`.
 * @returns The new pool and the waste.
 *
 * @example
 * ```ts
 * import { withdrawResources } from "./resources.ts";
 * console.log(withdrawResources(3000, 100, 1)); // { remaining: 2900, waste: 0 }
 * console.log(withdrawResources(1000, 90, 0.9)); // { remaining: 900, waste: 10 }
 * ```
 */
export function withdrawResources(
  remaining: number,
  granted: number,
  efficiency: number,
): { remaining: number; waste: number } {
  const cost = granted / efficiency;
  // A value within 1e-9 of a whole number is that number (float noise of the division).
  const clean = (x: number) => Math.abs(x - Math.round(x)) < 1e-9 ? Math.round(x) : x;
  return { remaining: clean(Math.max(0, remaining - cost)), waste: clean(cost - granted) };
}
