/**
 * The delegation mechanism as the CLI, sweeps and notebooks see it: config (with the
 * `--strategies`, `--records` and `--rng` flags), providers (scripted strategies, custom
 * registered strategies, or LLMs from the agents file), task records (recorded, synthetic
 * or live), one decision row per delegation, the summary and the report.
 *
 * Seats: the config's providers, each playing its `strategy`. With `--agents`, the agents
 * file names the providers in order (as many entries as providers) and each entry is a
 * strategy (`{"provider": "policy", "policy": "ours"}`) or an LLM provider.
 *
 * Run policy: a checkpoint every 10,000 delegations (a resume replays at most that many
 * scripted delegations, about a tenth of a second) and one decision row per delegation;
 * LLM seats checkpoint every step. `--log-decisions none` keeps no rows (the summary comes
 * from the engine's final state).
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import type { DecisionRecord, Schema } from "../../core/records.ts";
import { ConfigError } from "../../core/config.ts";
import { decisionRecordObject } from "../../core/record_helpers.ts";
import { LlmCallRecordSchema } from "../../core/records.ts";
import { readJsonl, streamJsonl } from "../../core/run_log.ts";
import { usageTotals } from "../../core/summary.ts";
import type { ChatModel } from "../../llm/chat_model.ts";
import type { BuildContext, BuiltRun, Experiment } from "../../run/experiment.ts";
import type { StepResult } from "../../core/game.ts";
import { DEFAULT_PROVIDERS, type DelegationConfig, parseDelegationConfig } from "./config.ts";
import { DelegationEngine, type DelegationInfo, type DelegationObs } from "./engine.ts";
import { liveTaskOptions, servedModelSpec, withLiveServing } from "./live.ts";
import { createLlmProvider } from "./llm_provider.ts";
import { loadRecordedRecords, type TaskRecords } from "./records.ts";
import {
  BUILTIN_STRATEGIES,
  createStrategyAgent,
  type ProviderAgent,
  STRATEGIES,
  strategyNames,
} from "./strategies.ts";
import { DELEGATION_VERDICTS, delegationSummary, PHASE_SLOTS, pricingView } from "./summary.ts";
import { pricingPolicyNames } from "./pricing.ts";
import { PhaseTally } from "./phase_tally.ts";
import { delegationRow, DelegationRowWriter } from "./row_json.ts";
import { delegationProfile, delegationSampleReply } from "./profile.ts";
import {
  type CounterfactualWorlds,
  ProviderRegretTally,
  runCounterfactual,
} from "./counterfactual.ts";
import { counterfactualOffThread } from "./counterfactual_off_thread.ts";

/** A row of `decisions.jsonl`: one delegation (the SPEC's delegation history). */
const delegationDecisionObject = decisionRecordObject.extend({
  /** The model served (the provider's action). */
  action: z.string(),
  /** The task reward, `score * reward_scale` (the provider's own payoff is `provider_utility`). */
  reward: z.number(),
  /** The time step served, 0-based. */
  time: z.number().int().min(0),
  /** The phase slot: `bonus` is the exploitation bonus. */
  phase: z.enum(PHASE_SLOTS),
  provider_id: z.number().int().min(1),
  /** The model actually served. */
  model: z.string(),
  /** The task served (recorded: its index; live: its generator seed). */
  task: z.number().int(),
  price: z.number(),
  cost: z.number(),
  prompt_tokens: z.number().min(0),
  completion_tokens: z.number().min(0),
  /** `reward - price`. */
  user_utility: z.number(),
  /** `eta * price - cost`. */
  provider_utility: z.number(),
  /** What decided: `policy:<strategy>` or the LLM's id. */
  kind: z.string(),
  thought: z.string().optional(),
  /** The markup a dynamic pricing policy set (`price` = list price x markup). */
  markup: z.number().optional(),
});

