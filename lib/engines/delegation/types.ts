/**
 * The delegation game's data shapes, below every rule file: what a delegation records, what a
 * provider observes, the mechanism's exploration figures, the serialisable state, and the
 * lookup tables. It imports no other file of the engine but `accounting.ts` (for a type), so
 * the strategies, the phase files and the engine can all read it without import circles.
 *
 * @example
 * ```ts
 * import { PHASE_NAMES, type Phase } from "./types.ts";
 * const p: Phase = 2;
 * console.log(PHASE_NAMES[p]); // exploitation
 * ```
 * @module
 */
import type { AgentId } from "../../core/game.ts";
import type { UnitPrices } from "./accounting.ts";
import type { EarlyStopWindow } from "./early_stop.ts";
import type { RunStream, RunStreamState } from "./python_random.ts";

/** The phases: 1 exploration, 2 exploitation (incl. bonus), 3 incentive, 4 utility-based. */
export type Phase = 1 | 2 | 3 | 4;

/** The names of the phases, indexed by phase number. */
export const PHASE_NAMES = ["", "exploration", "exploitation", "incentive", "utility_based"];

/**
 * The phase slots, in order: the phases with the exploitation bonus apart. The paper's three
 * phases are exploration (slot 0); exploitation and incentive (slots 1-3); utility-based (4).
 */
export const PHASE_SLOTS = [
  "exploration",
  "exploitation",
  "bonus",
  "incentive",
  "utility_based",
] as const;

/** One delegation, as logged. */
export interface DelegationRecord {
  /** The time step served (0-based). */
  time: number;
  /** The phase it was served in. */
  phase: Phase;
  /** `true` for the exploitation bonus (served as a later phase by the strategies). */
  bonus: boolean;
  /** The provider that served it. */
  provider: AgentId;
  /** 1-based, as in the paper. */
  provider_id: number;
  /** The model actually served. */
  model: string;
  /** The task index served. */
  task: number;
  /** Price billed to the user: the served tokens at the provider's best model's prices ($). */
  price: number;
  /** The provider's cost: `eta` times the served tokens at the served model's prices ($). */
  cost: number;
  /** The task's score times `reward_scale`. */
  reward: number;
  /** Input tokens of the served answer. */
  prompt_tokens: number;
  /** Output tokens of the served answer. */
  completion_tokens: number;
  /** `reward - price`. */
  user_utility: number;
  /** `eta * price - cost`. */
  provider_utility: number;
  /**
   * The markup its dynamic pricing policy set (`price` = list price x markup); absent when
   * the provider's price is fixed (`pricing.ts`).
   */
  markup?: number;
}

/** What a provider sees before serving. */
export interface DelegationObs {
  /** The time step about to be served (0-based); equals the delegations so far. */
  t: number;
  /** Delegations in the whole game (the config's `T`). */
  T: number;
  /** The phase of the delegation about to be served (of the last one when the game is over). */
  phase: Phase;
  /** `true` during the exploitation bonus. */
  bonus: boolean;
  /** Exploitation delegations scheduled (`planned`); 0 before the end of exploration. */
  planned: number;
  /** Second-best phase-1 mean utility; 0 before the end of exploration. */
  secondBestUtility: number;
  /** This provider's reward summed over all its delegations so far. */
  cumulativeReward: number;
  /** This provider's delegations so far. */
  delegations: number;
  /** `true` when this provider is the best one (known after exploration). */
  isBest: boolean;
}

/**
 * What a served model did on a live task (live mode): supplied with
 * {@linkcode DelegationEngine.supplyOutcome} before the step that serves it.
 */
export interface LiveOutcome {
  /** The provider serving and the model it serves (must match the step's action). */
  provider: AgentId;
  /** The model served. */
  model: string;
  /** The task's identifier (its generator seed). */
  task: number;
  /** The evaluator's score in [0, 1]. */
  score: number;
  /** Real token usage of the call. */
  input: number;
  /** Output tokens of the call. */
  output: number;
}

/** Per-step detail: the delegation just served (to the provider that served it). */
export interface DelegationInfo {
  /** The delegation just served, or `null` for the providers that did not serve. */
  delegation: DelegationRecord | null;
}

