/**
 * The result of a delegation run, computed from the engine's final state alone (no
 * per-step log): the SPEC's result names, per-provider stats keyed by the 1-based provider
 * id of the paper's table, and the mechanism's parameters.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { DelegationEngine } from "./engine.ts";
 * import { delegationSummary } from "./summary.ts";
 * const config = parseDelegationConfig({ T: 200 });
 * const engine = new DelegationEngine(config);
 * engine.reset({ seed: 3 });
 * while (!engine.isDone()) {
 *   const [p] = engine.liveAgents();
 *   engine.step({ [p]: engine.fallbackAction(p) });
 * }
 * const s = delegationSummary(config, engine.getState(), engine.phaseSums);
 * console.log(s.total_delegations === engine.round, s.per_phase!.exploration.delegations > 0);
 * // true true
 * ```
 * @module
 */
import type { DelegationConfig } from "./config.ts";
import { isDynamicPricing } from "./pricing.ts";
import { phaseSlot } from "./serve.ts";
import { type Phase, PHASE_SLOTS } from "./types.ts";
import type { DelegationState } from "./engine.ts";
import { explorationBlock, mechanismM } from "./parameters.ts";

/** One provider's figures over the run. */
export interface ProviderStats {
  /** The provider's name. */
  name: string;
  /** Delegations it served. */
  delegations: number;
  /** Sum of billed prices. */
  total_price: number;
  /** Sum of costs. */
  total_cost: number;
  /** `eta * total_price - total_cost`. */
  provider_utility: number;
  /** Sum of the rewards of its delegations. */
  total_reward: number;
  /** `total_reward / delegations` (0 without delegations). */
  avg_reward: number;
  /** Sum of `reward - price` over its delegations. */
  user_utility: number;
  /** Input tokens of its served answers. */
  prompt_tokens: number;
  /** Output tokens of its served answers. */
  completion_tokens: number;
  /** `prompt_tokens + completion_tokens`. */
  total_tokens: number;
  /** Delegations served with a model other than its best (model substitution). */
  substitutions: number;
  /** The same per phase slot. */
  substitutions_per_phase: PhaseCounts;
  /**
   * Provider utility gained by substituting: its utility minus what serving its best model
   * on the same tasks would have given (0 for an honest provider).
   */
  substitution_gain: number;
  /**
   * User utility lost to substitution: what the best model would have given the user on the
   * same tasks minus what it got; `null` in live mode (the best model's score is not known).
   */
  user_utility_lost: number | null;
}

/** Counts per phase slot (the exploitation bonus apart). */
export interface PhaseCounts {
  /** Delegations in the exploration phase. */
  exploration: number;
  /** Delegations in the main exploitation phase. */
  exploitation: number;
  /** Delegations in the exploitation bonus. */
  bonus: number;
  /** Delegations in the incentive phase. */
  incentive: number;
  /** Delegations in the utility-based phase. */
  utility_based: number;
}

export { PHASE_SLOTS };

/**
 * The phase slot's name of a delegation (`exploration`, `exploitation`, `bonus`, ...).
 *
 * @example
 * ```ts
 * import { phaseSlotName } from "./summary.ts";
 * console.log(phaseSlotName(2, true), phaseSlotName(4, false)); // bonus utility_based
 * ```
 */
export function phaseSlotName(phase: Phase, bonus: boolean): (typeof PHASE_SLOTS)[number] {
  return PHASE_SLOTS[phaseSlot(phase, bonus)];
}

/** One phase's figures, for one provider or for all. */
export interface PhaseFigures {
  /** Delegations made in the phase. */
  delegations: number;
  /** Sum of their rewards. */
  total_reward: number;
  /** `total_reward / delegations` (`null` without delegations: no mean). */
  mean_reward: number | null;
  /** Sum of the user's utilities (`reward - price`). */
  total_user_utility: number;
  /** `total_user_utility / delegations` (`null` without delegations: no mean). */
  mean_user_utility: number | null;
  /** What the user paid: the sum of billed prices. */
  payments: number;
  /** Sum of provider utilities (`eta * price - cost`). */
  provider_utility: number;
}

/** One phase's figures over every provider, and per provider by 1-based id. */
export interface PhaseBlock extends PhaseFigures {
  /** Each provider's figures in the phase, by 1-based id. */
  providers: Record<string, PhaseFigures>;
}

/** The pricing the providers played (`pricing.ts`). */
export interface PricingView {
  /** `true` when some provider's price depends on time or history. */
  dynamic: boolean;
  /**
   * `true` when the run is outside the paper's assumptions: its guarantees take every
   * provider's price as fixed, so the verdicts of such a run are not the paper's.
   */
  outside_paper_assumptions: boolean;
  /** Each provider's policy name by 1-based id (`fixed` when the config gives none). */
  policies: Record<string, string>;
}

