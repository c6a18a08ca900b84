/**
 * A fifth engine that lives only in the tests: a repeated public-goods game. Each round
 * every player puts `0..endowment` tokens into a common pot; the pot is multiplied by
 * `multiplier` and shared equally; a player's reward is what it kept plus its share.
 *
 * It exists to show that registering an experiment is all a new engine needs to be
 * conformance- and resume-tested: `registry_suite_test.ts` passes it, in a test registry,
 * to the same suite function that checks the real registry. Nothing else tests it.
 *
 * @module
 */
import { z } from "zod";
import type { Agent, Decision } from "../../lib/agents/agent.ts";
import { ConfigError } from "../../lib/core/config.ts";
import type { AgentId, Engine, ResetResult, StepResult } from "../../lib/core/game.ts";
import { DecisionRecordSchema } from "../../lib/core/records.ts";
import type { Rng, RngState } from "../../lib/core/rng.ts";
import type { BuiltRun, Experiment } from "../../lib/run/experiment.ts";

/** The game's config. */
export interface PublicGoodsConfig {
  /** Rounds played. */
  rounds: number;
  /** Tokens each player gets each round. */
  endowment: number;
  /** What the pot is multiplied by before it is shared (1 < multiplier < players). */
  multiplier: number;
  /** One policy per seat: `free_rider`, `full`, `conditional` or `random`. */
  policies: string[];
}

const configSchema = z.object({
  rounds: z.number().int().min(1).default(10),
  endowment: z.number().int().min(1).default(10),
  multiplier: z.number().gt(1).default(1.6),
  policies: z.array(z.string()).min(2).default(["conditional", "free_rider", "random", "full"]),
}).strict();

/** Validates a config object and fills defaults. */
export function parsePublicGoodsConfig(input: unknown): PublicGoodsConfig {
  const r = configSchema.safeParse(input ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError(`config.${issue.path.join(".")}: ${issue.message}`);
  }
  return r.data;
}

/** What a player sees: the round and the mean contribution of the last round. */
export interface PublicGoodsObs {
  round: number;
  lastMean: number | null;
}

interface PublicGoodsState {
  round: number;
  lastMean: number | null;
  totals: Record<AgentId, number>;
}

/** The engine. */
export class PublicGoodsEngine
  implements Engine<number, PublicGoodsObs, Record<string, never>, PublicGoodsState> {
  readonly name = "public_goods";
  readonly agents: readonly AgentId[];
  readonly #config: PublicGoodsConfig;
  #s: PublicGoodsState;

  constructor(config: PublicGoodsConfig) {
    this.#config = config;
    this.agents = config.policies.map((_, i) => `p${i + 1}`);
    this.#s = this.#fresh();
  }

  #fresh(): PublicGoodsState {
    return { round: 0, lastMean: null, totals: Object.fromEntries(this.agents.map((a) => [a, 0])) };
  }

  get round(): number {
    return this.#s.round;
  }

  reset(_options: { seed: number }): ResetResult<PublicGoodsObs, Record<string, never>> {
    this.#s = this.#fresh();
    return this.view();
  }

  view(): ResetResult<PublicGoodsObs, Record<string, never>> {
    const obs = { round: this.#s.round, lastMean: this.#s.lastMean };
    return {
      observations: Object.fromEntries(this.agents.map((a) => [a, { ...obs }])),
      infos: Object.fromEntries(this.agents.map((a) => [a, {}])),
    };
  }

  step(actions: Record<AgentId, number>): StepResult<PublicGoodsObs, Record<string, never>> {
    if (this.isDone()) throw new RangeError("Cannot step: the game is over");
    const { endowment, multiplier } = this.#config;
    const given = this.agents.map((a) => {
      const x = actions[a];
      return Number.isInteger(x) && x >= 0 && x <= endowment ? x : 0;
    });
    const pot = given.reduce((s, x) => s + x, 0);
    const share = (pot * multiplier) / this.agents.length;
    const rewards: Record<AgentId, number> = {};
    this.agents.forEach((a, i) => {
      rewards[a] = endowment - given[i] + share;
      this.#s.totals[a] += rewards[a];
    });
    this.#s.round++;
    this.#s.lastMean = pot / this.agents.length;
    const done = this.isDone();
    const flags = Object.fromEntries(this.agents.map((a) => [a, done]));
    const events = pot === 0 ? [{ type: "empty_pot" }] : [];
    return {
      ...this.view(),
      rewards,
      terminations: Object.fromEntries(this.agents.map((a) => [a, false])),
      truncations: flags,
      events,
    };
  }

  liveAgents(): AgentId[] {
    return this.isDone() ? [] : [...this.agents];
  }

  isDone(): boolean {
    return this.#s.round >= this.#config.rounds;
  }

  fallbackAction(_agent: AgentId): number {
    return 0;
  }

  returns(): Record<AgentId, number> {
    return { ...this.#s.totals };
  }

  getState(): PublicGoodsState {
    return structuredClone(this.#s);
  }

  setState(state: PublicGoodsState): void {
    this.#s = structuredClone(state);
  }
}

/** A scripted player; `conditional` remembers the highest mean it has seen (agent state). */
function policy(
  name: string,
  kind: string,
  endowment: number,
  rng: Rng,
): Agent<PublicGoodsObs, unknown, number> {
  const memory = { best: 0 };
  const rules: Record<string, (o: PublicGoodsObs) => number> = {
    free_rider: () => 0,
    full: () => endowment,
    conditional: (o) => {
      if (o.lastMean !== null) memory.best = Math.max(memory.best, o.lastMean);
      return o.lastMean === null ? endowment : Math.min(endowment, Math.round(memory.best / 2));
    },
    random: () => rng.int(0, endowment),
  };
  const rule = rules[kind];
  if (!rule) throw new ConfigError(`policy '${kind}' is not a public-goods policy`);
  return {
    name,
    kind: `policy:${kind}`,
    act: (ctx): Decision<number> => ({ action: rule(ctx.observation) }),
    getState: () => ({ rng: rng.getState(), memory: { ...memory } }),
    setState(state: unknown) {
      const s = state as { rng: RngState; memory: { best: number } };
      rng.setState(s.rng);
      Object.assign(memory, s.memory);
    },
  };
}

/** The experiment, as a registry entry. */
export const publicGoodsExperiment: Experiment<PublicGoodsConfig> = {
  name: "public_goods",
  description: "Repeated public-goods game (a test-only fifth engine)",
  horizon: "rounds",
  decisionSchema: DecisionRecordSchema,
  verdicts: [],
  parseConfig: parsePublicGoodsConfig,
  build(config, ctx): BuiltRun {
    const engine = new PublicGoodsEngine(config);
    const agents = engine.agents.map((name, i) =>
      policy(name, config.policies[i], config.endowment, ctx.rng.derive(`agent:${name}`))
    );
    return {
      engine,
      agents,
      decisionRow: (agent, decision, step) => ({
        action: decision.action,
        reward: step.rewards[agent],
      }),
      summarize: ({ steps }) => {
        const totals = engine.returns();
        return Promise.resolve({ rounds: steps, totals });
      },
    };
  },
};
