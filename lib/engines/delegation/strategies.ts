/**
 * Scripted provider strategies (no network): `honest` (always the best model), `worst`
 * (always the cheapest), `best_response` (the myopic best response: the model of the highest
 * provider utility on the task), `random` (uniform over its models, drawn from the run's stream),
 * `strategic` (alias `ours`, the paper's strategy), and custom strategies from user code.
 *
 * A strategy is a small function `(view) => modelName`. The view carries the provider's
 * observation, its models, its best and cheapest model, and the run's stream. The `random`
 * strategy draws from that stream (the engine's own, `DelegationEngine.stream`), so its draws
 * interleave with the mechanism's exactly as in the original simulator. This file does not
 * import the engine: a view reads any {@linkcode StrategySource} (the engine is one).
 *
 * @example Custom strategy: serve the best model on even steps, the cheapest on odd ones.
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { DelegationEngine } from "./engine.ts";
 * import { createStrategyAgent, type Strategy } from "./strategies.ts";
 * const engine = new DelegationEngine(parseDelegationConfig({ T: 50 }));
 * const alternate: Strategy = (v) => (v.obs.t % 2 === 0 ? v.best : v.cheapest);
 * const agent = createStrategyAgent(engine, "provider_1", alternate);
 * console.log(agent.kind); // policy:custom
 * ```
 * @module
 */
import type { Agent, Decision, DecisionContext } from "../../agents/agent.ts";
import { ConfigError } from "../../core/config.ts";
import type { AgentId } from "../../core/game.ts";
import type { RunStream } from "./python_random.ts";
import type { DelegationInfo, DelegationObs, DelegationTables } from "./types.ts";

/** What a strategy decides on. */
export interface StrategyView {
  /** The provider's observation before serving. */
  obs: DelegationObs;
  /** The provider's agent name. */
  provider: AgentId;
  /** Its models, in config order. */
  models: readonly string[];
  /** Its best (most expensive) model: honest service. */
  best: string;
  /** Its cheapest model. */
  cheapest: string;
  /**
   * The provider's utility (`eta * price - cost`) of serving `model` on the task at hand, from
   * the run's tables; `undefined` where the tables do not hold it (live mode).
   */
  providerUtility?(model: string): number | undefined;
  /** The run's stream; draw from it only for randomised service. */
  readonly stream: RunStream;
}

/**
 * What a strategy view reads of a game: the providers' names, the tables and the run's
 * stream. The `DelegationEngine` is one; so is anything holding the same three.
 */
export interface StrategySource {
  /** The providers' names, in config order. */
  readonly agents: readonly AgentId[];
  /** The run's lookup tables. */
  readonly tables: DelegationTables;
  /** The run's stream (read at each draw: the engine may swap it on reset). */
  readonly stream: RunStream;
}

/** A provider strategy: the model to serve. */
export type Strategy = (view: StrategyView) => string;

/** A provider agent. */
export type ProviderAgent = Agent<DelegationObs, DelegationInfo, string>;

/**
 * The paper's strategy: phase 1 the best model; in exploitation the best model while the
 * provider's cumulative reward (all its delegations since the start) is below
 * `planned * second_best_utility`, then the cheapest; every later delegation (bonus,
 * incentive, utility-based) the cheapest.
 */
export const strategic: Strategy = (v): string => {
  const o = v.obs;
  if (o.phase === 1) return v.best;
  if (o.phase === 2 && !o.bonus) {
    return o.cumulativeReward < o.planned * o.secondBestUtility ? v.best : v.cheapest;
  }
  return v.cheapest;
};

/**
 * The myopic best response (the rational baseline): on each task the model with the highest
 * provider utility (`eta * price - cost`) on that task, whatever the user might do later;
 * the cheapest model where the tables hold no utilities (live mode). Ties go to the first
 * model in config order.
 */
export const bestResponse: Strategy = (v): string => {
  let best: string | undefined;
  let top = -Infinity;
  for (const m of v.models) {
    const u = v.providerUtility?.(m);
    if (u !== undefined && u > top) {
      top = u;
      best = m;
    }
  }
  return best ?? v.cheapest;
};

/** The built-in strategies. */
export const BUILTIN_STRATEGIES: Readonly<Record<string, Strategy>> = Object.freeze({
  honest: (v: StrategyView) => v.best,
  best_response: bestResponse,
  worst: (v: StrategyView) => v.cheapest,
  random: (v: StrategyView) => v.models[v.stream.randbelow(v.models.length)],
  strategic,
  ours: strategic,
});

/** What each built-in strategy serves, in one line (reports show it beside the provider). */
export const STRATEGY_RULES: Readonly<Record<string, string>> = Object.freeze({
  honest: "always its best (billed) model",
  best_response:
    "on each task the model of the highest provider utility on that task (myopic best response)",
  worst: "always its cheapest model",
  random: "a uniform draw among its models, from the run's stream",
  strategic:
    "phase 1 its best model; in exploitation its best model while its cumulative reward is below planned x second-best utility, then its cheapest; every later delegation its cheapest",
  ours:
    "the paper's strategy: phase 1 its best model; in exploitation its best model while its cumulative reward is below planned x second-best utility, then its cheapest; every later delegation its cheapest",
});

