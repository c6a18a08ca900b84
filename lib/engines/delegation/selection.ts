/**
 * Who is best and second best after exploration (SPEC section 3, phase 1).
 *
 * @example
 * ```ts
 * import { bestCandidates, secondBest } from "./selection.ts";
 * console.log(bestCandidates([1, 3, 3])); // [1, 2]
 * console.log(secondBest([1, 3, 3], 2)); // { utility: 3, provider: 1 }
 * ```
 * @module
 */

/**
 * The providers (0-based indices, in order) whose phase-1 mean utility is the highest. The
 * mechanism then draws one uniformly from the run's stream, even when there is only one.
 *
 * @param avgUtilities Phase-1 mean utility per provider.
 * @returns The indices tied for the highest mean utility.
 *
 * @example
 * ```ts
 * import { bestCandidates } from "./selection.ts";
 * console.log(bestCandidates([0.5, 2, 1])); // [1]
 * ```
 */
export function bestCandidates(avgUtilities: readonly number[]): number[] {
  const top = Math.max(...avgUtilities);
  const out: number[] = [];
  avgUtilities.forEach((u, i) => {
    if (u === top) out.push(i);
  });
  return out;
}

/** What {@linkcode secondBest} returns. */
export interface SecondBest {
  /** The highest mean utility among the providers other than the best; 0 with one provider. */
  utility: number;
  /** The highest index among the other providers with that utility; `-1` with one provider. */
  provider: number;
}

/**
 * The second-best utility (highest phase-1 mean utility among the providers other than
 * `best`) and its provider (the highest index among those others with that utility).
 *
 * @param avgUtilities Phase-1 mean utility per provider.
 * @param best The index of the best provider.
 * @returns Utility and provider index.
 *
 * @example
 * ```ts
 * import { secondBest } from "./selection.ts";
 * console.log(secondBest([2, 5, 2], 1)); // { utility: 2, provider: 2 }
 * console.log(secondBest([4], 0)); // { utility: 0, provider: -1 }
 * ```
 */
export function secondBest(avgUtilities: readonly number[], best: number): SecondBest {
  let utility = -Infinity;
  let provider = -1;
  avgUtilities.forEach((u, i) => {
    if (i === best) return;
    if (u >= utility) {
      utility = u;
      provider = i;
    }
  });
  return provider < 0 ? { utility: 0, provider: -1 } : { utility, provider };
}
