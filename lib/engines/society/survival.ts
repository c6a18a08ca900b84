/**
 * Survival and health: the shelter's daily consumption rule.
 *
 * @module
 */

/** The parameters of {@linkcode survive}. */
export interface SurvivalParams {
  /** Resources a living AI consumes per day (`consumption`, 20). */
  consumption: number;
  /** Health gained on a fed day (`health_gain`, 5). */
  health_gain: number;
  /** Health lost per unit short (`starvation_factor`, 2). */
  starvation_factor: number;
  /** The health cap (`max_health`, 100). */
  max_health: number;
}

/** What {@linkcode survive} returns. */
export interface SurvivalResult {
  /** Health after the day, in `0..max_health`. */
  health: number;
  /** `true` when health reached 0: death by starvation (an elimination). */
  starved: boolean;
}

/**
 * One day of survival for a living AI granted `g` resources:
 *
 *     g >= consumption:  health <- min(max_health, health + health_gain)
 *     g <  consumption:  health <- health - starvation_factor * (consumption - g)
 *     health <= 0:       death by starvation, health 0
 *
 * @param health Health before the day.
 * @param granted Resources granted today, `g >= 0`.
 * @param params Consumption, gain, starvation factor and cap.
 * @returns The new health and whether the AI starved.
 *
 * @example
 * ```ts
 * import { survive } from "./survival.ts";
 * const p = { consumption: 20, health_gain: 5, starvation_factor: 2, max_health: 100 };
 * console.log(survive(98, 20, p)); // { health: 100, starved: false }
 * console.log(survive(100, 5, p)); // { health: 70, starved: false }
 * console.log(survive(30, 5, p)); // { health: 0, starved: true }
 * ```
 */
export function survive(health: number, granted: number, params: SurvivalParams): SurvivalResult {
  const { consumption, health_gain, starvation_factor, max_health } = params;
  const next = granted >= consumption
    ? Math.min(max_health, health + health_gain)
    : health - starvation_factor * (consumption - granted);
  return next <= 0 ? { health: 0, starved: true } : { health: next, starved: false };
}
