/**
 * Phase 7 of a day: game-token accounting. Each AI that decided today costs
 * `base_decision_cost + tokens_per_action_point * AP spent` (`game_tokens.ts`); the others
 * cost nothing. The day's total is added to the run's consumption.
 *
 * @module
 */
import type { Day } from "./day.ts";
import { dayTokenCost } from "./game_tokens.ts";

/**
 * Charges the day's game tokens to each AI and to the run.
 *
 * @param d The day.
 * @returns The game tokens consumed today.
 */
export function chargeGameTokens(d: Day): number {
  const { s, c } = d;
  let today = 0;
  for (const n of d.agents) {
    const t = d.infos[n].acted ? dayTokenCost(d.infos[n].ap_spent, c) : 0;
    s.citizens[n].token_consumed_today = t;
    d.infos[n].tokens = t;
    today += t;
  }
  s.tokens_consumed += today;
  return today;
}