/** The verdict fields of a summary (`"inconclusive"` in `summary.json` of an invalid run). */
export const DELEGATION_VERDICTS = [
  "stopped_early",
  "best_provider_honest",
  "substitution_detected",
] as const;

/** The summary of a run. */
export interface DelegationSummary {
  /** The config's `T`: delegations the game lasts. */
  total_time: number;
  /** Delegations served (equals `total_time` for a finished run). */
  total_delegations: number;
  /** 1-based; `null` when exploration did not finish (cannot happen for `T >= 1`). */
  best_provider_id: number | null;
  /** 1-based; `null` with one provider or when exploration did not finish. */
  second_best_provider_id: number | null;
  /** Phase-1 mean reward per provider id. */
  avg_rewards: Record<string, number>;
  /** Phase-1 mean utility per provider id. */
  avg_utilities: Record<string, number>;
  /** Each provider's figures, by 1-based id. */
  provider_stats: Record<string, ProviderStats>;
  /** Sum of user utilities (`reward - price`) over all delegations. */
  total_user_utility: number;
  /** Sum of provider utilities over all delegations. */
  total_provider_utility: number;
  /** Sum of rewards over all delegations. */
  total_reward: number;
  /** The early-stop window `B = floor(T^(2 epsilon))`. */
  B: number;
  /** The margin `M = T^(-epsilon) ln(K T)`. */
  M: number;
  /** `delta1 = -ln(u_min) + 2 + M`; `null` before the end of exploration. */
  delta1: number | null;
  /** `null` for minus infinity (best mean utility <= 0). */
  delta2: number | null;
  /** The exploitation budget; `null` before the end of exploration. */
  R2: number | null;
  /** Exploitation delegations scheduled; `null` before the end of exploration. */
  planned: number | null;
  /** Phase-1 mean utility of the second-best provider; `null` before the end of exploration. */
  second_best_utility: number | null;
  /** The early-stop threshold `second_best_utility - M`; `null` before the end of exploration. */
  threshold: number | null;
  /** Verdict: the exploitation phase stopped early (the best provider's recent utility fell). */
  stopped_early: boolean;
  /** Verdict: the best provider served its best model at every one of its delegations. */
  best_provider_honest: boolean | null;
  /** The best provider substituted a cheaper model during (main) exploitation. */
  best_provider_substituted: boolean | null;
  /**
   * Verdict: the best provider substituted during exploitation and the mechanism stopped
   * exploitation early (it caught the substitution through the utility drop).
   */
  substitution_detected: boolean | null;
  /** Share of all delegations served with a model other than the provider's best. */
  substitution_rate: number;
  /** Delegations per phase slot. */
  delegations_per_phase: PhaseCounts;
  /** The utility-based phase's draws: provider id, the uniform draw, won the extra block. */
  utility_based_draws: { provider_id: number; u: number; won: boolean }[];
  /**
   * Per phase slot: delegations, mean reward, mean user utility, payments and provider
   * utility, in total and per provider (booked by the engine as the run goes, or tallied from
   * the decision rows of a resumed run). `null` when they are not known: no per-phase sums
   * were given (a resumed run that logged no rows).
   */
  per_phase: Record<(typeof PHASE_SLOTS)[number], PhaseBlock> | null;
  /** The providers' pricing policies and whether the run is within the paper's assumptions. */
  pricing: PricingView;
}

/** Provider `i`'s figures from the state's running sums. */
function providerStats(config: DelegationConfig, state: DelegationState, i: number): ProviderStats {
  const p = config.providers[i];
  const s = state.sums;
  const n = s.delegations[i];
  const subs = state.substitutions ?? [];
  const perPhase = Object.fromEntries(
    PHASE_SLOTS.map((k, q) => [k, subs[5 * i + q] ?? 0]),
  ) as unknown as PhaseCounts;
  return {
    name: p.name,
    delegations: n,
    total_price: s.price[i],
    total_cost: s.cost[i],
    provider_utility: p.eta * s.price[i] - s.cost[i],
    total_reward: s.reward[i],
    avg_reward: n > 0 ? s.reward[i] / n : 0,
    user_utility: s.utility[i],
    prompt_tokens: s.promptTokens[i],
    completion_tokens: s.completionTokens[i],
    total_tokens: s.promptTokens[i] + s.completionTokens[i],
    substitutions: PHASE_SLOTS.reduce((a, k) => a + perPhase[k], 0),
    substitutions_per_phase: perPhase,
    substitution_gain: state.substitutionGain?.[i] ?? 0,
    user_utility_lost: config.records.mode === "live" ? null : state.substitutionLoss?.[i] ?? 0,
  };
}

/** Figures from sums: delegations, reward, user utility, payments, provider utility. */
function phaseFigures(n: number, reward: number, utility: number, price: number, pu: number) {
  return {
    delegations: n,
    total_reward: reward,
    mean_reward: n > 0 ? reward / n : null,
    total_user_utility: utility,
    mean_user_utility: n > 0 ? utility / n : null,
    payments: price,
    provider_utility: pu,
  };
}

