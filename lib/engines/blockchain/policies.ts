/**
 * Scripted miners for the blockchain CPD game: baselines and opponents for LLM miners.
 *
 * Every policy takes its own {@linkcode Rng} stream (derive one per agent) and exposes its
 * state, RNG included, through `getState`/`setState`.
 *
 * @example
 * ```ts
 * import { Rng } from "../../core/rng.ts";
 * import { parseBlockchainConfig } from "./config.ts";
 * import { createPolicy } from "./policies.ts";
 * const config = parseBlockchainConfig({});
 * const agent = createPolicy("random", { rng: new Rng(1).derive("miner_a"), config, index: 0 });
 * console.log(agent.name, agent.kind); // miner_a policy:random
 * ```
 * @module
 */
import type { Agent, Decision, DecisionContext } from "../../agents/agent.ts";
import type { AgentId } from "../../core/game.ts";
import { Rng, type RngState } from "../../core/rng.ts";
import type { BlockchainConfig } from "./config.ts";
import type { BlockchainAction, BlockchainInfo, BlockchainObs } from "./engine.ts";
import { actionPayoff, type Cpd, type PayoffParams } from "./rules.ts";
import { stageBestResponse } from "./best_response.ts";

/** An agent that plays the blockchain game. */
export type BlockchainAgent = Agent<BlockchainObs, BlockchainInfo, BlockchainAction>;

/** What a blockchain policy is asked to decide on. */
export type BlockchainContext = DecisionContext<BlockchainObs, BlockchainInfo>;

/** The names {@linkcode createPolicy} accepts. */
export const POLICY_NAMES = [
  "honest",
  "random",
  "greedy",
  "best_response",
  "tit_for_tat",
  "adaptive",
  "replay",
] as const;

/** A policy name. */
export type PolicyName = typeof POLICY_NAMES[number];

/**
 * Every point of the simplex whose coordinates are multiples of `step`, construction-heavy
 * points first (`[1, 0, 0]`, `[1 - step, step, 0]`, ...). `step = 0.1` gives 66 points.
 *
 * @param step The grid spacing; `1 / step` must be a whole number.
 * @returns The grid points.
 *
 * @example
 * ```ts
 * import { simplexGrid } from "./policies.ts";
 * console.log(simplexGrid(0.5)); // [[1,0,0],[0.5,0.5,0],[0.5,0,0.5],[0,1,0],[0,0.5,0.5],[0,0,1]]
 * ```
 */
export function simplexGrid(step: number): Cpd[] {
  const k = Math.round(1 / step);
  if (!(k >= 1) || Math.abs(k * step - 1) > 1e-9) {
    throw new RangeError(`Cannot build simplex grid: 1/step must be a whole number, got ${step}`);
  }
  const out: Cpd[] = [];
  for (let i = k; i >= 0; i--) {
    for (let j = k - i; j >= 0; j--) out.push([i / k, j / k, (k - i - j) / k]);
  }
  return out;
}

function decision(action: Cpd, thought?: string): Promise<Decision<BlockchainAction>> {
  return Promise.resolve({ action: [...action], ...(thought ? { thought } : {}) });
}

function stateObject(state: unknown, kind: string): Record<string, unknown> {
  if (typeof state !== "object" || state === null || !("rng" in state)) {
    throw new TypeError(`Cannot set state of ${kind}: expected an object with 'rng'`);
  }
  return state as Record<string, unknown>;
}

/**
 * The shared plumbing of the policies: name, kind `policy:<name>` and the RNG stream, kept
 * in the state. Extend it to write a new policy.
 */
export abstract class PolicyAgent implements BlockchainAgent {
  /** `policy:<name>`. */
  readonly kind: string;
  /** The agent's own stream. */
  protected rng: Rng;

  /**
   * Sets the name, kind and stream.
   *
   * @param name The miner's name.
   * @param policy The policy's name, for `kind`.
   * @param rng The agent's own stream.
   */
  constructor(readonly name: AgentId, policy: string, rng: Rng) {
    this.kind = `policy:${policy}`;
    this.rng = rng;
  }

  /** Decides the action of a round. */
  abstract act(context: BlockchainContext): Promise<Decision<BlockchainAction>>;

  /** The RNG state. */
  getState(): unknown {
    return { rng: this.rng.getState() };
  }

