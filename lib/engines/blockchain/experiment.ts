/**
 * The blockchain CPD experiment as the CLI, sweeps and notebooks see it: config, miners
 * (scripted policies, LLM miners from an agents file, or the actions of a recorded run),
 * decision rows, summary and report.
 *
 * Seats: with `--agents`, the agents file defines the miners in order and `alpha` gives
 * their hash powers in the same order; an agent's `hash_power` replaces its seat's `alpha`
 * entry (and when every agent gives one, the file may list any number of miners). The
 * hash powers in effect and where each came from are recorded in `config.json`'s
 * provenance as `hash_powers` ({@linkcode seatHashPowers}). With `--replay FILE` (the original implementation's
 * `rq2_result.json` format) every miner replays its recorded actions and thoughts. Without
 * either, the offline default mix {@linkcode DEFAULT_POLICIES} plays.
 *
 * Ablations: the config's `prompt` and `memory` sections switch parts of the LLM miners'
 * prompt and cognition (see `config.ts`); a grid varies them by dotted key
 * (`"grid": {"prompt.parasitic_clause": [true, false]}`). `summary.json` records the
 * switches in effect and the prompt variant as `ablation` ({@linkcode blockchainAblation}).
 *
 * Summary: computed from the engine's running tally (`tally.ts`) and its `trace` events, so
 * every `--log-decisions` policy (`all`, `none`, every N-th step) gives the same summary and a
 * million rounds summarise in bounded memory; the report reads the rows (a sample of a long
 * run's, the summary alone when none were logged).
 *
 * @module
 */
import type { Agent, Decision } from "../../agents/agent.ts";
import { ConfigError, readJsonFile } from "../../core/config.ts";
import type { BuildContext, BuiltRun, Experiment } from "../../run/experiment.ts";
import type { RunPolicy } from "../../run/run_policy.ts";
import { blockchainAblation } from "./ablation.ts";
import { BlockchainDecisionSchema, rivalLabelsColumn } from "./decision_row.ts";
import { type BlockchainConfig, parseBlockchainConfig } from "./config.ts";
import {
  type BlockchainAction,
  BlockchainEngine,
  type BlockchainInfo,
  type BlockchainObs,
} from "./engine.ts";
import { createLlmMiner, rivalLabelTallyOf } from "./llm_miner.ts";
import { createPolicy, POLICY_NAMES } from "./policies.ts";
import { loadRq2Result } from "./replay_file.ts";
import { blockchainProfile, blockchainSampleReply } from "./profile.ts";
import { isLlmKind } from "./tally.ts";

type Miner = Agent<BlockchainObs, BlockchainInfo, BlockchainAction>;

/**
 * The offline default mix, cycled over the miners: a learner (multiplicative weights), a
 * retaliator and a random (Dirichlet) miner whose occasional attacks set the dynamics going.
 * (Without an attacker every myopic miner drifts to pure parasitism.)
 */
export const DEFAULT_POLICIES = ["adaptive", "tit_for_tat", "random"] as const;

function replayMiner(
  name: string,
  model: string | undefined,
  records: { action: number[]; thought?: string }[],
): Miner {
  return {
    name,
    kind: `replay:${model ?? "recorded"}`,
    model,
    act({ round }): Decision<BlockchainAction> {
      const r = records[Math.min(round, records.length) - 1];
      return { action: [...r.action], ...(r.thought ? { thought: r.thought } : {}) };
    },
    getState: () => ({}),
    setState: () => {},
  };
}

/** The miners and config of a run that replays a recorded file (`--replay FILE`). */
async function replaySeats(
  config: BlockchainConfig,
  replay: string,
): Promise<{ cfg: BlockchainConfig; miners: Miner[] }> {
  let file;
  try {
    file = loadRq2Result(await readJsonFile(replay));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`--replay: ${replay}: ${(e as Error).message}`);
  }
  if (file.agents.length !== config.alpha.length) {
    throw new ConfigError(
      `--replay: the file has ${file.agents.length} miners but config.alpha has ${config.alpha.length}`,
    );
  }
  file.agents.forEach((a, i) => {
    if (file.agents.findIndex((b) => b.name === a.name) !== i) {
      throw new ConfigError(
        `--replay: ${replay}: agents[${i}].name: duplicate miner name '${a.name}'`,
      );
    }
  });
  let cfg: BlockchainConfig;
  try {
    cfg = parseBlockchainConfig({ ...config, miners: file.agents.map((a) => a.name) });
  } catch (e) {
    // a name the file gives is refused (e.g. a reserved one): say it came from the file
    const m = e instanceof ConfigError && /^config\.miners\[(\d+)\]: (.*)$/.exec(e.message);
    if (m) throw new ConfigError(`--replay: ${replay}: agents[${m[1]}].name: ${m[2]}`);
    throw e;
  }
  if (file.agents.some((a) => a.records.length < cfg.rounds)) {
    throw new ConfigError(
      `--replay: the file records fewer than config.rounds = ${cfg.rounds} rounds`,
    );
  }
  return { cfg, miners: file.agents.map((a) => replayMiner(a.name, a.model, a.records)) };
}

