/**
 * Phase 3 of the mechanism, incentive (SPEC section 3): each provider other than the best
 * serves `B` delegations, in provider order.
 *
 * @example
 * ```ts
 * import { createMechanism } from "./mechanism.ts";
 * import { createStream } from "./python_random.ts";
 * import { beginIncentive, nextIncentiveBlock } from "./incentive.ts";
 * const m = createMechanism({ K: 3, T: 100, B: 6, M: 1, none: false }, createStream("toolkit", 1));
 * m.exploration = { best: 0 } as typeof m.exploration;
 * beginIncentive(m);
 * console.log(nextIncentiveBlock(m), m.actor); // true 1
 * ```
 * @module
 */
import type { Mechanism } from "./types.ts";

/**
 * Enters the incentive phase (after exploitation and its bonus).
 *
 * @param m The mechanism (moved in place).
 */
export function beginIncentive(m: Mechanism): void {
  m.phase = 3;
  m.cursor = -1;
  m.left = 0;
  m.block = 0;
}

/**
 * Moves to the next non-best provider's block of `B` delegations.
 *
 * @param m The mechanism, its `exploration` set (moved in place).
 * @returns `false` when the phase is over (every other provider served, or `t = T`).
 */
export function nextIncentiveBlock(m: Mechanism): boolean {
  const best = m.exploration!.best;
  let next = m.cursor + 1;
  if (next === best) next++;
  if (m.t < m.T && next < m.K) {
    m.cursor = next;
    m.actor = next;
    m.left = m.B;
    return true;
  }
  return false;
}
