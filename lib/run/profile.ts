/**
 * A model's profile across the experiments that declare a profile part
 * ({@linkcode Experiment.profile}): for each model, each experiment's conditions (the model
 * in one seat, in every seat...) x each seed, run as ordinary run directories inside one
 * profile directory, under one budget and one cache; then the card's figures with intervals
 * over seeds.
 *
 * Layout: `<profile>/profile.json` (the plan), `<profile>/runs/<model>/<experiment>-<condition>-s<seed>/`
 * (run directories), `<profile>/cache/` (the replies cache, by default) and
 * `<profile>/card.json` (the card's data, computed by `collectProfile` of
 * `lib/analysis/profile.ts`). Rerunning skips finished runs and resumes unfinished ones. Experiments are found through a lookup function (the CLI's registry), so
 * nothing here names an engine.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../core/config.ts";
import { LlmCallRecordSchema, SCHEMA_VERSION } from "../core/records.ts";
import { readJsonl, writeJsonAtomic } from "../core/run_log.ts";
import { PROFILE_FILES } from "../core/catalog.ts";
import { exists, isRunDir, readRunConfig, RUN_FILES } from "../core/run_dir.ts";
import { type AgentSpec, redactAgents } from "../llm/agents_file.ts";
import type { SharedLimits } from "../llm/factory.ts";
import type { Experiment, ProfileOptions } from "./experiment.ts";
import { agentsDifference, openRun, resumeRun, type RunRequest, runToEnd } from "./open.ts";
import type { RunOutcome } from "./session.ts";

/** What to profile. */
export interface ProfileSpec {
  /** The models, one agents-file entry each; their names name them on the card. */
  models: AgentSpec[];
  /** Inclusive seed range. */
  seeds: [number, number];
  /** The experiments to run (default: every one with a profile part, in lookup order). */
  experiments: string[];
  /** Base config per experiment (before seating). */
  configs?: Record<string, Record<string, unknown>>;
  /** Horizon per experiment (its horizon field: rounds, days, T...). */
  horizons?: Record<string, number>;
  options?: ProfileOptions;
  lang?: "zh" | "en";
}

/** One planned run. */
export interface PlannedRun {
  model: string;
  experiment: string;
  condition: string;
  seed: number;
  /** The run directory, relative to the profile directory. */
  dir: string;
  /** The run without its directory, budget and cache. */
  request: RunRequest;
  /** The seats the model plays. */
  seats: string[];
}

/** A file-system-safe form of a model name. */
export function modelSlug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 64);
}

/**
 * Every run of a profile, in order (model, experiment, condition, seed).
 *
 * @throws {ConfigError} For an unknown experiment, one without a profile part, two models
 * of the same name or a config that does not validate.
 */
export function planProfile(
  spec: ProfileSpec,
  lookup: (name: string) => Experiment | undefined,
): PlannedRun[] {
  const names = new Set<string>();
  for (const m of spec.models) {
    if (m.provider === "policy") {
      throw new ConfigError(`--agents: '${m.name}' is a policy; a profile is of an LLM`);
    }
    if (names.has(modelSlug(m.name))) {
      throw new ConfigError(`--agents: two models are named '${m.name}'; rename one`);
    }
    names.add(modelSlug(m.name));
  }
  const plan: PlannedRun[] = [];
  for (const m of spec.models) {
    for (const name of spec.experiments) {
      const experiment = lookup(name);
      if (!experiment) throw new ConfigError(`profile: experiment '${name}' is unknown`);
      if (!experiment.profile) {
        throw new ConfigError(`profile: experiment '${name}' has no profile part`);
      }
      const base = { ...(spec.configs?.[name] ?? {}) };
      const horizon = spec.horizons?.[name];
      if (horizon !== undefined) base[experiment.horizon] = horizon;
      let parsed: Record<string, unknown>;
      try {
        parsed = experiment.parseConfig(base) as Record<string, unknown>;
      } catch (e) {
        if (e instanceof ConfigError) throw new ConfigError(`${name}: ${e.message}`);
        throw e;
      }
      for (const c of experiment.profile.conditions) {
        const seated = c.seat(m, base, parsed, spec.options ?? {});
        for (let seed = spec.seeds[0]; seed <= spec.seeds[1]; seed++) {
          plan.push({
            model: m.name,
            experiment: name,
            condition: c.name,
            seed,
            dir: join("runs", modelSlug(m.name), `${name}-${c.name}-s${seed}`),
            request: {
              experiment,
              config: seated.config,
              seed,
              agents: seated.agents,
              lang: spec.lang ?? "en",
            },
            seats: seated.agents.filter((a) => a.provider !== "policy").map((a) => a.name),
          });
        }
      }
    }
  }
  return plan;
}

/** LLM use read from run directories' `llm_calls.jsonl`. */
export interface Usage {
  calls: number;
  input: number;
  output: number;
  usd: number;
}

/** The LLM use logged in one run directory (zero when it has no calls yet). */
export async function runUsage(dir: string): Promise<Usage> {
  const path = join(dir, RUN_FILES.llmCalls);
  const u = { calls: 0, input: 0, output: 0, usd: 0 };
  if (!(await exists(path))) return u;
  for (const c of await readJsonl(path, LlmCallRecordSchema, { tolerateTornTail: true })) {
    u.calls++;
    u.input += c.input_tokens;
    u.output += c.output_tokens;
    u.usd += c.cost_usd;
  }
  return u;
}

