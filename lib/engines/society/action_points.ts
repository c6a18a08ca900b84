/**
 * Action points for tomorrow, earned from today's grant.
 *
 * @module
 */

/**
 * The AP an AI has tomorrow after being granted `g` today (they replace today's AP; they
 * do not accumulate):
 *
 *     ap = floor(max(0, g - consumption) / resources_per_action_point)
 *
 * @param granted Resources granted today.
 * @param consumption Daily consumption (20).
 * @param perPoint Resources per action point (10).
 * @returns Tomorrow's AP.
 *
 * @example
 * ```ts
 * import { actionPointsFor } from "./action_points.ts";
 * console.log(actionPointsFor(50, 20, 10)); // 3
 * console.log(actionPointsFor(80, 20, 10)); // 6
 * console.log(actionPointsFor(15, 20, 10)); // 0
 * ```
 */
export function actionPointsFor(granted: number, consumption: number, perPoint: number): number {
  return Math.floor(Math.max(0, granted - consumption) / perPoint);
}
