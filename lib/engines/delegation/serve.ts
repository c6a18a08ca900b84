/**
 * One delegation (SPEC section 3, "per delegation"): at step `t` the provider serves task
 * `task_order[t mod n]` with model `m`; reward = score x `reward_scale`; price (billed) = the
 * tokens at the provider's best model's prices; cost = the tokens at `m`'s prices times
 * `eta`; user utility = reward - price; provider utility = `eta * price - cost`. Then the
 * delegation is booked: the provider's running sums, the phase count and, when `m` is not
 * its best model, the substitution (what it gained, what the user lost).
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
import type { DelegationRecord, LiveOutcome, Mechanism, Phase, ProviderTables } from "./types.ts";

/** What one delegation yields (a scratch object filled in place at each step). */
export interface Served {
  /** The task served. */
  task: number;
  /** Score times `reward_scale`. */
  reward: number;
  /** Billed price ($). */
  price: number;
  /** The provider's cost ($). */
  cost: number;
  /** `reward - price`. */
  utility: number;
  /** `eta * price - cost`. */
  providerUtility: number;
  /** Input tokens. */
  input: number;
  /** Output tokens. */
  output: number;
}

/** An empty {@linkcode Served}. */
export function newServed(): Served {
  return {
    task: 0,
    reward: 0,
    price: 0,
    cost: 0,
    utility: 0,
    providerUtility: 0,
    input: 0,
    output: 0,
  };
}

/** The phase slot of a delegation: 0 exploration, 1 exploitation, 2 bonus, 3, 4. */
export function phaseSlot(phase: Phase, bonus: boolean): number {
  return phase === 1 ? 0 : phase === 2 ? (bonus ? 2 : 1) : phase;
}

/**
 * Recorded (or synthetic) mode: the delegation read from the provider's tables.
 *
 * @param out Filled in place.
 * @param p The provider's tables.
 * @param k The table index `model * length + position`.
 * @param task The task id at that position.
 */
export function recordedDelegation(out: Served, p: ProviderTables, k: number, task: number): void {
  out.task = task;
  out.reward = p.reward[k];
  out.price = p.price[k];
  out.cost = p.cost[k];
  out.utility = p.utility[k];
  out.providerUtility = p.providerUtility[k];
  out.input = p.input[k];
  out.output = p.output[k];
}

/**
 * Live mode: the delegation priced from the served model's real outcome.
 *
 * @param out Filled in place.
 * @param p The provider's tables (for its prices and eta).
 * @param j The served model's index.
 * @param o The outcome of the call.
 * @param rewardScale The config's `reward_scale`.
 */
export function liveDelegation(
  out: Served,
  p: ProviderTables,
  j: number,
  o: LiveOutcome,
  rewardScale: number,
): void {
  out.task = o.task;
  out.input = o.input;
  out.output = o.output;
  out.reward = o.score * rewardScale;
  out.price = billedPrice(o.input, o.output, p.prices[p.bestModel]);
  out.cost = servedCost(o.input, o.output, p.prices[j], p.eta);
  out.utility = out.reward - out.price;
  out.providerUtility = p.eta * out.price - out.cost;
}

/**
 * Books a delegation of provider `i` with model `j`: its running sums, the phase count, and a
 * substitution when `j` is not its best model. The gain is the provider utility over what its
 * best model would have given on the same task (live: the cost saved on the same tokens); the
 * user's loss is known only from the tables (`kBest`, the best model's index; `-1` live).
 */
export function bookDelegation(
  m: Mechanism,
  i: number,
  j: number,
  slot: number,
  o: Served,
  p: ProviderTables,
  kBest: number,
): void {
  const s = m.sums;
  s.n[i]++;
  s.reward[i] += o.reward;
  s.utility[i] += o.utility;
  s.price[i] += o.price;
  s.cost[i] += o.cost;
  s.providerUtility[i] += o.providerUtility;
  s.prompt[i] += o.input;
  s.completion[i] += o.output;
  s.phaseCounts[slot] += 1;
  if (j === p.bestModel) return;
  s.subs[5 * i + slot] += 1;
  if (kBest < 0) {
    // the same tokens, billed alike: the gain is the cost saved
    s.subGain[i] += servedCost(o.input, o.output, p.prices[p.bestModel], p.eta) - o.cost;
  } else {
    s.subGain[i] += o.providerUtility - p.providerUtility[kBest];
    s.subLoss[i] += p.utility[kBest] - o.utility;
  }
}

/** The logged record of a delegation served at `time`. */
export function delegationRecord(
  time: number,
  phase: Phase,
  bonus: boolean,
  provider: AgentId,
  i: number,
  model: string,
  o: Served,
): DelegationRecord {
  return {
    time,
    phase,
    bonus,
    provider,
    provider_id: i + 1,
    model,
    task: o.task,
    price: o.price,
    cost: o.cost,
    reward: o.reward,
    prompt_tokens: o.input,
    completion_tokens: o.output,
    user_utility: o.utility,
    provider_utility: o.providerUtility,
  };
}