/** The hash powers of an agents-file run, and where each came from. */
export interface SeatHashPowers {
  /** One hash power per miner, in agents-file order: the run's effective `alpha`. */
  alpha: number[];
  /** The honest group's hash power (`config.honest_power`). */
  honest_power: number;
  /** Per miner: `"agents file"` (its `hash_power`) or `"config.alpha[i]"`. */
  from: Record<string, string>;
}

/** A number as a message shows it: 12 significant digits, no float noise. */
const show = (x: number): string => String(Number(x.toPrecision(12)));

/**
 * The hash powers of the miners an agents file seats: each agent's `hash_power`, else its
 * seat's `config.alpha` entry. With the honest group's they must sum to 1 (the SPEC's rule:
 * nothing is normalised), else the error names the first agent that gives one.
 *
 * @param config The run's config.
 * @param specs The agents file's entries, one miner each.
 * @returns The effective hash powers; `null` when no agent gives a `hash_power`.
 * @throws {ConfigError} When the counts disagree (an agent without `hash_power` needs an
 * `alpha` entry) or the hash powers do not sum to 1.
 * @example
 * ```ts
 * import { parseBlockchainConfig } from "./config.ts";
 * import { seatHashPowers } from "./experiment.ts";
 * const config = parseBlockchainConfig({});
 * const seats = seatHashPowers(config, [
 *   { name: "a", provider: "policy", policy: "greedy", hash_power: 0.35 },
 *   { name: "b", provider: "policy", policy: "honest", hash_power: 0.25 },
 * ]);
 * console.log(seats?.alpha); // [0.35, 0.25]
 * ```
 */
export function seatHashPowers(
  config: BlockchainConfig,
  specs: NonNullable<BuildContext["agents"]>,
): SeatHashPowers | null {
  const given = specs.findIndex((a) => a.hash_power !== undefined);
  const all = given >= 0 && specs.every((a) => a.hash_power !== undefined);
  if (!all && specs.length !== config.alpha.length) {
    throw new ConfigError(
      `agents: the agents file lists ${specs.length} miners but config.alpha gives ${config.alpha.length} hash powers${
        given >= 0 ? " (give every agent a hash_power, or one alpha entry per agent)" : ""
      }`,
    );
  }
  if (given < 0) return null;
  const alpha = specs.map((a, i) => a.hash_power ?? config.alpha[i]);
  const sum = alpha.reduce((a, b) => a + b, 0) + config.honest_power;
  if (Math.abs(sum - 1) > 1e-9) {
    throw new ConfigError(
      `agents[${given}].hash_power: the hash powers (${alpha.map(show).join(" + ")}) and ` +
        `config.honest_power (${show(config.honest_power)}) sum to ${show(sum)}, not 1; ` +
        "change the agents' hash_power, config.alpha or config.honest_power",
    );
  }
  const from = Object.fromEntries(
    specs.map((
      a,
      i,
    ) => [a.name, a.hash_power !== undefined ? "agents file" : `config.alpha[${i}]`]),
  );
  return { alpha, honest_power: config.honest_power, from };
}

/** The miners and config of a run seated by an agents file (policies and LLM miners). */
function agentsFileSeats(
  config: BlockchainConfig,
  ctx: BuildContext,
  specs: NonNullable<BuildContext["agents"]>,
): { cfg: BlockchainConfig; miners: Miner[]; hashPowers: SeatHashPowers | null } {
  const hashPowers = seatHashPowers(config, specs);
  const cfg = parseBlockchainConfig({
    ...config,
    ...(hashPowers ? { alpha: hashPowers.alpha } : {}),
    miners: specs.map((a) => a.name),
  });
  specs.forEach((spec, i) => {
    if (spec.provider !== "policy") return;
    const usable = POLICY_NAMES.filter((p) => p !== "replay");
    if (!(usable as readonly string[]).includes(spec.policy!)) {
      throw new ConfigError(
        `agents[${i}].policy: '${spec.policy}' is not a blockchain policy; expected one of ${
          usable.join(", ")
        }${spec.policy === "replay" ? " (replay a recorded run with --replay FILE)" : ""}`,
      );
    }
  });
  const miners = specs.map((spec, index) =>
    spec.provider === "policy"
      ? createPolicy(spec.policy!, {
        rng: ctx.rng.derive(`agent:${spec.name}`),
        config: cfg,
        index,
      })
      : createLlmMiner({
        name: spec.name,
        model: ctx.chatModel(spec),
        recorder: ctx.recorder,
        config: cfg,
        index,
        lang: ctx.lang,
        temperature: spec.temperature,
        maxTokens: spec.max_tokens,
      })
  );
  return { cfg, miners, hashPowers };
}

