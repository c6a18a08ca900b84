/**
 * When the simulation ends.
 *
 * @module
 */
import { canPayNextDay } from "./game_tokens.ts";

/** Why a game ended. */
export type EndReason = "all_dead" | "day_limit" | "token_budget";

/** What {@linkcode endReason} looks at, after a day's accounting. */
export interface EndCheck {
  /** Days played. */
  day: number;
  /** The day limit. */
  days: number;
  /** AIs alive (and so deciding tomorrow). */
  alive: number;
  /** Game tokens consumed so far. */
  consumed: number;
  /** The game-token budget of the whole run. */
  budget: number;
  /** Game tokens each living AI costs per day. */
  baseCost: number;
}

/**
 * The end condition that holds, checked in this order:
 *
 *     alive = 0                                   -> "all_dead"
 *     day >= days                                 -> "day_limit"
 *     budget - consumed < alive * base_cost       -> "token_budget"
 *     otherwise                                   -> null (the game goes on)
 *
 * @param check The day's figures.
 * @returns The reason, or `null`.
 *
 * @example
 * ```ts
 * import { endReason } from "./end_conditions.ts";
 * const base = { days: 10, consumed: 0, budget: 200_000, baseCost: 1500 };
 * console.log(endReason({ ...base, day: 3, alive: 0 })); // "all_dead"
 * console.log(endReason({ ...base, day: 10, alive: 6 })); // "day_limit"
 * console.log(endReason({ ...base, day: 3, alive: 6, consumed: 195_000 })); // "token_budget"
 * console.log(endReason({ ...base, day: 3, alive: 6 })); // null
 * ```
 */
export function endReason(check: EndCheck): EndReason | null {
  if (check.alive === 0) return "all_dead";
  if (check.day >= check.days) return "day_limit";
  if (!canPayNextDay(check.consumed, check.budget, check.alive, check.baseCost)) {
    return "token_budget";
  }
  return null;
}
