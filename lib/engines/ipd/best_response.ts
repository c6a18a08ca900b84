/**
 * The stage-game (myopic) best response of the prisoner's dilemma, computed from the payoff
 * table: the move with the higher payoff against the opponent's move of the same round.
 *
 * **Dominance.** The config requires `T > R > P > S`, so `T > R` (defect against a
 * cooperator) and `P > S` (defect against a defector): `D` strictly dominates and is the
 * unique best response to either move. The functions below do not assume it: they compare
 * the two payoffs of the table, so a table with ties or another order (not accepted by
 * `parseIpdConfig`, but a caller may pass one) still gets the right answer. Ties go to `C`
 * (either move has zero regret then).
 *
 * @example
 * ```ts
 * import { ipdBestResponse } from "./best_response.ts";
 * const p = { T: 5, R: 3, P: 1, S: 0 };
 * console.log(ipdBestResponse("C", p)); // { action: "D", value: 5 }
 * console.log(ipdBestResponse("D", p)); // { action: "D", value: 1 }
 * ```
 * @module
 */
import type { IpdConfig } from "./config.ts";
import { type IpdAction, ipdPayoff } from "./engine.ts";

/** What {@linkcode ipdBestResponse} returns. */
export interface IpdBestResponse {
  /** The best move against `theirs` (ties: `"C"`). */
  action: IpdAction;
  /** Its payoff, `max(payoff(C, theirs), payoff(D, theirs))`. */
  value: number;
}

/**
 * The best response to the opponent's move and its payoff.
 *
 * @param theirs The opponent's move of the round.
 * @param payoffs The payoff table (`T`, `R`, `P`, `S`).
 * @returns The best move and its payoff.
 *
 * @example
 * ```ts
 * import { ipdBestResponse } from "./best_response.ts";
 * // a table where cooperating with a cooperator pays most (not a PD): C is best against C
 * console.log(ipdBestResponse("C", { T: 2, R: 3, P: 1, S: 0 }).action); // C
 * ```
 */
export function ipdBestResponse(
  theirs: IpdAction,
  payoffs: IpdConfig["payoffs"],
): IpdBestResponse {
  const c = ipdPayoff("C", theirs, payoffs);
  const d = ipdPayoff("D", theirs, payoffs);
  return d > c ? { action: "D", value: d } : { action: "C", value: c };
}

/**
 * The move of the `best_response` policy: a move that is a best response to both of the
 * opponent's moves (dominant: `D` under every accepted config) when there is one, else the
 * best response to the opponent's previous move, taken as the guess of its current one
 * (`C` guessed before the first round).
 *
 * @param opponentLast The opponent's previous move, `null` before the first round.
 * @param payoffs The payoff table.
 * @returns The move to play.
 *
 * @example
 * ```ts
 * import { bestResponseMove } from "./best_response.ts";
 * console.log(bestResponseMove(null, { T: 5, R: 3, P: 1, S: 0 })); // D
 * console.log(bestResponseMove("D", { T: 2, R: 3, P: 1, S: 0 })); // D (best against D)
 * ```
 */
export function bestResponseMove(
  opponentLast: IpdAction | null,
  payoffs: IpdConfig["payoffs"],
): IpdAction {
  const againstC = ipdBestResponse("C", payoffs).action;
  const againstD = ipdBestResponse("D", payoffs).action;
  if (againstC === againstD) return againstC;
  return opponentLast === "D" ? againstD : againstC;
}
