/**
 * The rules of the blockchain CPD game as pure functions, one per rule.
 *
 * Participants are indexed miners `0..n-1`, then the honest group at index `n`, which always
 * plays `[1, 0, 0]`. Arrays of actions, efficiencies and hash powers use that order.
 *
 * @example
 * ```ts
 * import { normalizeAction, payoff, updateEfficiencies } from "./rules.ts";
 * const actions = [normalizeAction([2, 1, 1]).action, [1, 0, 0] as [number, number, number]];
 * const params = { R: 10, beta: 1.5, lambda: 2, kappa: 0.2, gamma: 0.05, eta_min: 0.1 };
 * console.log(payoff(0, actions, [1, 1], [0.6, 0.4], params)); // 5.375
 * console.log(updateEfficiencies([1, 1], actions, params)); // [1, 1]
 * ```
 * @module
 */

/** A point of the simplex: shares of constructive, parasitic and destructive effort. */
export type Cpd = [c: number, p: number, d: number];

/** The action of the honest group, and the fallback of an unusable action. */
export const HONEST_ACTION: Readonly<Cpd> = Object.freeze([1, 0, 0]) as Readonly<Cpd>;

/** The parameters of {@linkcode payoff}. */
export interface PayoffParams {
  /** Block reward per round. */
  R: number;
  /** Convexity of the parasitic gain. */
  beta: number;
  /** Quadratic cost of destruction. */
  lambda: number;
}

/** The parameters of {@linkcode updateEfficiencies}. */
export interface EfficiencyParams {
  /** Efficiency lost per unit of rivals' destruction. */
  kappa: number;
  /** Efficiency recovered per round. */
  gamma: number;
  /** Efficiency floor. */
  eta_min: number;
}

/** What {@linkcode normalizeAction} returns. */
export interface NormalizedAction {
  /** The action on the simplex. */
  action: Cpd;
  /** `true` when the raw value was unusable and `[1, 0, 0]` was used instead. */
  fallback: boolean;
}

/**
 * Projects a raw `[c, p, d]` onto the simplex: negative, non-finite and non-number entries
 * become 0, then the vector is divided by its sum. A sum of 0, a value that is not an array
 * or an array whose length is not 3 gives the fallback `[1, 0, 0]`.
 *
 * @param raw Whatever the agent produced.
 * @returns The action and whether the fallback was used.
 *
 * @example
 * ```ts
 * import { normalizeAction } from "./rules.ts";
 * console.log(normalizeAction([2, -1, 2])); // { action: [0.5, 0, 0.5], fallback: false }
 * console.log(normalizeAction([0, 0, 0])); // { action: [1, 0, 0], fallback: true }
 * ```
 */
export function normalizeAction(raw: number[] | unknown): NormalizedAction {
  if (!Array.isArray(raw) || raw.length !== 3) return { action: [1, 0, 0], fallback: true };
  const v = raw.map((x) => typeof x === "number" && Number.isFinite(x) && x > 0 ? x : 0);
  const sum = v[0] + v[1] + v[2];
  if (!(sum > 0) || !Number.isFinite(sum)) return { action: [1, 0, 0], fallback: true };
  return { action: [v[0] / sum, v[1] / sum, v[2] / sum], fallback: false };
}

/**
 * The mean efficiency of every participant other than `i` (honest group included):
 * `mean_{j != i} eta_j`. With a single participant it is 0.
 *
 * @param etas Efficiencies of all participants.
 * @param i The participant left out.
 * @returns The mean of the others.
 */
export function meanOtherEfficiency(etas: readonly number[], i: number): number {
  if (etas.length < 2) return 0;
  let sum = 0;
  for (let j = 0; j < etas.length; j++) if (j !== i) sum += etas[j];
  return sum / (etas.length - 1);
}

/**
 * The payoff of one action against a given mean opponent efficiency `m`:
 * `R * alpha * c + R * p * m^beta - lambda * d^2`.
 *
 * @param action The normalised action `[c, p, d]`.
 * @param alpha The player's hash power.
 * @param m The mean efficiency of the player's opponents at the start of the round.
 * @param params `R`, `beta`, `lambda`.
 * @returns The payoff.
 */
export function actionPayoff(
  action: readonly number[],
  alpha: number,
  m: number,
  params: PayoffParams,
): number {
  const [c, p, d] = action;
  return params.R * alpha * c + params.R * p * m ** params.beta - params.lambda * d ** 2;
}

/**
 * The payoff of participant `i` in a round, from the efficiencies at the *start* of the round:
 *
 *     U_i = R * alpha_i * c_i + R * p_i * (mean_{j != i} eta_j)^beta - lambda * d_i^2
 *
 * where the mean runs over all other participants including the honest group.
 *
 * @param i The participant (miners `0..n-1`, honest group `n`).
 * @param actions Normalised actions of all participants.
 * @param etas Efficiencies of all participants at the start of the round.
 * @param alphas Hash powers of all participants.
 * @param params `R`, `beta`, `lambda`.
 * @returns `U_i`.
 *
 * @example
 * ```ts
 * import { payoff } from "./rules.ts";
 * const params = { R: 10, beta: 1.5, lambda: 2 };
 * // 10*0.5*0.5 + 10*0.5*1^1.5 - 0 = 7.5
 * console.log(payoff(0, [[0.5, 0.5, 0], [1, 0, 0]], [1, 1], [0.5, 0.5], params)); // 7.5
 * ```
 */
export function payoff(
  i: number,
  actions: readonly (readonly number[])[],
  etas: readonly number[],
  alphas: readonly number[],
  params: PayoffParams,
): number {
  return actionPayoff(actions[i], alphas[i], meanOtherEfficiency(etas, i), params);
}

/**
 * Updates every participant's efficiency after the payoffs of a round:
 *
 *     eta_j <- clamp(eta_j - kappa * sum_{k != j} d_k + gamma, eta_min, 1)
 *
 * @param etas Efficiencies at the start of the round.
 * @param actions Normalised actions of all participants in the round.
 * @param params `kappa`, `gamma`, `eta_min`.
 * @returns The new efficiencies (a new array).
 *
 * @example
 * ```ts
 * import { updateEfficiencies } from "./rules.ts";
 * const params = { kappa: 0.2, gamma: 0.05, eta_min: 0.1 };
 * // participant 1: 1 - 0.2 * 0.5 + 0.05 = 0.95; participant 0 sees no attack: min(1, 1.05)
 * // prints [1, 0.9500000000000001]
 * console.log(updateEfficiencies([1, 1], [[0.5, 0, 0.5], [1, 0, 0]], params));
 * ```
 */
export function updateEfficiencies(
  etas: readonly number[],
  actions: readonly (readonly number[])[],
  params: EfficiencyParams,
): number[] {
  return etas.map((eta, j) => {
    let attack = 0;
    for (let k = 0; k < actions.length; k++) if (k !== j) attack += actions[k][2];
    const next = eta - params.kappa * attack + params.gamma;
    return Math.min(1, Math.max(params.eta_min, next));
  });
}
