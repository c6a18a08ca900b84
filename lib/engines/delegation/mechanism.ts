/**
 * The mechanism's moving parts (SPEC section 3) and the order of its phases. A
 * {@linkcode Mechanism} is the mutable state every rule file reads and moves: the phase
 * cursor, the per-provider running sums, the figures fixed at the end of exploration, the
 * early-stop window and the utility-based draws. {@linkcode advance} is the whole schedule,
 * one line per phase, each phase a function in the file named after it:
 *
 * 1. `exploration.ts`: each provider in turn, `B` delegations; then the means, `delta1`,
 *    `delta2`, the best provider (drawn), `R2` and `planned`;
 * 2. `exploitation.ts`: `planned` delegations to the best provider, audited by the
 *    early-stop rule (`early_stop.ts`), then the bonus when it never stopped;
 * 3. `incentive.ts`: `B` delegations to each other provider;
 * 4. `utility_based.ts`: `floor(x) * B` delegations per provider, plus a drawn extra block.
 *
 * Every phase stops when `t = T`. The state ({@linkcode Mechanism}, in `types.ts`) is O(K)
 * but for the early-stop window.
 *
 * @example
 * ```ts
 * import { advance, createMechanism } from "./mechanism.ts";
 * import { createStream } from "./python_random.ts";
 * const m = createMechanism({ K: 3, T: 100, B: 6, M: 1, none: false }, createStream("toolkit", 1));
 * advance(m);
 * console.log(m.phase, m.actor, m.left); // 1 0 6
 * ```
 * @module
 */
import type { RunStream } from "./python_random.ts";
import type { DelegationObs, Mechanism, MechanismSizes, Phase } from "./types.ts";
import { newEarlyStopWindow } from "./early_stop.ts";
import { endExploration, nextExplorationBlock } from "./exploration.ts";
import { beginExploitation, endCommitted, exploitationBonus } from "./exploitation.ts";
import { beginIncentive, nextIncentiveBlock } from "./incentive.ts";
import { beginUtilityBased, nextUtilityBasedBlock } from "./utility_based.ts";

/**
 * A mechanism at `t = 0`, before its first {@linkcode advance}.
 *
 * @param sizes `K`, `T`, `B`, `M` and the no-mechanism flag.
 * @param stream The run's stream.
 * @returns The state.
 */
export function createMechanism(sizes: MechanismSizes, stream: RunStream): Mechanism {
  const f = (n: number) => new Float64Array(n);
  const K = sizes.K;
  return {
    K,
    T: sizes.T,
    B: sizes.B,
    M: sizes.M,
    none: sizes.none,
    stream,
    t: 0,
    phase: 1,
    cursor: -1,
    left: 0,
    block: 0,
    actor: -1,
    sums: {
      n: f(K),
      reward: f(K),
      utility: f(K),
      price: f(K),
      cost: f(K),
      providerUtility: f(K),
      prompt: f(K),
      completion: f(K),
      phaseCounts: f(5),
      subs: f(5 * K),
      subGain: f(K),
      subLoss: f(K),
      byPhase: f(25 * K),
    },
    exploration: null,
    audit: newEarlyStopWindow(),
    fraction: 0,
    draws: [],
    pricing: null,
  };
}

/**
 * Moves the cursor to the next delegation, making the mechanism's draws on the way: the
 * phases in order, each moving to its next block or handing over to the next phase.
 *
 * @param m The mechanism (moved in place).
 */
export function advance(m: Mechanism): void {
  while (!(m.left > 0 && m.t < m.T)) {
    if (m.phase === 1) {
      if (nextExplorationBlock(m)) continue;
      endExploration(m);
      beginExploitation(m);
    } else if (m.phase === 2) {
      if (m.none) return endCommitted(m);
      if (exploitationBonus(m)) continue;
      beginIncentive(m);
    } else if (m.phase === 3) {
      if (nextIncentiveBlock(m)) continue;
      beginUtilityBased(m);
    } else if (m.phase === 4) {
      if (nextUtilityBasedBlock(m)) continue;
      m.phase = 5;
      m.actor = -1;
      m.left = 0;
      return;
    } else {
      m.actor = -1;
      m.left = 0;
      return;
    }
  }
}

/**
 * What provider `i` sees: the phase, time, planned exploitation, second-best utility and its
 * own cumulative reward.
 *
 * @param m The mechanism.
 * @param i The provider (0-based).
 * @returns Its observation.
 */
export function observe(m: Mechanism, i: number): DelegationObs {
  const ex = m.exploration;
  const phase = (m.phase > 4 ? (m.none ? 2 : 4) : m.phase) as Phase;
  return {
    t: m.t,
    T: m.T,
    phase,
    bonus: phase === 2 && m.block === 1,
    planned: ex ? ex.planned : 0,
    secondBestUtility: ex ? ex.secondBestUtility : 0,
    cumulativeReward: m.sums.reward[i],
    delegations: m.sums.n[i],
    isBest: ex ? ex.best === i : false,
  };
}