  /** Restores {@linkcode getState}. */
  setState(state: unknown): void {
    this.rng = Rng.fromState(stateObject(state, this.kind).rng as RngState);
  }
}

/** Always `[1, 0, 0]`, like the honest group. */
export class HonestPolicy extends PolicyAgent {
  /**
   * Creates the policy.
   *
   * @param name The miner's name.
   * @param rng Its stream (unused, kept for uniformity).
   */
  constructor(name: AgentId, rng: Rng) {
    super(name, "honest", rng);
  }

  /** Plays `[1, 0, 0]`. */
  act(): Promise<Decision<BlockchainAction>> {
    return decision([1, 0, 0]);
  }
}

/** A uniform draw from the simplex each round: Dirichlet(1, 1, 1). */
export class RandomPolicy extends PolicyAgent {
  /**
   * Creates the policy.
   *
   * @param name The miner's name.
   * @param rng Its stream.
   */
  constructor(name: AgentId, rng: Rng) {
    super(name, "random", rng);
  }

  /** Draws an action. */
  act(): Promise<Decision<BlockchainAction>> {
    return decision(this.rng.dirichlet([1, 1, 1]) as Cpd);
  }
}

/**
 * Myopic best response: the grid point (step 0.05) maximising this round's payoff
 * `R * alpha * c + R * p * m^beta - lambda * d^2`, with `m` the observed mean opponent
 * efficiency (the efficiencies the round starts with). Destruction never pays myopically
 * (its gain, lower rival efficiency, only shows in later rounds), so the answer is `[1, 0, 0]`
 * when `alpha >= m^beta` and `[0, 1, 0]` otherwise; ties go to construction.
 */
export class GreedyPolicy extends PolicyAgent {
  #params: PayoffParams;
  #grid = simplexGrid(0.05);

  /**
   * Creates the policy.
   *
   * @param name The miner's name.
   * @param rng Its stream (unused).
   * @param params `R`, `beta`, `lambda` (a parsed config fits).
   */
  constructor(name: AgentId, rng: Rng, params: PayoffParams) {
    super(name, "greedy", rng);
    this.#params = { R: params.R, beta: params.beta, lambda: params.lambda };
  }

  /** Picks the best grid point for the observed state. */
  act({ observation }: BlockchainContext): Promise<Decision<BlockchainAction>> {
    const { alpha, mean_opponent_efficiency: m } = observation;
    let best = this.#grid[0];
    let bestValue = -Infinity;
    for (const a of this.#grid) {
      const v = actionPayoff(a, alpha, m, this.#params);
      if (v > bestValue + 1e-12) [best, bestValue] = [a, v];
    }
    return decision(best);
  }
}

/**
 * The rational baseline: the exact myopic (stage-game) best response, from
 * {@linkcode stageBestResponse}. It plays `[1, 0, 0]` when `R·alpha >= R·m^beta` and
 * `[0, 1, 0]` otherwise, `m` being the observed mean opponent efficiency at the start of the
 * round.
 *
 * Best response to what: the others' actual actions of the previous round, taken as the best
 * guess of this round's. In this game the guess never matters: the stage payoff depends on
 * the others only through the start-of-round efficiencies, which their earlier actions fixed
 * and which the miner observes, so this is also the best response to the others' actual
 * actions of the current round, and its stage-game regret is zero in every round. Unlike
 * {@linkcode GreedyPolicy} (a grid search) it is exact; both pick the same vertex.
 */
export class BestResponsePolicy extends PolicyAgent {
  #params: PayoffParams;

  /**
   * Creates the policy.
   *
   * @param name The miner's name.
   * @param rng Its stream (unused, kept for uniformity).
   * @param params `R`, `beta`, `lambda` (a parsed config fits).
   */
  constructor(name: AgentId, rng: Rng, params: PayoffParams) {
    super(name, "best_response", rng);
    this.#params = { R: params.R, beta: params.beta, lambda: params.lambda };
  }

