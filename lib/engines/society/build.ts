/**
 * The society experiment as the run layer sees it: config, seats, citizens, decision rows,
 * summary, verdicts and report ({@linkcode societyRunExperiment}). `experiment.ts` adds
 * serving (the HTTP API and live page of `server.ts`) and registers it; `server.ts` opens its
 * runs with this one, so the two never import each other.
 *
 * Seats: without `--agents`, the citizens of the config play scripted policies
 * (`config.policies`, else {@linkcode DEFAULT_POLICY_MIX}, cycled). With `--agents`, the
 * agents file names the citizens in order (it replaces `config.citizens`) and may mix LLM
 * citizens and policies (`{"provider": "policy", "policy": "selfish"}`).
 *
 * @module
 */
import type { Agent } from "../../agents/agent.ts";
import { ConfigError } from "../../core/config.ts";
import { readRunLogs, usageTotals } from "../../core/summary.ts";
import type { BuildContext, BuiltRun, Experiment } from "../../run/experiment.ts";
import type { RunPolicy } from "../../run/run_policy.ts";
import { societyAblation } from "./ablation.ts";
import { createCitizen } from "./citizen.ts";
import { parseSocietyConfig, type SocietyConfig } from "./config.ts";
import type { SocietyDecision } from "./decision.ts";
import { SocietyDecisionSchema, societyRow } from "./decision_row.ts";
import { SocietyEngine } from "./engine.ts";
import {
  createSocietyPolicy,
  DEFAULT_POLICY_MIX,
  policyFor,
  SOCIETY_POLICIES,
} from "./policies.ts";
import type { SocietyInfo, SocietyObs } from "./state.ts";
import { societyRegretSummary, societySummary } from "./summary.ts";
import type { RegretEvent } from "./stage_regret.ts";
import { EventRecordSchema } from "../../core/records.ts";
import { streamJsonl } from "../../core/run_log.ts";
import { join } from "node:path";
import { societyProfile, societySampleReply } from "./profile.ts";
import { reseatScaledDefaults } from "./scaled_defaults.ts";
import { shelterRules } from "./shelter_rules.ts";

type Citizen = Agent<SocietyObs, SocietyInfo, SocietyDecision>;

/** The verdict fields of a society summary (see the module doc). */
export const SOCIETY_VERDICTS = ["survived_all", "collapse"] as const;

/**
 * The `collapse` verdict's threshold: the society collapsed when fewer than this share of its
 * citizens are alive at the end (half: 3 of 6 alive is not a collapse, 2 of 6 is).
 */
export const COLLAPSE_SURVIVOR_SHARE = 0.5;

/**
 * `true` when fewer than {@linkcode COLLAPSE_SURVIVOR_SHARE} of `citizens` survived.
 *
 * @example
 * ```ts
 * import { collapsed } from "./experiment.ts";
 * console.log(collapsed(3, 6), collapsed(2, 6)); // false true
 * ```
 */
export function collapsed(survivors: number, citizens: number): boolean {
  return survivors < COLLAPSE_SURVIVOR_SHARE * citizens;
}

/**
 * The config with the agents file's names as citizens (and the pool and budget rescaled to
 * their count when they were the scaled defaults); errors name the agents file.
 */
function seatConfig(config: SocietyConfig, ctx: BuildContext): SocietyConfig {
  if (!ctx.agents) return config;
  ctx.agents.forEach((spec, i) => {
    if (spec.provider === "policy" && !SOCIETY_POLICIES.includes(spec.policy!)) {
      throw new ConfigError(
        `agents[${i}].policy: '${spec.policy}' is not a society policy; expected one of ${
          SOCIETY_POLICIES.join(", ")
        }`,
      );
    }
  });
  try {
    const scaled = reseatScaledDefaults(config, ctx.agents.length);
    return parseSocietyConfig({ ...config, ...scaled, citizens: ctx.agents.map((a) => a.name) });
  } catch (e) {
    if (e instanceof ConfigError) {
      throw new ConfigError(`agents: ${e.message.replace(/^config\.citizens/, "names")}`);
    }
    throw e;
  }
}

function citizensOf(cfg: SocietyConfig, ctx: BuildContext): Citizen[] {
  const mix = cfg.policies ?? DEFAULT_POLICY_MIX;
  return cfg.citizens.map((name, i) => {
    const spec = ctx.agents?.[i];
    if (!spec || spec.provider === "policy") {
      const policy = spec?.policy ?? policyFor(i, mix);
      return createSocietyPolicy(policy, name, ctx.rng.derive(`agent:${name}`));
    }
    return createCitizen({
      name,
      model: ctx.chatModel(spec),
      recorder: ctx.recorder,
      config: cfg,
      lang: ctx.lang,
      temperature: spec.temperature,
      maxTokens: spec.max_tokens,
    });
  });
}

