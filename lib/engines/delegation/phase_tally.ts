/**
 * The per-phase sums of a run tallied from its delegations one at a time, in O(K) memory: the
 * same layout as the engine's own (`DelegationEngine.phaseSums`, index
 * `5 * (5 * i + slot) + field`, fields delegations, reward, user utility, payments, provider
 * utility). The engine books them as it serves; this tally rebuilds them from the decision
 * rows of a resumed run, whose engine state does not hold them.
 *
 * @example
 * ```ts
 * import { PhaseTally } from "./phase_tally.ts";
 * const tally = new PhaseTally(2);
 * tally.add({ provider_id: 2, phase: "incentive", reward: 7, user_utility: 6.5, price: 0.5,
 *   provider_utility: 0.1 });
 * console.log(tally.rows, tally.sums[5 * (5 * 1 + 3)]); // 1 1
 * ```
 * @module
 */
import { PHASE_SLOTS } from "./types.ts";

/** What the tally reads of a delegation (a decision row has these fields). */
export interface PhaseTallyRow {
  /** The provider's 1-based id. */
  provider_id: number;
  /** The phase slot's name (`exploration`, `exploitation`, `bonus`, ...). */
  phase: string;
  /** The task reward. */
  reward: number;
  /** `reward - price`. */
  user_utility: number;
  /** What the user paid. */
  price: number;
  /** `eta * price - cost`. */
  provider_utility: number;
}

/** The figures of a delegation the per-phase sums add up. */
export type PhaseFiguresOf = Pick<
  PhaseTallyRow,
  "reward" | "user_utility" | "price" | "provider_utility"
>;

/**
 * Adds one delegation of provider `i` (0-based) in phase slot `slot` to per-phase sums laid
 * out as the module doc says: the one place that layout is written.
 *
 * @param sums The sums (`5 * 5 * K` numbers).
 * @param i The provider, 0-based.
 * @param slot The phase slot's index in `PHASE_SLOTS`.
 * @param r The delegation's figures.
 */
export function addPhaseSums(sums: Float64Array, i: number, slot: number, r: PhaseFiguresOf): void {
  const q = 5 * (5 * i + slot);
  sums[q] += 1;
  sums[q + 1] += r.reward;
  sums[q + 2] += r.user_utility;
  sums[q + 3] += r.price;
  sums[q + 4] += r.provider_utility;
}

/** Per-phase sums tallied row by row. */
export class PhaseTally {
  /** The sums, laid out as `DelegationEngine.phaseSums`. */
  readonly sums: Float64Array;
  /** Rows added. */
  rows = 0;
  readonly #K: number;

  /**
   * An empty tally.
   *
   * @param K Providers.
   * @throws {RangeError} For a `K` that is not a positive integer.
   */
  constructor(K: number) {
    if (!Number.isInteger(K) || K < 1) {
      throw new RangeError(`Cannot tally phases: 'K' must be a positive integer, got ${K}`);
    }
    this.#K = K;
    this.sums = new Float64Array(25 * K);
  }

  /**
   * Adds one delegation.
   *
   * @throws {RangeError} For an unknown provider id or phase.
   */
  add(r: PhaseTallyRow): void {
    const i = r.provider_id - 1;
    const slot = (PHASE_SLOTS as readonly string[]).indexOf(r.phase);
    if (!(Number.isInteger(i) && i >= 0 && i < this.#K) || slot < 0) {
      throw new RangeError(
        `Cannot tally phases: row with provider_id ${r.provider_id} and phase '${r.phase}'`,
      );
    }
    addPhaseSums(this.sums, i, slot, r);
    this.rows++;
  }
}