/**
 * The named strategies: the built-in ones and those added with
 * {@linkcode registerStrategy} (a config, `--strategies`, the agents file and the study
 * may then name them).
 */
export const STRATEGIES: Record<string, Strategy> = { ...BUILTIN_STRATEGIES };

/** The names of {@linkcode STRATEGIES} (built-in first, then registered ones). */
export function strategyNames(): string[] {
  return Object.keys(STRATEGIES);
}

/**
 * Adds a custom strategy under a name, so that configs, `--strategies`, agents files
 * (`{"provider": "policy", "policy": "<name>"}`) and the study can use it by name.
 *
 * @param name A new name (built-in names cannot be replaced).
 * @param strategy The function `(view) => modelName`.
 * @throws {TypeError} For an empty or built-in name, or a non-function.
 *
 * @example Serve the best model until the user has seen 100 delegations, then the cheapest.
 * ```ts
 * import { registerStrategy, strategyNames } from "./strategies.ts";
 * registerStrategy("bait_and_switch", (v) => (v.obs.t < 100 ? v.best : v.cheapest));
 * console.log(strategyNames().includes("bait_and_switch")); // true
 * ```
 */
export function registerStrategy(name: string, strategy: Strategy): void {
  if (typeof name !== "string" || !/^[A-Za-z0-9_.:-]+$/.test(name)) {
    throw new TypeError(`Cannot register strategy: bad name '${name}' (letters, digits, _.:-)`);
  }
  if (name in BUILTIN_STRATEGIES) {
    throw new TypeError(`Cannot register strategy: '${name}' is built in`);
  }
  if (typeof strategy !== "function") {
    throw new TypeError(`Cannot register strategy '${name}': expected a function`);
  }
  STRATEGIES[name] = strategy;
}

/**
 * A strategy by name or as a function.
 *
 * @throws {ConfigError} For an unknown name.
 */
export function resolveStrategy(strategy: string | Strategy): Strategy {
  if (typeof strategy === "function") return strategy;
  const s = Object.hasOwn(STRATEGIES, strategy) ? STRATEGIES[strategy] : undefined;
  if (!s) {
    throw new ConfigError(
      `strategy '${strategy}' is not a delegation strategy; expected one of ${
        strategyNames().join(", ")
      }`,
    );
  }
  return s;
}

/**
 * The reusable view of one provider of `engine` (its `obs` is set before each decision).
 *
 * @param engine The game (a `DelegationEngine` or any {@linkcode StrategySource}).
 * @param provider The provider's name.
 * @returns The view.
 * @throws {RangeError} For an unknown provider.
 */
export function strategyView(engine: StrategySource, provider: AgentId): StrategyView {
  const i = engine.agents.indexOf(provider);
  if (i < 0) {
    throw new RangeError(
      `Cannot build strategy view: unknown provider '${provider}'; expected one of ${
        engine.agents.join(", ")
      }`,
    );
  }
  const t = engine.tables.providers[i];
  return {
    obs: undefined as unknown as DelegationObs,
    provider,
    models: t.models,
    best: t.models[t.bestModel],
    cheapest: t.models[t.cheapestModel],
    get stream() {
      return engine.stream;
    },
    providerUtility(this: StrategyView, model: string): number | undefined {
      const j = t.models.indexOf(model);
      const L = engine.tables.length;
      const v = j < 0 || !this.obs ? undefined : t.providerUtility?.[j * L + (this.obs.t % L)];
      return typeof v === "number" && Number.isFinite(v) ? v : undefined;
    },
  };
}

/**
 * A scripted provider agent playing `strategy` for `provider` of `engine`. It keeps no
 * private state: the `random` strategy's draws come from the engine's stream, which is
 * part of the engine's state.
 *
 * @param engine The engine it plays in (for its models and the run's stream).
 * @param provider The provider's name.
 * @param strategy A name of {@linkcode STRATEGIES} or a custom function.
 * @returns The agent.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { DelegationEngine } from "./engine.ts";
 * import { createStrategyAgent } from "./strategies.ts";
 * const engine = new DelegationEngine(parseDelegationConfig({ T: 50 }));
 * const agent = createStrategyAgent(engine, "provider_2", "ours");
 * console.log(agent.name, agent.kind); // provider_2 policy:ours
 * ```
 */
export function createStrategyAgent(
  engine: StrategySource,
  provider: AgentId,
  strategy: string | Strategy,
): ProviderAgent {
  const fn = resolveStrategy(strategy);
  const view = strategyView(engine, provider);
  return {
    name: provider,
    kind: `policy:${typeof strategy === "string" ? strategy : "custom"}`,
    act(ctx: DecisionContext<DelegationObs, DelegationInfo>): Decision<string> {
      view.obs = ctx.observation;
      return { action: fn(view) };
    },
    getState: () => ({}),
    setState() {},
  };
}
