/**
 * The early-stop rule of exploitation (SPEC section 3, phase 2; Cao et al.): from the best
 * provider's `B`-th exploitation delegation on, exploitation stops early when the mean user
 * utility of its last `B` delegations is below `threshold = second_best_utility - M`. A
 * stop forfeits the bonus.
 *
 * The window holds the last `B` utilities as a ring with a running sum, resynchronised every
 * `B` insertions so rounding never accumulates; near the threshold the decision is taken with
 * numpy's own summation (`numpySum`, the original's `np.mean`), so the stop falls on the
 * same delegation as in the original simulator. The window is held only while the main
 * exploitation runs and only when `B <= planned` (otherwise the rule can never fire).
 *
 * @example Three delegations of utility 1, then one of -5: the mean of the last 3 is -1.
 * ```ts
 * import { earlyStop, newEarlyStopWindow, openEarlyStop } from "./early_stop.ts";
 * const w = newEarlyStopWindow();
 * openEarlyStop(w, 3);
 * const means = [1, 1, 1, -5].map((u) => earlyStop(w, u, 3, 0));
 * console.log(means, w.stopped); // [null, null, null, -1] true
 * ```
 * @module
 */
import { numpySum } from "./parameters.ts";

/** The audit's state: exploitation delegations seen, the stop flag and the last-`B` ring. */
export interface EarlyStopWindow {
  /** Main exploitation delegations so far. */
  count: number;
  /** `true` once the rule stopped exploitation. */
  stopped: boolean;
  /** The last `B` utilities, oldest at `head` (length 0 when the audit is closed). */
  values: Float64Array;
  /** Scratch for the exact mean near the threshold (same length as `values`). */
  scratch: Float64Array;
  /** Index of the oldest utility (the next to be replaced). */
  head: number;
  /** Running sum of `values`. */
  sum: number;
  /** The largest |utility| entered (for the rounding margin). */
  maxAbs: number;
}

/** A closed window: no delegation seen, no stop. */
export function newEarlyStopWindow(): EarlyStopWindow {
  const empty = new Float64Array(0);
  return { count: 0, stopped: false, values: empty, scratch: empty, head: 0, sum: 0, maxAbs: 0 };
}

/** Opens the window of `B` utilities (at the start of exploitation). */
export function openEarlyStop(w: EarlyStopWindow, B: number): void {
  w.values = new Float64Array(B);
  w.scratch = new Float64Array(B);
}

/** Closes the window (at the end of the main exploitation: the bonus is not audited). */
export function closeEarlyStop(w: EarlyStopWindow): void {
  w.values = new Float64Array(0);
}

/** Enters `utility` into the ring; returns the running mean of the last `B`. */
function enter(w: EarlyStopWindow, utility: number, B: number): number {
  const v = w.values;
  const old = v[w.head];
  v[w.head] = utility;
  w.head = w.head + 1 === B ? 0 : w.head + 1;
  const abs = utility < 0 ? -utility : utility;
  if (abs > w.maxAbs) w.maxAbs = abs;
  // resync every B insertions so rounding never accumulates
  if (w.head === 0) w.sum = ringSum(v, B);
  else w.sum += utility - old;
  return w.sum / B;
}

/** The sum of the ring in index order (the resync; apart to keep the hot path small). */
function ringSum(v: Float64Array, B: number): number {
  let sum = 0;
  for (let q = 0; q < B; q++) sum += v[q];
  return sum;
}

/** The exact mean of the last `B`, oldest first, with numpy's summation (`np.mean`). */
function exactMean(w: EarlyStopWindow, B: number): number {
  const s = w.scratch;
  for (let q = 0; q < B; q++) s[q] = w.values[(w.head + q) % B];
  return numpySum(s, 0, B) / B;
}

/**
 * Audits one main-exploitation delegation of the best provider.
 *
 * @param w The window (moved in place; `stopped` is set when the rule fires).
 * @param utility The delegation's user utility (`reward - price`).
 * @param B The window length.
 * @param threshold `second_best_utility - M`.
 * @returns The mean utility of the last `B` delegations when the rule stops exploitation
 * now, else `null` (also while the window is closed or not yet full).
 */
export function earlyStop(
  w: EarlyStopWindow,
  utility: number,
  B: number,
  threshold: number,
): number | null {
  const c = ++w.count;
  if (w.values.length === 0) return null;
  let recent = enter(w, utility, B);
  if (c < B) return null;
  // The running sum is within 2B roundings of the exact one; near the threshold,
  // decide with numpy's own summation (the original's np.mean) instead.
  const margin = 4 * B * Number.EPSILON * (w.maxAbs + 1);
  if (Math.abs(recent - threshold) <= margin) recent = exactMean(w, B);
  if (!(recent < threshold)) return null;
  w.stopped = true;
  return recent;
}

/** What {@linkcode auditDelegation} reads and moves of the mechanism. */
export interface AuditedMechanism {
  /** The early-stop window. */
  audit: EarlyStopWindow;
  /** The window length. */
  B: number;
  /** Delegations left in the current block (`0` ends it). */
  left: number;
  /** Exploration's outcome (`threshold = second_best_utility - M`). */
  exploration: { threshold: number } | null;
}

/**
 * The audit of one served delegation: only the main exploitation's delegations are audited
 * (phase 2, not the bonus); when the rule fires, exploitation ends now (its block has
 * nothing left) and the bonus is forfeited.
 *
 * @param m The mechanism (`left` set to 0 when the rule fires).
 * @param phase The delegation's phase.
 * @param bonus Whether it was a bonus delegation.
 * @param utility Its user utility.
 * @returns The mean utility of the last `B` when exploitation stops now, else `null`.
 *
 * @example
 * ```ts
 * import { auditDelegation, newEarlyStopWindow, openEarlyStop } from "./early_stop.ts";
 * const m = { audit: newEarlyStopWindow(), B: 1, left: 5, exploration: { threshold: 0 } };
 * openEarlyStop(m.audit, 1);
 * console.log(auditDelegation(m, 2, true, -9), auditDelegation(m, 2, false, -9), m.left); // null -9 0
 * ```
 */
export function auditDelegation(
  m: AuditedMechanism,
  phase: number,
  bonus: boolean,
  utility: number,
): number | null {
  if (phase !== 2 || bonus) return null;
  const recent = earlyStop(m.audit, utility, m.B, m.exploration!.threshold);
  if (recent !== null) m.left = 0;
  return recent;
}