/** The mechanism's figures fixed at the end of exploration. */
export interface ExplorationResult {
  /** Phase-1 mean reward of each provider. */
  avgRewards: number[];
  /** Phase-1 mean utility (`reward - price`) of each provider. */
  avgUtilities: number[];
  /** 0-based index of the best provider. */
  best: number;
  /** 0-based index of the second-best provider, `-1` with one provider. */
  second: number;
  /** Phase-1 mean utility of the second-best provider. */
  secondBestUtility: number;
  /** `delta1 = -ln(u_min) + 2 + M` (see `parameters.ts`). */
  delta1: number;
  /** `null` stands for minus infinity (JSON has no infinities). */
  delta2: number | null;
  /** The exploitation budget `max(0, T - (max(delta1, delta2) + 3) * B * K)`. */
  R2: number;
  /** Exploitation delegations scheduled: `floor(min(R2, T - t))`. */
  planned: number;
  /** The early-stop threshold `secondBestUtility - M`. */
  threshold: number;
}

/** Per-provider running figures (arrays indexed by provider). */
export interface ProviderSums {
  /** Delegations served. */
  delegations: number[];
  /** Sum of rewards. */
  reward: number[];
  /** Sum of user utilities (`reward - price`). */
  utility: number[];
  /** Sum of billed prices. */
  price: number[];
  /** Sum of costs. */
  cost: number[];
  /** Sum of provider utilities (`eta * price - cost`). */
  providerUtility: number[];
  /** Sum of input tokens. */
  promptTokens: number[];
  /** Sum of output tokens. */
  completionTokens: number[];
}

/** The whole mutable state, plain JSON. */
export interface DelegationState {
  /** Delegations so far = the next time step. */
  t: number;
  /** Phase of the next delegation; 5 when the game is over. */
  phase: number;
  /** Provider index of the current block (phases 1, 3, 4). */
  cursor: number;
  /** Delegations left in the current block. */
  left: number;
  /** Phase 2: 0 main, 1 bonus. Phase 4: 0 guaranteed blocks, 1 the drawn extra block. */
  block: number;
  /** Provider to act next, `-1` when the game is over. */
  actor: number;
  /** The run stream's state. */
  stream: RunStreamState;
  /** Per-provider running sums. */
  sums: ProviderSums;
  /** Delegations per phase: exploration, exploitation, bonus, incentive, utility-based. */
  phaseCounts: number[];
  /**
   * Delegations served with a model other than the provider's best, per provider and phase
   * slot (exploration, exploitation, bonus, incentive, utility-based): index `5 * i + slot`.
   */
  substitutions: number[];
  /**
   * Per provider: provider utility gained by substituting, summed over its substitutions
   * (its utility minus what its best model would have given on the same task).
   */
  substitutionGain?: number[];
  /**
   * Per provider: user utility lost to substitution, summed (what the best model would
   * have given the user on the same task minus what it got); not known in live mode (0).
   */
  substitutionLoss?: number[];
  /** The dynamic pricing policies' history (absent when every price is fixed). */
  pricing?: {
    /** Per provider: the step of its last delegation, `-1` before its first. */
    last: number[];
    /** Per provider: its delegations in a row up to its last one. */
    streak: number[];
    /** Per provider: times the user came back to it after choosing another provider. */
    passes: number[];
    /** Per provider: the markup of its last delegation (1 before its first). */
    markup: number[];
  };
  /** The mechanism's figures fixed at the end of exploration (`null` before). */
  exploration: ExplorationResult | null;
  /**
   * Exploitation: delegations made, early stop, the last-B utilities ring (oldest at head),
   * its running sum and the largest |utility| entered (for the rounding margin).
   */
  exploit: {
    count: number;
    stoppedEarly: boolean;
    window: number[];
    head: number;
    sum: number;
    maxAbs: number;
  };
  /** Phase 4: the current provider's fraction and every draw made so far (at most K). */
  utilityBased: { fraction: number; draws: { provider: number; u: number; won: boolean }[] };
  /** The last delegation served (`null` after reset). */
  last: DelegationRecord | null;
  /** Records seed when records are synthetic (they are rebuilt from it). */
  seed: number;
}

/** One provider's tables; arrays are indexed `model * length + position`. */
export interface ProviderTables {
  /** The provider's name. */
  name: string;
  /** Its models, in config order. */
  models: readonly string[];
  /** Its eta: cost = eta * tokens priced at the served model. */
  eta: number;
  /** Unit prices ($ per token) of each model. */
  prices: readonly UnitPrices[];
  /** Index of the best (most expensive) model. */
  bestModel: number;
  /** Index of the cheapest model. */
  cheapestModel: number;
  /** Reward of each (model, position): score times `reward_scale`. */
  reward: Float64Array;
  /** Price billed to the user: the served tokens at the best model's prices. */
  price: Float64Array;
  /** The provider's cost: `eta` times the served tokens at the served model's prices. */
  cost: Float64Array;
  /** `reward - price`. */
  utility: Float64Array;
  /** `eta * price - cost`. */
  providerUtility: Float64Array;
  /** Input tokens of each (model, position). */
  input: Float64Array;
  /** Output tokens of each (model, position). */
  output: Float64Array;
}