/** A decision row: one delegation. */
export interface DelegationDecision extends DecisionRecord {
  /** The model served (the provider's action). */
  action: string;
  /** The task reward, `score * reward_scale` (the provider's own payoff is `provider_utility`). */
  reward: number;
  /** The time step served, 0-based. */
  time: number;
  /** The phase slot: `bonus` is the exploitation bonus. */
  phase: (typeof PHASE_SLOTS)[number];
  /** The provider's id (its position in the config, 1-based). */
  provider_id: number;
  /** The model actually served. */
  model: string;
  /** The task served (recorded: its index; live: its generator seed). */
  task: number;
  /** What the user paid. */
  price: number;
  /** What serving cost the provider. */
  cost: number;
  /** Prompt tokens of the served reply. */
  prompt_tokens: number;
  /** Completion tokens of the served reply. */
  completion_tokens: number;
  /** `reward - price`. */
  user_utility: number;
  /** `eta * price - cost`. */
  provider_utility: number;
  /** What decided: `policy:<strategy>` or the LLM's id. */
  kind: string;
  /** The LLM's stated reasoning. */
  thought?: string;
  /** The markup a dynamic pricing policy set (`price` = list price x markup); absent when fixed. */
  markup?: number;
}

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The interface agrees with its schema (a compile error otherwise).
const _agree: Agree<DelegationDecision, z.output<typeof delegationDecisionObject>> = true;

/** The schema of a delegation row of `decisions.jsonl` (the shared row plus the game's columns). */
export const DelegationDecisionSchema: Schema<DelegationDecision> = delegationDecisionObject;

const RNG_NAMES = ["toolkit", "python"];

/** `--strategies` / `pricing`: one name per provider, checked against `known`. */
function perProvider(
  flag: string,
  what: [one: string, many: string],
  value: string,
  base: readonly Record<string, unknown>[],
  known: readonly string[],
): string[] {
  const list = value.split(",").map((s) => s.trim());
  if (list.length !== base.length) {
    throw new ConfigError(
      `--${flag}: ${list.length} ${what[1]} for ${base.length} providers (one each, in order)`,
    );
  }
  for (const s of list) {
    if (!known.includes(s)) {
      throw new ConfigError(
        `--${flag}: unknown ${what[0]} '${s}'; expected one of ${known.join(", ")}`,
      );
    }
  }
  return list;
}

/**
 * Merges the delegation flags into a config object: `--strategies a,b,c` and
 * `pricing: "p,q,r"` (one per provider, in order; a pricing policy gets its default
 * parameters unless the config already gives that policy), `--records DIR` (recorded mode)
 * and `--rng toolkit|python`. `--pricing p,q,r` on the command line sets `pricing`; configs
 * and sweeps set `providers[i].pricing` with its parameters.
 *
 * @throws {ConfigError} Naming the flag.
 *
 * @example
 * ```ts
 * import { applyDelegationFlags } from "./experiment.ts";
 * const c = applyDelegationFlags({}, { strategies: "honest,ours,worst", rng: "python" });
 * console.log(c.rng, (c.providers as { strategy: string }[]).map((p) => p.strategy));
 * // python ["honest", "ours", "worst"]
 * ```
 */
export function applyDelegationFlags(
  config: Record<string, unknown>,
  values: Record<string, string | boolean>,
): Record<string, unknown> {
  const out = { ...config };
  const { strategies, records, rng, pricing } = values;
  if (records !== undefined) out.records = { mode: "recorded", dir: String(records) };
  if (rng !== undefined) {
    if (!RNG_NAMES.includes(String(rng))) {
      throw new ConfigError(`--rng: expected toolkit or python, got '${rng}'`);
    }
    out.rng = rng;
  }
  const base = () =>
    (Array.isArray(out.providers) ? out.providers : DEFAULT_PROVIDERS) as Record<
      string,
      unknown
    >[];
  if (strategies !== undefined) {
    const list = perProvider(
      "strategies",
      ["strategy", "strategies"],
      String(strategies),
      base(),
      strategyNames(),
    );
    out.providers = base().map((p, i) => ({ ...p, strategy: list[i] }));
  }
  if (pricing !== undefined) {
    const list = perProvider(
      "pricing",
      ["pricing policy", "pricing policies"],
      String(pricing),
      base(),
      pricingPolicyNames(),
    );
    // a policy named again keeps the config's parameters; another gets its defaults
    out.providers = base().map((p, i) => {
      const old = p.pricing as { policy?: string } | undefined;
      return { ...p, pricing: old?.policy === list[i] ? old : { policy: list[i] } };
    });
  }
  return out;
}