/**
 * The events the stage regret reads (`decision` and `allocation`), streamed from the run's
 * `events.jsonl` so that memory holds those alone (a decision event cut to its day, agent and
 * request), not the whole log of a run of thousands of citizens.
 */
async function regretEvents(path: string): Promise<RegretEvent[]> {
  const out: RegretEvent[] = [];
  for await (const e of streamJsonl(path, EventRecordSchema)) {
    if (e.type === "decision") {
      out.push({ round: e.round, type: e.type, agent: e.agent, request: e.request });
    } else if (e.type === "allocation") out.push(e);
  }
  return out;
}

/**
 * Builds a society run: the engine, its citizens, decision rows and the summary.
 *
 * @param config A parsed society config.
 * @param ctx The run's build context.
 * @returns The built run.
 * @throws {ConfigError} For an agents file whose names or policies do not fit.
 */
export function buildSociety(config: SocietyConfig, ctx: BuildContext): BuiltRun {
  const cfg = seatConfig(config, ctx);
  for (const p of cfg.policies ?? []) {
    if (!SOCIETY_POLICIES.includes(p)) {
      throw new ConfigError(
        `config.policies: '${p}' is not a society policy; expected one of ${
          SOCIETY_POLICIES.join(", ")
        }`,
      );
    }
  }
  const engine = new SocietyEngine(cfg);
  const agents = citizensOf(cfg, ctx);
  const who = Object.fromEntries(agents.map((a) => [a.name, { kind: a.kind, model: a.model }]));
  return {
    engine,
    agents,
    decisionRow: (agent, decision, step) =>
      societyRow(
        step.infos[agent] as SocietyInfo,
        decision as Parameters<typeof societyRow>[1],
        who[agent],
      ),
    async summarize({ dir }) {
      const summary = societySummary(engine.getState(), cfg);
      const { calls } = await readRunLogs(dir);
      const llm = usageTotals(calls);
      const events = await regretEvents(join(dir, "events.jsonl"));
      const llmSeats = agents.filter((a) => a.llm).map((a) => a.name);
      const citizenDays = Object.values(summary.per_citizen).reduce((a, c) => a + c.days_acted, 0);
      for (const [name, c] of Object.entries(summary.per_citizen)) {
        Object.assign(c, who[name]);
      }
      return {
        ...summary,
        survived_all: summary.govsim.survived_all,
        collapse: collapsed(summary.survivors.length, cfg.citizens.length),
        ...societyRegretSummary(events, llmSeats),
        llm,
        llm_tokens_per_citizen_day: llm.calls && citizenDays
          ? (llm.input_tokens + llm.output_tokens) / citizenDays
          : null,
        ablation: await societyAblation(cfg, ctx.lang),
      };
    },
    provenance: async () => ({
      ablation: await societyAblation(cfg, ctx.lang),
      rules: shelterRules(cfg),
    }),
  };
}

/**
 * The run policy of scripted society runs without flags (LLM runs checkpoint every day
 * whatever this says): a checkpoint every 10 days (and at the end or a clean stop), every
 * decision row. A checkpoint holds the whole state (every citizen, yesterday's infos and
 * events, the agents' memories), so at thousands of citizens a daily one costs about as
 * much as the day itself; a scripted run resumed after a kill replays at most 9 days, which
 * is cheap and deterministic. `--checkpoint-every 1` restores the daily checkpoint.
 */
export const SOCIETY_RUN_POLICY: Readonly<Partial<RunPolicy>> = Object.freeze({
  checkpointEvery: 10,
  logDecisions: "all",
});

/**
 * The society experiment without serving: what a run, a sweep, a notebook or the HTTP
 * server opens. The report (`report.ts`, with Polars and Vega) loads when asked for.
 */
export const societyRunExperiment: Experiment<SocietyConfig> = {
  name: "society",
  description: "Emergent society (shelter): resources, proposals, eliminations and appeals",
  horizon: "days",
  decisionSchema: SocietyDecisionSchema,
  verdicts: SOCIETY_VERDICTS,
  runPolicy: SOCIETY_RUN_POLICY,
  parseConfig: parseSocietyConfig,
  build: buildSociety,
  profile: societyProfile,
  sampleReply: societySampleReply,
  report: async (runDir) => (await import("./report.ts")).societyReport(runDir),
};
