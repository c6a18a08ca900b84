/**
 * The mechanism's state as plain JSON (`DelegationState`, checkpoints and resume) and back.
 * The arrays of the running sums become plain arrays; the early-stop window becomes its
 * utilities, ring head, running sum and largest magnitude; the stream its own state.
 *
 * @example
 * ```ts
 * import { createMechanism } from "./mechanism.ts";
 * import { createStream } from "./python_random.ts";
 * import { mechanismState } from "./state.ts";
 * const m = createMechanism({ K: 2, T: 10, B: 2, M: 1, none: false }, createStream("toolkit", 1));
 * console.log(mechanismState(m, null, 1).sums.delegations); // [0, 0]
 * ```
 * @module
 */
import { streamFromState } from "./python_random.ts";
import type {
  DelegationRecord,
  DelegationState,
  ExplorationResult,
  Mechanism,
  PricingHistory,
} from "./types.ts";

/**
 * The state of `m` as plain JSON.
 *
 * @param m The mechanism.
 * @param last The last delegation served (`null` after reset).
 * @param seed The run's seed.
 * @returns A copy sharing nothing with `m`.
 */
export function mechanismState(
  m: Mechanism,
  last: DelegationRecord | null,
  seed: number,
): DelegationState {
  const s = m.sums, a = m.audit;
  return {
    t: m.t,
    phase: m.phase,
    cursor: m.cursor,
    left: m.left,
    block: m.block,
    actor: m.actor,
    stream: m.stream.getState(),
    sums: {
      delegations: Array.from(s.n),
      reward: Array.from(s.reward),
      utility: Array.from(s.utility),
      price: Array.from(s.price),
      cost: Array.from(s.cost),
      providerUtility: Array.from(s.providerUtility),
      promptTokens: Array.from(s.prompt),
      completionTokens: Array.from(s.completion),
    },
    phaseCounts: Array.from(s.phaseCounts),
    substitutions: Array.from(s.subs),
    substitutionGain: Array.from(s.subGain),
    substitutionLoss: Array.from(s.subLoss),
    ...(m.pricing ? { pricing: pricingState(m.pricing) } : {}),
    exploration: m.exploration ? copyExploration(m.exploration) : null,
    exploit: {
      count: a.count,
      stoppedEarly: a.stopped,
      window: Array.from(a.values),
      head: a.head,
      sum: a.sum,
      maxAbs: a.maxAbs,
    },
    utilityBased: { fraction: m.fraction, draws: m.draws.map((d) => ({ ...d })) },
    last: last ? { ...last } : null,
    seed,
  };
}

/** A copy of the exploration's results (a plain copy: `structuredClone` costs more). */
function copyExploration(e: ExplorationResult): ExplorationResult {
  return { ...e, avgRewards: e.avgRewards.slice(), avgUtilities: e.avgUtilities.slice() };
}

/** The pricing history as plain arrays. */
function pricingState(h: PricingHistory): NonNullable<DelegationState["pricing"]> {
  return {
    last: Array.from(h.last),
    streak: Array.from(h.streak),
    passes: Array.from(h.passes),
    markup: Array.from(h.markup),
  };
}

/**
 * A pricing history for `K` providers, at the start.
 *
 * @param K Providers.
 * @returns The history (nobody served yet, every markup 1).
 */
export function createPricingHistory(K: number): PricingHistory {
  const f = () => new Float64Array(K);
  const h = { last: f(), streak: f(), passes: f(), markup: f() };
  resetPricing(h);
  return h;
}

/** Puts a pricing history back at the start: nobody served yet, every markup 1. */
export function resetPricing(h: PricingHistory): void {
  h.last.fill(-1);
  h.streak.fill(0);
  h.passes.fill(0);
  h.markup.fill(1);
}

/** Restores the running sums (older states may lack the substitution arrays). */
function restoreSums(m: Mechanism, st: DelegationState): void {
  const s = m.sums, x = st.sums;
  s.n.set(x.delegations);
  s.reward.set(x.reward);
  s.utility.set(x.utility);
  s.price.set(x.price);
  s.cost.set(x.cost);
  s.providerUtility.set(x.providerUtility);
  s.prompt.set(x.promptTokens);
  s.completion.set(x.completionTokens);
  s.phaseCounts.set(st.phaseCounts);
  s.subs.fill(0);
  if (st.substitutions) s.subs.set(st.substitutions);
  s.subGain.fill(0);
  s.subLoss.fill(0);
  if (st.substitutionGain) s.subGain.set(st.substitutionGain);
  if (st.substitutionLoss) s.subLoss.set(st.substitutionLoss);
  // the per-phase sums are not in the state: unknown past the start (NaN), not zero
  s.byPhase.fill(st.t > 0 ? NaN : 0);
}

/** Restores the pricing history (a state without one: nobody priced dynamically yet). */
function restorePricing(h: PricingHistory, st: DelegationState): void {
  const p = st.pricing;
  if (!p) {
    if (st.t > 0) {
      throw new RangeError(
        "Cannot restore delegation state: it has no pricing history but the config prices dynamically",
      );
    }
    return resetPricing(h);
  }
  h.last.set(p.last);
  h.streak.set(p.streak);
  h.passes.set(p.passes);
  h.markup.set(p.markup);
}

/**
 * Restores {@linkcode mechanismState} into `m` (the stream in place when it is of the same
 * kind, so a stream shared with the study stays shared).
 *
 * @param m The mechanism (overwritten).
 * @param st A state of the same game.
 */
export function restoreMechanism(m: Mechanism, st: DelegationState): void {
  m.t = st.t;
  m.phase = st.phase;
  m.cursor = st.cursor;
  m.left = st.left;
  m.block = st.block;
  m.actor = st.actor;
  if (m.stream.kind === st.stream.kind) m.stream.setState(st.stream);
  else m.stream = streamFromState(st.stream);
  restoreSums(m, st);
  if (m.pricing) restorePricing(m.pricing, st);
  m.exploration = st.exploration ? structuredClone(st.exploration) : null;
  const e = st.exploit;
  m.audit = {
    count: e.count,
    stopped: e.stoppedEarly,
    values: Float64Array.from(e.window),
    scratch: new Float64Array(e.window.length),
    head: e.head,
    sum: e.sum,
    maxAbs: e.maxAbs,
  };
  m.fraction = st.utilityBased.fraction;
  m.draws = st.utilityBased.draws.map((d) => ({ ...d }));
}

/**
 * Puts `m` back at `t = 0` with `stream` (the sums zeroed, no exploration, audit closed).
 *
 * @param m The mechanism (overwritten).
 * @param stream The run's stream.
 */
export function resetMechanism(m: Mechanism, stream: Mechanism["stream"]): void {
  m.stream = stream;
  m.t = 0;
  m.phase = 1;
  m.cursor = -1;
  m.left = 0;
  m.block = 0;
  m.actor = -1;
  for (const a of Object.values(m.sums)) (a as Float64Array).fill(0);
  m.exploration = null;
  m.audit = {
    count: 0,
    stopped: false,
    values: new Float64Array(0),
    scratch: m.audit.scratch,
    head: 0,
    sum: 0,
    maxAbs: 0,
  };
  m.fraction = 0;
  m.draws = [];
  if (m.pricing) resetPricing(m.pricing);
}
