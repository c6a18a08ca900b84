/**
 * The society ("shelter") experiment as the CLI, the HTTP server, sweeps and notebooks see
 * it: config, citizens, decision rows, summary, verdicts and report.
 *
 * Seats: without `--agents`, the citizens of the config play scripted policies
 * (`config.policies`, else {@linkcode DEFAULT_POLICY_MIX}, cycled). With `--agents`, the
 * agents file names the citizens in order (it replaces `config.citizens`) and may mix LLM
 * citizens and policies (`{"provider": "policy", "policy": "selfish"}`).
 *
 * Verdicts (booleans of `summary.json`, `"inconclusive"` when too many LLM decisions were
 * fallbacks):
 * - `survived_all`: the day limit was reached with every citizen alive (GovSim's survival);
 * - `collapse`: the society ended with fewer than half of its citizens alive (all dead,
 *   starved or voted out, or the token budget ran out over a decimated shelter).
 *
 * Ablations: the config's `prompt` section and `memory_length` switch parts of the LLM
 * citizens' prompt (see `config.ts`); a grid varies them by dotted key
 * (`"grid": {"prompt.show_token_budget": [true, false]}`). `summary.json` records the
 * switches in effect and the prompt variant as `ablation` ({@linkcode societyAblation}).
 *
 * @module
 */
import type { Agent } from "../../agents/agent.ts";
import { ConfigError } from "../../core/config.ts";
import { readRunLogs, usageTotals } from "../../core/summary.ts";
import type { BuildContext, BuiltRun, Experiment } from "../../run/experiment.ts";
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
import type { SocietyServer, SocietyServerOptions } from "./server.ts";
import type { SocietyInfo, SocietyObs } from "./state.ts";
import { societyRegretSummary, societySummary } from "./summary.ts";
import { EventRecordSchema } from "../../core/records.ts";
import { readJsonl } from "../../core/run_log.ts";
import { join } from "node:path";
import { societyProfile, societySampleReply } from "./profile.ts";

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

/** The config with the agents file's names as citizens; errors name the agents file. */
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
    return parseSocietyConfig({ ...config, citizens: ctx.agents.map((a) => a.name) });
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
      const events = await readJsonl(join(dir, "events.jsonl"), EventRecordSchema);
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
    provenance: async () => ({ ablation: await societyAblation(cfg, ctx.lang) }),
  };
}

/**
 * The registered society experiment. Besides the {@linkcode Experiment} contract it can be
 * served: `serve(options)` starts the HTTP API and live page (`deno task serve` finds it
 * through the registry, so the CLI names no engine).
 */
export const societyExperiment: Experiment<SocietyConfig> & {
  serve(options: SocietyServerOptions): Promise<SocietyServer>;
} = {
  name: "society",
  description: "Emergent society (shelter): resources, proposals, eliminations and appeals",
  horizon: "days",
  decisionSchema: SocietyDecisionSchema,
  verdicts: SOCIETY_VERDICTS,
  parseConfig: parseSocietyConfig,
  build: buildSociety,
  profile: societyProfile,
  sampleReply: societySampleReply,
  // Polars, Vega and the server load when used, not when the CLI starts.
  report: async (runDir, outDir) =>
    (await import("./report.ts")).writeSocietyReport(runDir, outDir),
  serve: async (options) => (await import("./server.ts")).startSocietyServer(options),
};

export { societyAblation };