/** Every provider's tables. */
export interface DelegationTables {
  /** Positions in the task order: step `t` uses position `t mod length`. */
  length: number;
  /** One entry per provider, in config order. */
  providers: ProviderTables[];
}

/** Per-provider running figures, indexed by provider (`subs` by `5 * provider + slot`). */
export interface RunningSums {
  /** Delegations served. */
  n: Float64Array;
  /** Sum of rewards. */
  reward: Float64Array;
  /** Sum of user utilities (`reward - price`). */
  utility: Float64Array;
  /** Sum of billed prices. */
  price: Float64Array;
  /** Sum of costs. */
  cost: Float64Array;
  /** Sum of provider utilities. */
  providerUtility: Float64Array;
  /** Sum of input tokens. */
  prompt: Float64Array;
  /** Sum of output tokens. */
  completion: Float64Array;
  /** Delegations per phase slot (exploration, exploitation, bonus, incentive, utility-based). */
  phaseCounts: Float64Array;
  /** Substitutions per provider and phase slot. */
  subs: Float64Array;
  /** Provider utility gained by substituting, per provider. */
  subGain: Float64Array;
  /** User utility lost to substitution, per provider. */
  subLoss: Float64Array;
  /**
   * Per provider and phase slot, {@linkcode PHASE_SUM_FIELDS} fields: delegations, reward,
   * user utility, price, provider utility; index `5 * (5 * i + slot) + field`. Not part of the
   * JSON state (a state of O(K) numbers that all grow would defeat the conformance suite's
   * check that the state does not grow): NaN throughout after a restore past the start.
   */
  byPhase: Float64Array;
}

/** The fields of {@linkcode RunningSums.byPhase}, in order. */
export const PHASE_SUM_FIELDS = [
  "delegations",
  "reward",
  "user_utility",
  "payments",
  "provider_utility",
] as const;

/** The history a dynamic pricing policy reads, per provider (see `pricing.ts`). */
export interface PricingHistory {
  /** The step of its last delegation, `-1` before its first. */
  last: Float64Array;
  /** Its delegations in a row up to its last one. */
  streak: Float64Array;
  /** Times the user came back to it after choosing another provider. */
  passes: Float64Array;
  /** The markup of its last delegation (1 before its first). */
  markup: Float64Array;
}

/** The fixed sizes of a mechanism. */
export interface MechanismSizes {
  /** Providers. */
  readonly K: number;
  /** Delegations in the whole game. */
  readonly T: number;
  /** `B = floor(T^(2 epsilon))`. */
  readonly B: number;
  /** `M = T^(-epsilon) ln(K T)`. */
  readonly M: number;
  /** `true` for the no-mechanism user (exploration, then every task to the best provider). */
  readonly none: boolean;
}

/** The mechanism's mutable state, shared by the phase files. */
export interface Mechanism extends MechanismSizes {
  /** The run's stream (the tie-break and the phase-4 draws). */
  stream: RunStream;
  /** Delegations so far = the next time step. */
  t: number;
  /** Phase of the next delegation; 5 when the game is over. */
  phase: number;
  /** Provider index of the current block (phases 1, 3, 4). */
  cursor: number;
  /** Delegations left in the current block. */
  left: number;
  /** Phase 2: 0 main, 1 bonus. Phase 4: 0 guaranteed blocks, 1 the drawn extra block. */
  block: number;
  /** Provider to act next, `-1` when the game is over. */
  actor: number;
  /** Per-provider running sums. */
  sums: RunningSums;
  /** The figures fixed at the end of exploration (`null` before). */
  exploration: ExplorationResult | null;
  /** The exploitation audit (see `early_stop.ts`). */
  audit: EarlyStopWindow;
  /** Phase 4: the current provider's fractional part `f`. */
  fraction: number;
  /** Phase 4: every draw made so far (at most K). */
  draws: { provider: number; u: number; won: boolean }[];
  /** The dynamic pricing policies' history; `null` when every provider's price is fixed. */
  pricing: PricingHistory | null;
}
