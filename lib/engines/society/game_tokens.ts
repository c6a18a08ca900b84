/**
 * Game-token accounting against the global budget of the whole simulation (not a
 * per-round budget; real LLM usage is recorded apart).
 *
 * @module
 */

/** The parameters of the token rules. */
export interface TokenParams {
  /** Tokens each deciding AI costs per day (1500). */
  base_decision_cost: number;
  /** Tokens per action point spent (100). */
  tokens_per_action_point: number;
}

/**
 * The game tokens an AI consumes on a day it decides:
 *
 *     tokens = base_decision_cost + tokens_per_action_point * ap_spent
 *
 * @param apSpent Action points spent on executed actions.
 * @param params Base cost and tokens per AP.
 * @returns The tokens.
 *
 * @example
 * ```ts
 * import { dayTokenCost } from "./game_tokens.ts";
 * const p = { base_decision_cost: 1500, tokens_per_action_point: 100 };
 * console.log(dayTokenCost(0, p), dayTokenCost(4, p)); // 1500 1900
 * ```
 */
export function dayTokenCost(apSpent: number, params: TokenParams): number {
  return params.base_decision_cost + params.tokens_per_action_point * apSpent;
}

/**
 * Whether the budget can pay the next day's base costs (the simulation ends otherwise):
 *
 *     budget - consumed >= alive * base_decision_cost
 *
 * @param consumed Game tokens consumed so far.
 * @param budget The global token budget.
 * @param alive AIs that would decide tomorrow.
 * @param baseCost `base_decision_cost`.
 * @returns `true` when the next day can be paid.
 *
 * @example
 * ```ts
 * import { canPayNextDay } from "./game_tokens.ts";
 * console.log(canPayNextDay(191_000, 200_000, 6, 1500)); // true (9000 left, 9000 needed)
 * console.log(canPayNextDay(191_001, 200_000, 6, 1500)); // false
 * ```
 */
export function canPayNextDay(
  consumed: number,
  budget: number,
  alive: number,
  baseCost: number,
): boolean {
  return budget - consumed >= alive * baseCost;
}
