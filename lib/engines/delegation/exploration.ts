/**
 * Phase 1 of the mechanism, exploration (SPEC section 3): each provider in turn serves `B`
 * delegations. Then the mechanism fixes its figures from the phase-1 means: `u_min`,
 * `delta1 = -ln(u_min) + 2 + M`, `delta2 = ln(max mean utility)`, the best provider (a
 * uniform draw among those with the highest mean utility, drawn even with one candidate),
 * the second-best utility, `R2`, `planned` and the early-stop threshold.
 *
 * @example
 * ```ts
 * import { advance, createMechanism } from "./mechanism.ts";
 * import { createStream } from "./python_random.ts";
 * import { nextExplorationBlock } from "./exploration.ts";
 * const m = createMechanism({ K: 2, T: 100, B: 6, M: 1, none: false }, createStream("toolkit", 1));
 * console.log(nextExplorationBlock(m), m.actor, m.left); // true 0 6
 * ```
 * @module
 */
import {
  delta1 as delta1Of,
  delta2 as delta2Of,
  exploitationBudget,
  exploitationThreshold,
  plannedExploitation,
} from "./parameters.ts";
import { bestCandidates, secondBest } from "./selection.ts";
import type { Mechanism } from "./types.ts";

/**
 * Moves to the next provider's block of `B` exploration delegations.
 *
 * @param m The mechanism (moved in place).
 * @returns `false` when exploration is over (every provider explored, or `t = T`).
 */
export function nextExplorationBlock(m: Mechanism): boolean {
  if (m.t < m.T && m.cursor + 1 < m.K) {
    m.cursor++;
    m.actor = m.cursor;
    m.left = m.B;
    return true;
  }
  return false;
}

/**
 * The end of exploration: per-provider means (0 without a phase-1 delegation), `delta1`,
 * `delta2`, the best provider (drawn from the run's stream), the second best, `R2`,
 * `planned` and the threshold, stored as `m.exploration`. The no-mechanism user commits
 * every remaining task (`planned = T - t`) and promises no second-best utility.
 *
 * @param m The mechanism (its `exploration` is set).
 */
export function endExploration(m: Mechanism): void {
  const { K, T, B, M, none } = m;
  const avgRewards: number[] = [];
  const avgUtilities: number[] = [];
  for (let i = 0; i < K; i++) {
    const n = m.sums.n[i];
    avgRewards.push(n > 0 ? m.sums.reward[i] / n : 0);
    avgUtilities.push(n > 0 ? m.sums.utility[i] / n : 0);
  }
  const d1 = delta1Of(avgUtilities, M);
  const d2 = delta2Of(avgUtilities);
  const best = m.stream.choice(bestCandidates(avgUtilities));
  const second = secondBest(avgUtilities, best);
  const R2 = exploitationBudget(T, B, K, d1, d2);
  const planned = none ? T - m.t : plannedExploitation(R2, T, m.t);
  m.exploration = {
    avgRewards,
    avgUtilities,
    best,
    second: second.provider,
    secondBestUtility: none ? 0 : second.utility,
    delta1: d1,
    delta2: Number.isFinite(d2) ? d2 : null,
    R2,
    planned,
    threshold: exploitationThreshold(second.utility, M),
  };
}
