/**
 * Phase 4 of the mechanism, utility-based (SPEC section 3): for each provider, in order, with
 * `mean reward (phase 1) - M > 0`, `x = delta1 + ln(mean reward - M)`; when `x >= 0` it
 * serves `floor(x) * B` delegations, plus `B` more when the fractional part `f` is `> 0`,
 * `t < T` and a uniform draw `u` from the run's stream has `u < f` (no draw otherwise).
 *
 * @example
 * ```ts
 * import { createMechanism } from "./mechanism.ts";
 * import { createStream } from "./python_random.ts";
 * import { beginUtilityBased, nextUtilityBasedBlock } from "./utility_based.ts";
 * const m = createMechanism({ K: 1, T: 100, B: 6, M: 0.5, none: false }, createStream("toolkit", 1));
 * m.exploration = { avgRewards: [3], delta1: 2 } as typeof m.exploration;
 * beginUtilityBased(m);
 * console.log(nextUtilityBasedBlock(m), m.left); // true 18
 * ```
 * @module
 */
import { utilityBasedShare } from "./parameters.ts";
import type { Mechanism } from "./types.ts";

/**
 * Enters the utility-based phase (after the incentive phase).
 *
 * @param m The mechanism (moved in place).
 */
export function beginUtilityBased(m: Mechanism): void {
  m.phase = 4;
  m.cursor = -1;
  m.block = 1; // no pending fraction for "provider -1"
  m.left = 0;
}

/** The extra block of the current provider: drawn once its guaranteed blocks are served. */
function drawExtraBlock(m: Mechanism): boolean {
  m.block = 1;
  const f = m.fraction;
  if (!(f > 0 && m.t < m.T)) return false;
  const u = m.stream.random();
  const won = u < f;
  m.draws.push({ provider: m.cursor, u, won });
  if (won) m.left = Math.min(m.B, m.T - m.t);
  return won;
}

/**
 * Moves to the next block of the phase: the current provider's drawn extra block, else the
 * guaranteed blocks of the next provider with `x >= 0`.
 *
 * @param m The mechanism, its `exploration` set (moved in place).
 * @returns `false` when the phase (and so the game) is over.
 */
export function nextUtilityBasedBlock(m: Mechanism): boolean {
  if (m.block === 0 && drawExtraBlock(m)) return true;
  const ex = m.exploration!;
  while (m.t < m.T && m.cursor + 1 < m.K) {
    m.cursor++;
    const share = utilityBasedShare(ex.avgRewards[m.cursor], m.M, ex.delta1);
    if (share.x === null || share.x < 0) continue;
    m.actor = m.cursor;
    m.block = 0;
    m.fraction = share.fraction;
    m.left = Math.min(share.blocks * m.B, m.T - m.t);
    return true;
  }
  return false;
}