/** The providers' names and strategies after the agents file is applied. */
function seatConfig(config: DelegationConfig, ctx: BuildContext): DelegationConfig {
  if (!ctx.agents) return config;
  const K = config.providers.length;
  if (ctx.agents.length !== K) {
    throw new ConfigError(
      `agents: the agents file lists ${ctx.agents.length} providers but the config has ${K}`,
    );
  }
  ctx.agents.forEach((spec, i) => {
    if (spec.provider === "policy" && !Object.hasOwn(STRATEGIES, spec.policy!)) {
      throw new ConfigError(
        `agents[${i}].policy: '${spec.policy}' is not a delegation strategy; expected one of ${
          strategyNames().join(", ")
        }`,
      );
    }
  });
  return parseDelegationConfig({
    ...config,
    providers: config.providers.map((p, i) => {
      const spec = ctx.agents![i];
      return {
        ...p,
        name: spec.name,
        strategy: spec.provider === "policy" ? spec.policy : p.strategy,
      };
    }),
  });
}

async function loadRecords(config: DelegationConfig): Promise<TaskRecords | undefined> {
  if (config.records.mode !== "recorded") return undefined;
  return await loadRecordedRecords(
    config.records.dir,
    config.providers.flatMap((p) => p.models),
    { shuffled: config.records.shuffled },
  );
}

/** The seats: a strategy agent or an LLM per provider, each serving live when records are. */
function seatAgents(cfg: DelegationConfig, ctx: BuildContext, engine: DelegationEngine) {
  const agents: ProviderAgent[] = cfg.providers.map((p, i) => {
    const spec = ctx.agents?.[i];
    if (!spec || spec.provider === "policy") return createStrategyAgent(engine, p.name, p.strategy);
    return createLlmProvider({
      config: cfg,
      index: i,
      model: ctx.chatModel(spec),
      recorder: ctx.recorder,
      temperature: spec.temperature,
      maxTokens: spec.max_tokens,
    });
  });
  if (cfg.records.mode !== "live") return agents;
  const live = cfg.records;
  return agents.map((a, i) =>
    withLiveServing(a, {
      engine,
      models: new Map<string, ChatModel>(
        cfg.providers[i].models.map((m) => [m, ctx.chatModel(servedModelSpec(live, m, a.name))]),
      ),
      recorder: ctx.recorder,
      tasks: liveTaskOptions(live),
      temperature: live.endpoint.temperature,
      maxTokens: live.endpoint.max_tokens,
    })
  );
}

/**
 * The providers' stage-game regret from the decision rows (`null` without every row). A run
 * that logged every row in this process tallied them as it went (`logged`); a resumed one
 * streams `decisions.jsonl` (bounded memory) and tallies it.
 */
async function runRegret(
  dir: string,
  engine: DelegationEngine,
  agents: readonly ProviderAgent[],
  delegations: number,
  logged: ProviderRegretTally | null,
) {
  if (logged && logged.rows === delegations) return logged.summary();
  const llmSeats = new Set(agents.filter((a) => !a.kind.startsWith("policy:")).map((a) => a.name));
  const tally = new ProviderRegretTally(engine);
  const rows = streamJsonl(join(dir, "decisions.jsonl"), delegationDecisionObject);
  for await (const r of rows) {
    if (tally.rows === delegations) return null; // more rows than delegations
    tally.add(r.agent, r.provider_id, r.time, r.provider_utility, llmSeats.has(r.agent));
  }
  return tally.rows === delegations ? tally.summary() : null;
}

/**
 * The per-phase sums of a run: the engine's, else (a resumed run) tallied from every decision
 * row; `null` without every row.
 */