/** The offline default mix {@linkcode DEFAULT_POLICIES}, cycled over the config's miners. */
function defaultSeats(cfg: BlockchainConfig, ctx: BuildContext): Miner[] {
  return cfg.miners.map((name, index) =>
    createPolicy(DEFAULT_POLICIES[index % DEFAULT_POLICIES.length], {
      rng: ctx.rng.derive(`agent:${name}`),
      config: cfg,
      index,
    })
  );
}

async function buildBlockchain(config: BlockchainConfig, ctx: BuildContext): Promise<BuiltRun> {
  const seated: { cfg: BlockchainConfig; miners: Miner[]; hashPowers?: SeatHashPowers | null } =
    ctx.replay
      ? await replaySeats(config, ctx.replay)
      : ctx.agents
      ? agentsFileSeats(config, ctx, ctx.agents)
      : { cfg: config, miners: defaultSeats(config, ctx) };
  const { cfg, miners, hashPowers = null } = seated;
  const seats = miners.map((m) => ({ kind: m.kind, ...(m.model ? { model: m.model } : {}) }));
  const engine = new BlockchainEngine(cfg, { llm: seats.map((s) => isLlmKind(s.kind)) });
  const kinds = Object.fromEntries(miners.map((m) => [m.name, { kind: m.kind, model: m.model }]));
  return {
    engine,
    agents: miners,
    decisionRow(agent, decision, step) {
      const d = step.infos[agent].stepDetail!;
      return {
        action: d.action,
        reward: d.reward,
        cumulative_reward: d.cumulative_reward,
        efficiency: d.efficiency,
        honest_efficiency: d.honest_efficiency,
        label: d.label,
        fallback: d.fallback,
        kind: kinds[agent].kind,
        ...(kinds[agent].model ? { model: kinds[agent].model } : {}),
        ...(decision.thought ? { thought: decision.thought } : {}),
        ...rivalLabelsColumn(decision),
      };
    },
    // From the engine's tally, not the rows: any --log-decisions gives the same summary.
    summarize: async ({ dir, steps }) => ({
      ...await (await import("./summary.ts")).summarizeBlockchainRun({
        dir,
        config: cfg,
        tally: engine.tally(),
        rounds: steps,
        seats,
        labelTallies: miners.map(rivalLabelTallyOf),
      }),
      ablation: await blockchainAblation(cfg, ctx.lang),
    }),
    // the hash powers in effect when the agents file set any (config.json keeps the config's)
    provenance: async () => ({
      ablation: await blockchainAblation(cfg, ctx.lang),
      ...(hashPowers ? { hash_powers: hashPowers } : {}),
    }),
  };
}

/**
 * The run policy of a scripted run (LLM runs checkpoint every step whatever this says): every
 * decision row, a checkpoint every 100 rounds. A checkpoint line has the same size at every
 * horizon (about 4.4 kB, against 86 kB of rows per 100 rounds), so checkpointing every round
 * of a long run wrote more checkpoint than decision rows; a killed scripted run replays at
 * most 99 rounds, which cost nothing. It also keeps the peak memory of a million rounds with
 * every row low (165 MB, against 232 MB checkpointing every 1000 rounds: less log is
 * buffered between checkpoints).
 */
export const BLOCKCHAIN_RUN_POLICY: Readonly<Partial<RunPolicy>> = Object.freeze({
  checkpointEvery: 100,
  logDecisions: "all",
});

/** The registered blockchain experiment. */
export const blockchainExperiment: Experiment<BlockchainConfig> = {
  name: "blockchain",
  description: "Blockchain CPD mining game (RQ2): construct / parasitic / destroy",
  replay: true,
  agentFields: ["hash_power"],
  horizon: "rounds",
  runPolicy: BLOCKCHAIN_RUN_POLICY,
  decisionSchema: BlockchainDecisionSchema,
  verdicts: [
    "parasitic_equilibrium",
    "honest_convergence",
    "parasitic_beyond_rational",
    "honest_beyond_rational",
    "rational_play",
  ],
  parseConfig: parseBlockchainConfig,
  build: buildBlockchain,
  profile: blockchainProfile,
  sampleReply: blockchainSampleReply,
  report: async (runDir) => (await import("./report.ts")).blockchainReport(runDir),
};

export { blockchainAblation };
