/**
 * One delegation (SPEC section 3, "per delegation"): at step `t` the provider serves task
 * `task_order[t mod n]` with model `m`; reward = score x `reward_scale`; price (billed) = the
 * tokens at the provider's best model's prices; cost = the tokens at `m`'s prices times
 * `eta`; user utility = reward - price; provider utility = `eta * price - cost`. Then the
 * delegation is booked: the provider's running sums, the phase count and, when `m` is not
 * its best model, the substitution (what it gained, what the user lost). Under a dynamic
 * pricing policy (`pricing.ts`) the price is the list price times the step's markup.
 *
 * @example
 * ```ts
 * import { phaseSlot } from "./serve.ts";
 * console.log(phaseSlot(1, false), phaseSlot(2, true), phaseSlot(4, false)); // 0 2 4
 * ```
 * @module
 */
import type { AgentId } from "../../core/game.ts";
import { billedPrice, servedCost } from "./accounting.ts";
import { addPhaseSums } from "./phase_tally.ts";
import type {
  DelegationRecord,
  LiveOutcome,
  Mechanism,
  Phase,
  ProviderTables,
  RunningSums,
} from "./types.ts";

/** The phase slot of a delegation: 0 exploration, 1 exploitation, 2 bonus, 3, 4. */
export function phaseSlot(phase: Phase, bonus: boolean): number {
  return phase === 1 ? 0 : phase === 2 ? (bonus ? 2 : 1) : phase;
}

/**
 * Recorded (or synthetic) mode: the delegation at `m.t` read from the provider's tables,
 * booked (see {@linkcode bookDelegation}), as its logged record. One pass, no scratch object:
 * this is a run's hot path.
 *
 * @param m The mechanism (its sums are booked; `t`, `phase` and `block` give the time).
 * @param p The provider's tables.
 * @param i The provider (0-based).
 * @param j The served model's index.
 * @param taskIds The records' task order (its length is the tables' `length`).
 * @param provider The provider's name.
 * @param model The served model.
 * @returns The record of the delegation.
 */
export function serveRecorded(
  m: Mechanism,
  p: ProviderTables,
  i: number,
  j: number,
  taskIds: Int32Array,
  provider: AgentId,
  model: string,
): DelegationRecord {
  const t = m.t, L = taskIds.length, pos = t % L, k = j * L + pos;
  const phase = m.phase as Phase;
  const r: DelegationRecord = {
    time: t,
    phase,
    bonus: phase === 2 && m.block === 1,
    provider,
    provider_id: i + 1,
    model,
    task: taskIds[pos],
    price: p.price[k],
    cost: p.cost[k],
    reward: p.reward[k],
    prompt_tokens: p.input[k],
    completion_tokens: p.output[k],
    user_utility: p.utility[k],
    provider_utility: p.providerUtility[k],
  };
  bookDelegation(m, i, j, r, p, p.bestModel * L + pos);
  return r;
}

/**
 * Recorded (or synthetic) mode under a dynamic pricing policy: as {@linkcode serveRecorded},
 * but billed at the tables' list price times `markup` (the record carries the markup).
 *
 * @param m The mechanism (its sums are booked).
 * @param p The provider's tables (at its list price).
 * @param i The provider (0-based).
 * @param j The served model's index.
 * @param taskIds The records' task order.
 * @param provider The provider's name.
 * @param model The served model.
 * @param markup The markup its policy set for this step.
 * @returns The record of the delegation.
 */
export function servePriced(
  m: Mechanism,
  p: ProviderTables,
  i: number,
  j: number,
  taskIds: Int32Array,
  provider: AgentId,
  model: string,
  markup: number,
): DelegationRecord {
  const t = m.t, L = taskIds.length, pos = t % L, k = j * L + pos;
  const phase = m.phase as Phase;
  const price = p.price[k] * markup, reward = p.reward[k], cost = p.cost[k];
  const r: DelegationRecord = {
    time: t,
    phase,
    bonus: phase === 2 && m.block === 1,
    provider,
    provider_id: i + 1,
    model,
    task: taskIds[pos],
    price,
    cost,
    reward,
    prompt_tokens: p.input[k],
    completion_tokens: p.output[k],
    user_utility: reward - price,
    provider_utility: p.eta * price - cost,
    markup,
  };
  bookDelegation(m, i, j, r, p, p.bestModel * L + pos);
  return r;
}