async function runPhaseSums(
  dir: string,
  engine: DelegationEngine,
  delegations: number,
): Promise<ArrayLike<number> | null> {
  const own = engine.phaseSums;
  if (own) return own;
  const path = join(dir, "decisions.jsonl");
  const tally = new PhaseTally(engine.K);
  try {
    for await (const r of streamJsonl(path, delegationDecisionObject)) {
      if (tally.rows === delegations) return null; // more rows than delegations
      tally.add(r);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  return tally.rows === delegations ? tally.sums : null;
}

/** Why a block of the summary was not computed. */
function notComputed(
  live: boolean,
  none: boolean,
  what: "regret" | "counterfactual",
  dynamic = false,
): string {
  if (live) return "live mode: the unserved models' answers are unknown";
  if (dynamic) {
    return "dynamic pricing: the stage-game best response and the counterfactual users read fixed prices";
  }
  if (what === "regret") return "needs every decision row (--log-decisions all)";
  return none
    ? "mechanism none: this run is the no-mechanism user"
    : "needs scripted providers (an LLM seat cannot be replayed against another user)";
}

/**
 * Whether a run has a counterfactual block: recorded or synthetic records, fixed prices, the
 * mechanism on, and every seat scripted (an LLM seat cannot be replayed against another user).
 */
function counterfactualOf(
  cfg: DelegationConfig,
  engine: DelegationEngine,
  agents: readonly ProviderAgent[],
): boolean {
  return cfg.records.mode !== "live" && !engine.dynamicPricing && cfg.mechanism !== "none" &&
    agents.every((a) => a.kind.startsWith("policy:"));
}

/** Runs of at least this `T` play their counterfactual users on another thread. */
const OFF_THREAD_MIN_T = 100_000;

/**
 * A long run's counterfactual users, started on another thread while the run plays (`null`:
 * played at the end, on this thread; so are they when the worker fails).
 */
function counterfactualEarly(
  cfg: DelegationConfig,
  records: TaskRecords | undefined,
  engine: DelegationEngine,
  agents: readonly ProviderAgent[],
  seed: number,
): { seed: number; worlds: Promise<CounterfactualWorlds | undefined>; stop(): void } | null {
  if (!counterfactualOf(cfg, engine, agents) || cfg.T < OFF_THREAD_MIN_T) return null;
  // a registered strategy is not known to the worker
  if (!cfg.providers.every((p) => Object.hasOwn(BUILTIN_STRATEGIES, p.strategy))) return null;
  const strategies = cfg.providers.map((p) => p.strategy);
  const play = counterfactualOffThread({ config: cfg, records, seed, strategies });
  return { seed, worlds: play.result.catch(() => undefined), stop: play.stop };
}

/** The run's summary: the engine's, the regret and counterfactual blocks, the seats. */
async function summarizeRun(
  dir: string,
  cfg: DelegationConfig,
  engine: DelegationEngine,
  agents: readonly ProviderAgent[],
  logged: ProviderRegretTally | null,
  worlds: CounterfactualWorlds | undefined,
): Promise<Record<string, unknown>> {
  const state = engine.getState();
  const s = delegationSummary(cfg, state, await runPhaseSums(dir, engine, state.t));
  const calls = await readJsonl(join(dir, "llm_calls.jsonl"), LlmCallRecordSchema);
  const providers = Object.fromEntries(cfg.providers.map((p, i) => [String(i + 1), {
    name: p.name,
    kind: agents[i].kind,
    ...(agents[i].model ? { model: agents[i].model } : {}),
    models: p.models,
    eta: p.eta,
    ...(p.pricing ? { pricing: p.pricing } : {}),
  }]));
  const live = cfg.records.mode === "live", none = cfg.mechanism === "none";
  const dynamic = engine.dynamicPricing;
  const regret = live || dynamic
    ? null
    : await runRegret(dir, engine, agents, s.total_delegations, logged);
  const counterfactual = counterfactualOf(cfg, engine, agents)
    ? runCounterfactual({
      config: cfg,
      tables: engine.tables,
      seed: engine.seed,
      strategies: cfg.providers.map((p) => p.strategy),
      mechanism: { user_utility: s.total_user_utility, substitution_share: s.substitution_rate },
      worlds,
    })
    : null;
  return {
    ...s,
    regret,
    regret_kind: "stage-game",
    ...(regret ? {} : { regret_note: notComputed(live, none, "regret", dynamic) }),
    counterfactual,
    ...(counterfactual
      ? {}
      : { counterfactual_note: notComputed(live, none, "counterfactual", dynamic) }),
    ...(none ? { mechanism: "none" } : {}),
    records: cfg.records.mode === "recorded" ? `recorded:${cfg.records.dir}` : cfg.records.mode,
    rng: cfg.rng,
    providers,
    delegation_history: "decisions.jsonl",
    llm: usageTotals(calls),
  };
}

async function buildDelegation(config: DelegationConfig, ctx: BuildContext): Promise<BuiltRun> {
  const cfg = seatConfig(config, ctx);
  const records = await loadRecords(cfg);
  const engine = new DelegationEngine(cfg, { records });
  const agents = seatAgents(cfg, ctx, engine);
  // started when the run opens (a build only checked, e.g. a sweep's cell, starts nothing)
  let early: ReturnType<typeof counterfactualEarly> = null;
  const kinds = Object.fromEntries(agents.map((a) => [a.name, a.kind]));
  const llm = new Set(agents.filter((a) => !a.kind.startsWith("policy:")).map((a) => a.name));
  // The regret of the rows logged by this process, tallied as they are logged (a bad row
  // drops the tally: the summary then reads the rows back and reports the error there).
  let logged: ProviderRegretTally | null = cfg.records.mode === "live" || engine.dynamicPricing
    ? null
    : new ProviderRegretTally(engine);
  /** The delegation `agent` served this step, tallied for the regret as its row is logged. */
  const served = (agent: string, step: StepResult<DelegationObs, DelegationInfo>) => {
    const d = step.infos[agent].delegation!;
    if (logged) {
      try {
        logged.add(agent, d.provider_id, d.time, d.provider_utility, llm.has(agent));
      } catch {
        logged = null;
      }
    }
    return d;
  };
  const row = new DelegationRowWriter();
  return {
    engine,
    agents,
    decisionRow: (agent, decision, step) => {
      const d = served(agent, step);
      return delegationRow(d, decision.action as string, kinds[agent], decision.thought);
    },
    decisionRowJson: (agent, decision, step) =>
      row.of(served(agent, step), decision.action as string, kinds[agent], decision.thought),
    summarize: async ({ dir }) => {
      const worlds = early?.seed === engine.seed ? await early.worlds : undefined;
      return summarizeRun(dir, cfg, engine, agents, logged, worlds);
    },
    open: () => {
      early = counterfactualEarly(cfg, records, engine, agents, engine.seed);
    },
    close: () => early?.stop(),
    // the providers' pricing, beside the config in config.json, when the config sets any
    ...(cfg.providers.some((p) => p.pricing)
      ? {
        provenance: () =>
          Promise.resolve({
            pricing: {
              ...pricingView(cfg),
              specs: Object.fromEntries(
                cfg.providers.map((p, i) => [String(i + 1), p.pricing ?? { policy: "fixed" }]),
              ),
            },
          }),
      }
      : {}),
  };
}

/** The registered delegation experiment. */
export const delegationExperiment: Experiment<DelegationConfig> = {
  name: "delegation",
  description: "LLM delegation mechanism (Cao et al.): providers may substitute cheaper models",
  horizon: "T",
  decisionSchema: delegationDecisionObject,
  verdicts: DELEGATION_VERDICTS,
  runPolicy: { checkpointEvery: 10_000, logDecisions: "all" },
  flags: {
    strategies: {
      type: "string",
      description: "one strategy per provider, e.g. honest,ours,worst",
    },
    records: { type: "string", description: "recorded task records: a directory of JSONL files" },
    rng: { type: "string", description: "random stream: toolkit (default) or python" },
    pricing: {
      type: "string",
      description: "one pricing policy per provider, e.g. fixed,surge,undercut",
    },
  },
  applyFlags: applyDelegationFlags,
  parseConfig: parseDelegationConfig,
  build: buildDelegation,
  // the report modules load when a report is built, not when the CLI starts
  report: async (runDir) => (await import("./report.ts")).delegationReport(runDir),
  profile: delegationProfile,
  sampleReply: delegationSampleReply,
};
