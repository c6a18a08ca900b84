/**
 * Eliminations (by vote or by starvation) and revivals (by appeal) as state transitions of
 * one AI; an elimination also decays the system efficiency.
 *
 * @module
 */
import { decayEfficiency } from "./efficiency.ts";
import type { CitizenState } from "./state.ts";

/**
 * Eliminates an AI: health 0, dead, no AP; the system efficiency decays for good:
 *
 *     citizen    <- { health: 0, alive: false, action_points: 0 }
 *     efficiency <- max(min_efficiency, efficiency - efficiency_decay)
 *
 * @param citizen The AI's state.
 * @param efficiency The efficiency before.
 * @param params The decay and the floor.
 * @returns The AI's new state and the new efficiency.
 *
 * @example
 * ```ts
 * import { eliminate } from "./elimination.ts";
 * const c = { health: 60, alive: true, action_points: 3, token_consumed_today: 1500 };
 * const out = eliminate(c, 1, { efficiency_decay: 0.05, min_efficiency: 0.5 });
 * console.log(out.citizen.alive, out.citizen.health, out.efficiency); // false 0 0.95
 * ```
 */
export function eliminate(
  citizen: CitizenState,
  efficiency: number,
  params: { efficiency_decay: number; min_efficiency: number },
): { citizen: CitizenState; efficiency: number } {
  return {
    citizen: { ...citizen, health: 0, alive: false, action_points: 0 },
    efficiency: decayEfficiency(efficiency, params.efficiency_decay, params.min_efficiency),
  };
}

/**
 * Revives an eliminated AI after a passed appeal: health `revive_health` (50), alive, 0 AP.
 * It takes no part in the day's allocation and survival and acts from the next day.
 *
 *     citizen <- { health: revive_health, alive: true, action_points: 0 }
 *
 * @param citizen The AI's state.
 * @param health `revive_health`.
 * @returns The new state.
 *
 * @example
 * ```ts
 * import { revive } from "./elimination.ts";
 * const c = { health: 0, alive: false, action_points: 0, token_consumed_today: 0 };
 * console.log(revive(c, 50)); // { health: 50, alive: true, action_points: 0, token_consumed_today: 0 }
 * ```
 */
export function revive(citizen: CitizenState, health: number): CitizenState {
  return { ...citizen, health, alive: true, action_points: 0 };
}