/** Options of {@linkcode runProfile}. */
export interface RunProfileOptions {
  spec: ProfileSpec;
  /** The profile directory. */
  dir: string;
  lookup(name: string): Experiment | undefined;
  /** Replies cache. @default {"<dir>/cache"} */
  cacheDir?: string;
  offline?: boolean;
  /** One budget for the whole profile (every run counts against it). */
  maxTokens?: number;
  maxUsd?: number;
  maxFallbackShare?: number;
  argv?: string[];
  /** One line per run. */
  log?(line: string): void;
  signal?: AbortSignal;
}

/** How a profile ended. */
export interface ProfileResult {
  dir: string;
  plan: PlannedRun[];
  status: "completed" | RunOutcome["status"];
  /** Runs played now / found finished. */
  ran: number;
  skipped: number;
  reason?: string;
}

async function checkPlanFile(dir: string, spec: ProfileSpec): Promise<void> {
  const path = join(dir, PROFILE_FILES.plan);
  const models = redactAgents(spec.models);
  if (await exists(path)) {
    const before = JSON.parse(await Deno.readTextFile(path)) as { models: AgentSpec[] };
    const diff = agentsDifference(before.models, models);
    if (diff) {
      throw new ConfigError(`--agents: the profile in ${dir} was begun with others: ${diff}`);
    }
  }
  await Deno.mkdir(dir, { recursive: true });
  await writeJsonAtomic(path, {
    v: SCHEMA_VERSION,
    kind: "profile",
    models,
    seeds: spec.seeds,
    experiments: spec.experiments,
    configs: spec.configs ?? {},
    horizons: spec.horizons ?? {},
    options: spec.options ?? {},
    lang: spec.lang ?? "en",
    updated_at: new Date().toISOString(),
  });
}

/**
 * Plays every run of a profile that is not finished (resuming interrupted ones), under one
 * budget: before each run, the tokens and dollars the other runs used are taken off the
 * limits. Stops at the first run that does not complete (budget, interrupt).
 */
export async function runProfile(options: RunProfileOptions): Promise<ProfileResult> {
  const { spec, dir, lookup } = options;
  const plan = planProfile(spec, lookup);
  await checkPlanFile(dir, spec);
  const cacheDir = options.cacheDir ?? join(dir, "cache");
  const limits: SharedLimits = new Map();
  const log = options.log ?? (() => {});
  let ran = 0, skipped = 0;
  const usage = new Map<string, Usage>();
  for (const p of plan) usage.set(p.dir, await runUsage(join(dir, p.dir)));
  for (const p of plan) {
    const runDir = join(dir, p.dir);
    if (await exists(join(runDir, RUN_FILES.summary))) {
      skipped++;
      continue;
    }
    let others = { tokens: 0, usd: 0 };
    for (const [d, u] of usage) {
      if (d !== p.dir) {
        others = { tokens: others.tokens + u.input + u.output, usd: others.usd + u.usd };
      }
    }
    const left = {
      maxTokens: options.maxTokens === undefined ? undefined : options.maxTokens - others.tokens,
      maxUsd: options.maxUsd === undefined ? undefined : options.maxUsd - others.usd,
    };
    if ((left.maxTokens ?? 1) <= 0 || (left.maxUsd ?? 1) <= 0) {
      const reason = `the profile's budget is spent (${others.tokens} tokens, $${
        others.usd.toFixed(4)
      })`;
      return { dir, plan, status: "stopped_budget", ran, skipped, reason };
    }
    const common = {
      cacheDir,
      offline: options.offline,
      maxTokens: left.maxTokens,
      maxUsd: left.maxUsd,
      reportsRoot: null,
      maxFallbackShare: options.maxFallbackShare,
    };
    let session;
    if (await isRunDir(runDir)) {
      // A resumed run keeps the limits it began with unless told otherwise: lift them
      // when the profile now has none.
      const o = (await readRunConfig(runDir)).options as Record<string, unknown>;
      const lift = {
        maxTokens: common.maxTokens ?? (o.max_tokens == null ? undefined : Number.MAX_SAFE_INTEGER),
        maxUsd: common.maxUsd ?? (o.max_usd == null ? undefined : Number.MAX_VALUE),
      };
      session = await resumeRun(
        runDir,
        lookup,
        { ...common, ...lift, agents: p.request.agents },
        limits,
      );
    } else {
      session = await openRun({ ...p.request, ...common, out: runDir, argv: options.argv }, limits);
    }
    const r = await runToEnd(session, { signal: options.signal });
    usage.set(p.dir, await runUsage(runDir));
    if (r.outcome.status !== "completed") {
      return { dir, plan, status: r.outcome.status, ran, skipped, reason: r.outcome.reason };
    }
    ran++;
    log(`${p.model} ${p.experiment}-${p.condition}-s${p.seed}: done`);
  }
  return { dir, plan, status: "completed", ran, skipped };
}

/** The requests of every run of a profile (for `--estimate`). */
export function profileRequests(
  spec: ProfileSpec,
  lookup: (name: string) => Experiment | undefined,
): RunRequest[] {
  return planProfile(spec, lookup).map((p) => p.request);
}