  /** Plays the exact best response to the observed state. */
  act({ observation }: BlockchainContext): Promise<Decision<BlockchainAction>> {
    const { alpha, mean_opponent_efficiency: m } = observation;
    return decision(stageBestResponse(alpha, m, this.#params).action);
  }
}

/** The retaliation of {@linkcode TitForTatPolicy}. */
export const RETALIATION: Readonly<Cpd> = Object.freeze([0.5, 0.2, 0.3]) as Readonly<Cpd>;

/**
 * Tit for tat among miners: `[1, 0, 0]` in the first round; if any rival's last action had
 * `d >= 0.15` (an attacker or an opportunist), retaliates with {@linkcode RETALIATION}
 * `[0.5, 0.2, 0.3]` for that round; otherwise mirrors the rivals' mean last `c` and `p`,
 * with no destruction (`[c̄, p̄, 0] / (c̄ + p̄)`). It forgives as soon as rivals stop.
 */
export class TitForTatPolicy extends PolicyAgent {
  /**
   * Creates the policy.
   *
   * @param name The miner's name.
   * @param rng Its stream (unused).
   */
  constructor(name: AgentId, rng: Rng) {
    super(name, "tit_for_tat", rng);
  }

  /** Reacts to the rivals' last actions. */
  act({ info }: BlockchainContext): Promise<Decision<BlockchainAction>> {
    const seen = info.rivals.filter((r) => r.last_action !== null);
    if (seen.length === 0) return decision([1, 0, 0]);
    const attackers = seen.filter((r) => r.last_action![2] >= 0.15).map((r) => r.name);
    if (attackers.length > 0) {
      return decision([...RETALIATION] as Cpd, `retaliating against ${attackers.join(", ")}`);
    }
    const c = seen.reduce((s, r) => s + r.last_action![0], 0) / seen.length;
    const p = seen.reduce((s, r) => s + r.last_action![1], 0) / seen.length;
    return c + p > 0 ? decision([c / (c + p), p / (c + p), 0]) : decision([1, 0, 0]);
  }
}

/** Options of {@linkcode AdaptivePolicy}. */
export interface AdaptiveOptions {
  /** Grid spacing of the simplex. @default 0.1 */
  step?: number;
  /** Hedge learning rate. @default 0.3 */
  learningRate?: number;
}

/**
 * Multiplicative weights (Hedge) over a simplex grid (step 0.1, 66 points) with
 * full-information updates: after each round every grid action `a` gains
 * `learningRate * U(a)` in log-weight, where `U(a)` is the payoff `a` would have earned that
 * round — exact, because a miner's own action does not change its opponents' start-of-round
 * efficiencies, which it observed as `mean_opponent_efficiency`. Payoffs are used as they
 * are (not rescaled). The update for round `t` is applied when it decides round `t + 1`, so it
 * works whether or not `observe` is called. Actions are sampled from the weights.
 */
export class AdaptivePolicy extends PolicyAgent {
  #params: PayoffParams;
  #grid: Cpd[];
  #rate: number;
  #logWeights: number[];
  /** Alpha and mean opponent efficiency of the last decision, not yet learned from. */
  #pending: { alpha: number; m: number } | null = null;

  /**
   * Creates the policy with uniform weights.
   *
   * @param name The miner's name.
   * @param rng Its stream, used to sample actions.
   * @param params `R`, `beta`, `lambda`.
   * @param options Grid step and learning rate.
   */
  constructor(name: AgentId, rng: Rng, params: PayoffParams, options: AdaptiveOptions = {}) {
    super(name, "adaptive", rng);
    const { step = 0.1, learningRate = 0.3 } = options;
    if (!(learningRate >= 0)) {
      throw new RangeError(`Cannot create adaptive policy: 'learningRate' must be >= 0`);
    }
    this.#params = { R: params.R, beta: params.beta, lambda: params.lambda };
    this.#grid = simplexGrid(step);
    this.#rate = learningRate;
    this.#logWeights = this.#grid.map(() => 0);
  }

  /** The current probabilities of the grid points (in {@linkcode simplexGrid} order). */
  probabilities(): number[] {
    const max = Math.max(...this.#logWeights);
    const w = this.#logWeights.map((x) => Math.exp(x - max));
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / sum);
  }

  /** Learns from the last round, then samples an action. */
  act({ observation }: BlockchainContext): Promise<Decision<BlockchainAction>> {
    if (this.#pending) {
      const { alpha, m } = this.#pending;
      this.#logWeights = this.#logWeights.map((lw, k) =>
        lw + this.#rate * actionPayoff(this.#grid[k], alpha, m, this.#params)
      );
    }
    this.#pending = { alpha: observation.alpha, m: observation.mean_opponent_efficiency };
    const probs = this.probabilities();
    let u = this.rng.next();
    let k = 0;
    while (k < probs.length - 1 && u >= probs[k]) u -= probs[k++];
    return decision(this.#grid[k]);
  }

  /** The RNG state, the log-weights and the pending observation. */
  override getState(): unknown {
    return { rng: this.rng.getState(), log_weights: [...this.#logWeights], pending: this.#pending };
  }

  /** Restores {@linkcode getState}. */
  override setState(state: unknown): void {
    const s = stateObject(state, this.kind);
    const lw = s.log_weights;
    if (!Array.isArray(lw) || lw.length !== this.#grid.length) {
      throw new TypeError(
        `Cannot set state of ${this.kind}: 'log_weights' must have ${this.#grid.length} entries`,
      );
    }
    super.setState(s);
    this.#logWeights = [...lw];
    this.#pending = s.pending ? { ...(s.pending as { alpha: number; m: number }) } : null;
  }
}

/**
 * Plays a recorded list of actions: round `t` plays `actions[t - 1]`, and the last action
 * repeats once the list runs out. Actions are passed to the engine as they are.
 */
export class ReplayPolicy extends PolicyAgent {
  #actions: number[][];

  /**
   * Creates the policy.
   *
   * @param name The miner's name.
   * @param actions The actions, in round order.
   * @param rng Its stream (unused).
   */
  constructor(name: AgentId, actions: readonly (readonly number[])[], rng: Rng = new Rng(0)) {
    super(name, "replay", rng);
    if (actions.length === 0) {
      throw new RangeError(`Cannot create replay policy '${name}': the action list is empty`);
    }
    this.#actions = actions.map((a) => [...a]);
  }

  /** Plays the action recorded for the round. */
  act({ round }: BlockchainContext): Promise<Decision<BlockchainAction>> {
    const action = this.#actions[Math.min(Math.max(round, 1), this.#actions.length) - 1];
    return Promise.resolve({ action: [...action] });
  }
}

/** Options of {@linkcode createPolicy}. */
export interface CreatePolicyOptions {
  /** The agent's own stream (derive one per agent). */
  rng: Rng;
  /** The game config (names, hash powers, payoff parameters). */
  config: BlockchainConfig;
  /** The miner's index in `config.miners`. */
  index: number;
  /** The actions of a `replay` policy. */
  actions?: readonly (readonly number[])[];
}

/**
 * Creates a policy miner by name.
 *
 * @param name One of {@linkcode POLICY_NAMES}.
 * @param options The agent's stream, the config and its index; `actions` for `replay`.
 * @returns The agent, named `config.miners[index]`.
 * @throws {RangeError} For an unknown name (the message lists the valid ones), a bad index or
 * a `replay` without actions.
 *
 * @example
 * ```ts
 * import { Rng } from "../../core/rng.ts";
 * import { parseBlockchainConfig } from "./config.ts";
 * import { createPolicy } from "./policies.ts";
 * const config = parseBlockchainConfig({});
 * const agent = createPolicy("greedy", { rng: new Rng(1), config, index: 1 });
 * console.log(agent.kind); // policy:greedy
 * ```
 */
export function createPolicy(name: string, options: CreatePolicyOptions): BlockchainAgent {
  const { rng, config, index, actions } = options;
  const agent = config.miners[index];
  if (!Number.isInteger(index) || agent === undefined) {
    throw new RangeError(
      `Cannot create policy: 'index' must be in 0..${config.miners.length - 1}, got ${index}`,
    );
  }
  switch (name as PolicyName) {
    case "honest":
      return new HonestPolicy(agent, rng);
    case "random":
      return new RandomPolicy(agent, rng);
    case "greedy":
      return new GreedyPolicy(agent, rng, config);
    case "best_response":
      return new BestResponsePolicy(agent, rng, config);
    case "tit_for_tat":
      return new TitForTatPolicy(agent, rng);
    case "adaptive":
      return new AdaptivePolicy(agent, rng, config);
    case "replay":
      if (!actions) {
        throw new RangeError(`Cannot create policy 'replay' for '${agent}': no 'actions' given`);
      }
      return new ReplayPolicy(agent, actions, rng);
  }
  throw new RangeError(
    `Cannot create policy: unknown policy '${name}', expected one of ${POLICY_NAMES.join(", ")}`,
  );
}