/**
 * The per-phase figures from the per-phase sums (`DelegationEngine.phaseSums`); `null` when
 * they are not known.
 */
function perPhase(
  K: number,
  b: ArrayLike<number> | null | undefined,
): DelegationSummary["per_phase"] {
  if (!b || b.length !== 25 * K || Number.isNaN(b[0])) return null;
  const out = {} as Record<(typeof PHASE_SLOTS)[number], PhaseBlock>;
  PHASE_SLOTS.forEach((slot, q) => {
    const tot = [0, 0, 0, 0, 0];
    const providers: Record<string, PhaseFigures> = {};
    for (let i = 0; i < K; i++) {
      const o = 5 * (5 * i + q);
      for (let f = 0; f < 5; f++) tot[f] += b[o + f];
      providers[String(i + 1)] = phaseFigures(b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4]);
    }
    out[slot] = { ...phaseFigures(tot[0], tot[1], tot[2], tot[3], tot[4]), providers };
  });
  return out;
}

/** The pricing block: each provider's policy and whether any is dynamic. */
export function pricingView(config: DelegationConfig): PricingView {
  const dynamic = config.providers.some((p) => isDynamicPricing(p.pricing));
  return {
    dynamic,
    outside_paper_assumptions: dynamic,
    policies: Object.fromEntries(
      config.providers.map((p, i) => [String(i + 1), p.pricing?.policy ?? "fixed"]),
    ),
  };
}

/** The figures fixed at the end of exploration (`null` each before it). */
function explorationFigures(ex: DelegationState["exploration"]) {
  const byId = (xs: readonly number[] | undefined) =>
    Object.fromEntries((xs ?? []).map((x, i) => [String(i + 1), x]));
  return {
    best_provider_id: ex ? ex.best + 1 : null,
    second_best_provider_id: ex && ex.second >= 0 ? ex.second + 1 : null,
    avg_rewards: byId(ex?.avgRewards),
    avg_utilities: byId(ex?.avgUtilities),
  };
}

/**
 * Summarises a run from its config and final (or any) engine state.
 *
 * @param config The run's parsed config.
 * @param state `engine.getState()`.
 * @param phaseSums The per-phase sums (`engine.phaseSums`, or tallied from the rows with
 * `PhaseTally`); without them `per_phase` is `null`.
 * @returns The summary.
 */
export function delegationSummary(
  config: DelegationConfig,
  state: DelegationState,
  phaseSums?: ArrayLike<number> | null,
): DelegationSummary {
  const K = config.providers.length;
  const ex = state.exploration;
  const provider_stats: Record<string, ProviderStats> = {};
  let totalUser = 0, totalProvider = 0, totalReward = 0, totalSubs = 0;
  for (let i = 0; i < K; i++) {
    const st = providerStats(config, state, i);
    provider_stats[String(i + 1)] = st;
    totalSubs += st.substitutions;
    totalUser += state.sums.utility[i];
    totalProvider += st.provider_utility;
    totalReward += state.sums.reward[i];
  }
  const [exploration, exploitation, bonus, incentive, utility_based] = state.phaseCounts;
  const best = ex ? provider_stats[String(ex.best + 1)] : undefined;
  const bestSubstituted = best ? best.substitutions_per_phase.exploitation > 0 : null;
  const { best_provider_id, second_best_provider_id, avg_rewards, avg_utilities } =
    explorationFigures(ex);
  return {
    total_time: config.T,
    total_delegations: state.t,
    best_provider_id,
    second_best_provider_id,
    avg_rewards,
    avg_utilities,
    provider_stats,
    total_user_utility: totalUser,
    total_provider_utility: totalProvider,
    total_reward: totalReward,
    B: explorationBlock(config.T, config.epsilon),
    M: mechanismM(config.T, K, config.epsilon),
    delta1: ex ? ex.delta1 : null,
    delta2: ex ? ex.delta2 : null,
    R2: ex ? ex.R2 : null,
    planned: ex ? ex.planned : null,
    second_best_utility: ex ? ex.secondBestUtility : null,
    threshold: ex ? ex.threshold : null,
    stopped_early: state.exploit.stoppedEarly,
    best_provider_honest: best ? best.substitutions === 0 : null,
    best_provider_substituted: bestSubstituted,
    substitution_detected: bestSubstituted === null
      ? null
      : bestSubstituted && state.exploit.stoppedEarly,
    substitution_rate: state.t > 0 ? totalSubs / state.t : 0,
    delegations_per_phase: { exploration, exploitation, bonus, incentive, utility_based },
    utility_based_draws: state.utilityBased.draws.map((d) => ({
      provider_id: d.provider + 1,
      u: d.u,
      won: d.won,
    })),
    per_phase: perPhase(K, phaseSums),
    pricing: pricingView(config),
  };
}
