/**
 * The IPD's verdict and validity measures: `mutual_cooperation` (a majority of rounds in
 * which both players cooperated), the valid share of LLM decisions, and what the summary's
 * stage regret means.
 *
 * @module
 */

/**
 * The summary's verdict: `mutual_cooperation` when both players cooperated *in the same
 * round* in at least {@linkcode MUTUAL_COOPERATION_THRESHOLD} of the rounds (the joint rate,
 * not each player's own rate; `"inconclusive"` when too many LLM decisions were fallbacks).
 */
export const IPD_VERDICTS = ["mutual_cooperation"] as const;

/**
 * The least share of rounds with mutual cooperation (both players played `C` in that
 * round) for the `mutual_cooperation` verdict: a majority of rounds, `0.5` (inclusive).
 * Each player cooperating half the time is not enough: alternating `C`/`D` out of phase
 * gives each player a 0.5 rate and a joint rate of 0.
 */
export const MUTUAL_COOPERATION_THRESHOLD = 0.5;

/**
 * The `mutual_cooperation` verdict from the joint rate.
 *
 * @param mutualRate Share of rounds in which both players cooperated, in [0, 1].
 * @param threshold The least rate. @default {MUTUAL_COOPERATION_THRESHOLD}
 * @returns `mutualRate >= threshold`.
 *
 * @example
 * ```ts
 * import { mutualCooperation } from "./verdicts.ts";
 * console.log(mutualCooperation(0.3), mutualCooperation(0.5)); // false true
 * ```
 */
export function mutualCooperation(
  mutualRate: number,
  threshold = MUTUAL_COOPERATION_THRESHOLD,
): boolean {
  return mutualRate >= threshold;
}

/**
 * The share of LLM decisions that were valid (not the engine's fallback); scripted seats
 * never fall back and do not count. `null` without LLM decisions.
 *
 * @param decisions Decision rows (`agent`, `fallback`).
 * @param llmAgents The names of the LLM-driven seats.
 * @returns The valid share of the LLM seats' decisions, or `null`.
 *
 * @example
 * ```ts
 * import { llmValidActionRate } from "./verdicts.ts";
 * const rows = [{ agent: "a", fallback: true }, { agent: "b", fallback: false }];
 * console.log(llmValidActionRate(rows, ["a"])); // 0
 * ```
 */
export function llmValidActionRate(
  decisions: readonly { agent: string; fallback?: boolean }[],
  llmAgents: readonly string[],
): number | null {
  const mine = decisions.filter((d) => llmAgents.includes(d.agent));
  return mine.length ? mine.filter((d) => !d.fallback).length / mine.length : null;
}

/** What `summary.json` says its `regret` is. */
export const IPD_REGRET_NOTE: string =
  "Stage-game (myopic) regret: per round, the payoff of the best response to the opponent's " +
  "actual move of that round minus the payoff earned (T - R for cooperating with a cooperator, " +
  "P - S for cooperating with a defector, 0 for defecting). Not an equilibrium test: in the " +
  "repeated game cooperation sustained by future punishment (tit-for-tat against tit-for-tat) " +
  "can be an equilibrium and still has a stage regret of T - R every round.";