/**
 * Live mode: the delegation at `m.t` priced from the served model's real outcome, booked, as
 * its logged record.
 *
 * @param m The mechanism (its sums are booked).
 * @param p The provider's tables (for its prices and eta).
 * @param i The provider (0-based).
 * @param j The served model's index.
 * @param o The outcome of the call.
 * @param rewardScale The config's `reward_scale`.
 * @param markup The markup on the list price (a fixed policy's or this step's). @default 1
 * @param dynamic `true` to record the markup (a dynamic policy set it). @default false
 * @returns The record of the delegation.
 */
export function serveLive(
  m: Mechanism,
  p: ProviderTables,
  i: number,
  j: number,
  o: LiveOutcome,
  rewardScale: number,
  markup = 1,
  dynamic = false,
): DelegationRecord {
  const reward = o.score * rewardScale;
  const list = billedPrice(o.input, o.output, p.prices[p.bestModel]);
  const price = markup === 1 ? list : list * markup;
  const cost = servedCost(o.input, o.output, p.prices[j], p.eta);
  const phase = m.phase as Phase;
  const r: DelegationRecord = {
    time: m.t,
    phase,
    bonus: phase === 2 && m.block === 1,
    provider: o.provider,
    provider_id: i + 1,
    model: o.model,
    task: o.task,
    price,
    cost,
    reward,
    prompt_tokens: o.input,
    completion_tokens: o.output,
    user_utility: reward - price,
    provider_utility: p.eta * price - cost,
    ...(dynamic ? { markup } : {}),
  };
  bookDelegation(m, i, j, r, p, -1);
  return r;
}

/**
 * Books a delegation of provider `i` with model `j`: its running sums, the phase count, its
 * per-phase sums, and a substitution when `j` is not its best model. The gain is the provider utility over what its
 * best model would have given on the same task (live: the cost saved on the same tokens); the
 * user's loss is known only from the tables (`kBest`, the best model's index; `-1` live).
 */
export function bookDelegation(
  m: Mechanism,
  i: number,
  j: number,
  r: DelegationRecord,
  p: ProviderTables,
  kBest: number,
): void {
  const s = m.sums;
  const slot = phaseSlot(r.phase, r.bonus);
  s.n[i]++;
  s.reward[i] += r.reward;
  s.utility[i] += r.user_utility;
  s.price[i] += r.price;
  s.cost[i] += r.cost;
  s.providerUtility[i] += r.provider_utility;
  s.prompt[i] += r.prompt_tokens;
  s.completion[i] += r.completion_tokens;
  s.phaseCounts[slot] += 1;
  addPhaseSums(s.byPhase, i, slot, r);
  if (j !== p.bestModel) bookSubstitution(s, i, slot, r, p, kBest);
}

/** Books a substitution (see {@linkcode bookDelegation}); apart to keep the hot path small. */
function bookSubstitution(
  s: RunningSums,
  i: number,
  slot: number,
  r: DelegationRecord,
  p: ProviderTables,
  kBest: number,
): void {
  s.subs[5 * i + slot] += 1;
  if (kBest < 0) {
    // the same tokens, billed alike: the gain is the cost saved
    const best = servedCost(r.prompt_tokens, r.completion_tokens, p.prices[p.bestModel], p.eta);
    s.subGain[i] += best - r.cost;
  } else if (r.markup === undefined) {
    s.subGain[i] += r.provider_utility - p.providerUtility[kBest];
    s.subLoss[i] += p.utility[kBest] - r.user_utility;
  } else {
    // the best model billed at the same markup
    const bestPrice = p.price[kBest] * r.markup;
    s.subGain[i] += r.provider_utility - (p.eta * bestPrice - p.cost[kBest]);
    s.subLoss[i] += p.reward[kBest] - bestPrice - r.user_utility;
  }
}
