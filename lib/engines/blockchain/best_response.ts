/**
 * The stage-game (myopic) best response of the blockchain CPD game, computed exactly.
 *
 * **What the others' actions change.** A miner's payoff in a round,
 * `U = R·alpha·c + R·p·m^beta − lambda·d²`, depends on the others only through `m`, the mean
 * efficiency of the other participants at the *start* of the round; the others' actions of
 * the round only move the efficiencies of the *next* round. So the best response to "what
 * the others actually did this round" is a function of `(alpha, m)` alone, which the miner
 * observes (`mean_opponent_efficiency`) before it decides: the best response to the others'
 * actual current actions and the best response to their previous actions (taken as the
 * best guess of this round's) are the same action. A seat playing it has zero stage-game
 * regret in every round, whatever the others do.
 *
 * **Why the maximum is exact.** With `A = R·alpha >= 0`, `P = R·m^beta >= 0` and
 * `lambda >= 0` (the config enforces all three), on the simplex `c + p + d = 1`:
 *
 *     U = A·c + P·p − lambda·d² <= A·c + P·p <= max(A, P)·(c + p) <= max(A, P)·(c + p + d)
 *
 * so `U <= max(A, P)`, with equality at the vertex `[1, 0, 0]` when `A >= P` and `[0, 1, 0]`
 * otherwise. The payoff is linear in `(c, p)` and concave in `d`, but no interior search is
 * needed: the bound above is attained at a vertex. Destruction never pays in the round it
 * is played (its gain, lower rival efficiency, shows only later). Ties (`A = P`) go to
 * construction, as in the `greedy` policy.
 *
 * @example
 * ```ts
 * import { stageBestResponse } from "./best_response.ts";
 * const params = { R: 10, beta: 1.5, lambda: 2 };
 * console.log(stageBestResponse(0.25, 1, params)); // { action: [0, 1, 0], value: 10 }
 * console.log(stageBestResponse(0.25, 0.3, params).action); // [1, 0, 0] (0.3^1.5 < 0.25)
 * ```
 * @module
 */
import { actionPayoff, type Cpd, type PayoffParams } from "./rules.ts";

/** What {@linkcode stageBestResponse} returns. */
export interface StageBestResponse {
  /** The best action: `[1, 0, 0]` (build) or `[0, 1, 0]` (free-ride). */
  action: Cpd;
  /** Its payoff `max(R·alpha, R·m^beta)`, computed with `actionPayoff` (the engine's formula). */
  value: number;
  /** Payoff of pure construction `[1, 0, 0]`: `R·alpha`. */
  construct: number;
  /** Payoff of pure free-riding `[0, 1, 0]`: `R·m^beta`. */
  freeRide: number;
}

/**
 * The exact myopic best response and its payoff for a miner with hash power `alpha` facing
 * mean opponent efficiency `m` (at the start of the round).
 *
 * @param alpha The miner's hash power.
 * @param m The mean efficiency of the other participants, honest group included.
 * @param params `R`, `beta`, `lambda` (all >= 0; a parsed config fits).
 * @returns The best action, its payoff and the payoffs of both pure vertices.
 * @throws {RangeError} When a parameter is negative or not finite (the bound needs them >= 0).
 *
 * @example
 * ```ts
 * import { stageBestResponse } from "./best_response.ts";
 * const br = stageBestResponse(0.2, 0.5, { R: 10, beta: 1.5, lambda: 2 });
 * console.log(br.action, br.value.toFixed(4)); // [0, 1, 0] 3.5355
 * ```
 */
export function stageBestResponse(
  alpha: number,
  m: number,
  params: PayoffParams,
): StageBestResponse {
  const { R, beta, lambda } = params;
  const checked = [["alpha", alpha], ["m", m], ["R", R], ["beta", beta], ["lambda", lambda]];
  for (const [name, v] of checked as [string, number][]) {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(
        `Cannot compute best response: '${name}' must be a finite number >= 0, got ${v}`,
      );
    }
  }
  const construct = actionPayoff([1, 0, 0], alpha, m, { R, beta, lambda });
  const freeRide = actionPayoff([0, 1, 0], alpha, m, { R, beta, lambda });
  return construct >= freeRide
    ? { action: [1, 0, 0], value: construct, construct, freeRide }
    : { action: [0, 1, 0], value: freeRide, construct, freeRide };
}
