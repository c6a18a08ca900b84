/**
 * Reads the original Python implementation's `rq2_result.json` (one recorded RQ2 run) into
 * plain data, so its actions can be replayed through the engine and its numbers checked.
 *
 * @example
 * ```ts ignore
 * import { loadRq2Result } from "./replay_file.ts";
 * const run = loadRq2Result(JSON.parse(await Deno.readTextFile("rq2_result.json")));
 * console.log(run.agents.map((a) => `${a.name} ${a.alpha} ${a.actions.length}`));
 * ```
 * @module
 */
import { z } from "zod";

const finite = z.number();

const RecordSchema = z.looseObject({
  round: z.number().int().min(1),
  action: z.array(finite),
  thought: z.string().optional(),
  reward: finite,
  cumulative: finite,
  self_eta: finite,
  honest_eta: finite,
});

const AgentSchema = z.looseObject({
  name: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  hash_power: finite.optional(),
  records: z.array(RecordSchema).min(1),
});

const AgentConfigSchema = z.looseObject({
  name: z.string(),
  model: z.string().optional(),
  provider: z.string().optional(),
});

const Rq2Schema = z.looseObject({
  config: z.looseObject({
    alpha: z.array(finite).min(1),
    honest_power: finite.optional(),
    rounds: z.number().int().min(1).optional(),
    agent_configs: z.array(AgentConfigSchema).optional(),
  }),
  agents: z.array(AgentSchema).min(1),
  honest_group_efficiency_trace: z.array(finite),
  honesty_convergence: z.boolean(),
  parasitic_equilibrium: z.boolean(),
  avg_late_constructive: finite,
  avg_late_parasitic: finite,
  avg_late_destructive: finite,
  reward_ranking: z.array(z.number().int().min(0)),
});

/** One round of one agent, as recorded (`self_eta`, `honest_eta`: after the round's update). */
export interface Rq2Record {
  /** The round, 1-based. */
  round: number;
  /** The action as recorded (already on the simplex, up to float noise). */
  action: number[];
  /** The model's reasoning (`""` when absent). */
  thought: string;
  /** The round's payoff. */
  reward: number;
  /** The payoff summed up to and including this round. */
  cumulative: number;
  /** Own efficiency after the round's update. */
  self_eta: number;
  /** The honest group's efficiency after the round's update. */
  honest_eta: number;
}

/** One recorded miner. */
export interface Rq2Agent {
  /** The miner's name, e.g. `矿工A-GPT4oMini`. */
  name: string;
  /** The model, e.g. `gpt-4o-mini` (`""` when absent). */
  model: string;
  /** The provider, e.g. `openai` (`""` when absent). */
  provider: string;
  /** Hash power. */
  alpha: number;
  /** The recorded actions, round 1 first. */
  actions: number[][];
  /** Every round as recorded. */
  records: Rq2Record[];
}

/** A recorded RQ2 run as plain data. */
export interface Rq2Result {
  /** The honest group's hash power (`1 - sum(alpha)` when the file omits it). */
  honestPower: number;
  /** Rounds played. */
  rounds: number;
  /** The miners, in the file's order (`reward_ranking` indexes them). */
  agents: Rq2Agent[];
  /** The honest group's efficiency after each round. */
  honestTrace: number[];
  /** The run's own verdicts and late means. */
  verdicts: {
    honesty_convergence: boolean;
    parasitic_equilibrium: boolean;
    avg_late: { c: number; p: number; d: number };
    /** Agent indices, best cumulative reward first. */
    reward_ranking: number[];
  };
}

function pathText(path: readonly PropertyKey[]): string {
  let out = "rq2_result";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
  return out;
}

function fail(path: readonly PropertyKey[], problem: string): never {
  throw new TypeError(`${pathText(path)}: ${problem}`);
}

type Rq2File = z.infer<typeof Rq2Schema>;

/** One agent of the file, its records checked against the round count and converted. */
function agentOf(data: Rq2File, i: number, rounds: number): Rq2Agent {
  const agent = data.agents[i];
  const cfg = data.config.agent_configs?.[i];
  agent.records.forEach((r, t) => {
    if (r.round !== t + 1) {
      fail(["agents", i, "records", t, "round"], `expected ${t + 1}, got ${r.round}`);
    }
    if (r.action.length !== 3) {
      fail(["agents", i, "records", t, "action"], `expected 3 numbers, got ${r.action.length}`);
    }
  });
  if (agent.records.length !== rounds) {
    fail(["agents", i, "records"], `expected ${rounds} rounds, got ${agent.records.length}`);
  }
  const records = agent.records.map((r) => ({
    round: r.round,
    action: [...r.action],
    thought: r.thought ?? "",
    reward: r.reward,
    cumulative: r.cumulative,
    self_eta: r.self_eta,
    honest_eta: r.honest_eta,
  }));
  return {
    name: agent.name ?? cfg?.name ?? `agent_${i}`,
    model: agent.model ?? cfg?.model ?? "",
    provider: agent.provider ?? cfg?.provider ?? "",
    alpha: agent.hash_power ?? data.config.alpha[i],
    actions: records.map((r) => [...r.action]),
    records,
  };
}

/**
 * Validates and converts a parsed `rq2_result.json`.
 *
 * @param json The parsed file.
 * @returns The run as plain data.
 * @throws {TypeError} `rq2_result.<path>: <problem>` for the first bad field, e.g.
 * `rq2_result.agents[1].records[3].reward: expected number, received string`.
 */
export function loadRq2Result(json: unknown): Rq2Result {
  const parsed = Rq2Schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(issue.path, issue.message.replace(/^Invalid input: /, ""));
  }
  const data = parsed.data;
  const { alpha } = data.config;
  if (data.agents.length !== alpha.length) {
    fail(
      ["agents"],
      `expected ${alpha.length} agents (one per config.alpha entry), got ${data.agents.length}`,
    );
  }
  const rounds = data.config.rounds ?? data.agents[0].records.length;
  const agents = data.agents.map((_, i) => agentOf(data, i, rounds));
  if (data.honest_group_efficiency_trace.length !== rounds) {
    fail(
      ["honest_group_efficiency_trace"],
      `expected ${rounds} entries, got ${data.honest_group_efficiency_trace.length}`,
    );
  }
  return {
    honestPower: data.config.honest_power ?? 1 - alpha.reduce((a, b) => a + b, 0),
    rounds,
    agents,
    honestTrace: [...data.honest_group_efficiency_trace],
    verdicts: {
      honesty_convergence: data.honesty_convergence,
      parasitic_equilibrium: data.parasitic_equilibrium,
      avg_late: {
        c: data.avg_late_constructive,
        p: data.avg_late_parasitic,
        d: data.avg_late_destructive,
      },
      reward_ranking: [...data.reward_ranking],
    },
  };
}
