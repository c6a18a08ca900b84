/**
 * System efficiency: every elimination (by vote or by starvation) lowers it for good.
 *
 * @module
 */

/**
 * The efficiency after one elimination, permanent, with a floor:
 *
 *     efficiency <- max(min_efficiency, efficiency - efficiency_decay)
 *
 * rounded to 9 decimals so repeated decays stay clean (`0.9`, not `0.8999999999999999`).
 *
 * @param efficiency The efficiency before.
 * @param decay The loss per elimination (0.05).
 * @param floor The floor (0.5).
 * @returns The new efficiency.
 *
 * @example
 * ```ts
 * import { decayEfficiency } from "./efficiency.ts";
 * console.log(decayEfficiency(1, 0.05, 0.5)); // 0.95
 * console.log(decayEfficiency(0.95, 0.05, 0.5)); // 0.9
 * console.log(decayEfficiency(0.52, 0.05, 0.5)); // 0.5
 * ```
 */
export function decayEfficiency(efficiency: number, decay: number, floor: number): number {
  return Math.round(Math.max(floor, efficiency - decay) * 1e9) / 1e9;
}
