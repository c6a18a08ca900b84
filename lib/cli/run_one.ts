/**
 * One run, start to finish: validate everything first (a bad flag or file leaves no run
 * directory behind), create the run directory, write `config.json` (secrets redacted), play
 * the rounds with logs flushed as they go, write `summary.json` and the report. Also
 * resumes an interrupted run from its checkpoints.
 *
 * @module
 */
import { basename, join } from "node:path";
import { CallRecorder } from "../agents/call_recorder.ts";
import { ConfigError, readJsonFile } from "../core/config.ts";
import type { BuiltRun, Experiment } from "../core/experiment.ts";
import { ProgressBar } from "../core/progress.ts";
import {
  CheckpointRecordSchema,
  LlmCallRecordSchema,
  type RunConfig,
  RunConfigSchema,
  SCHEMA_VERSION,
} from "../core/records.ts";
import { Rng } from "../core/rng.ts";
import { readJsonl, RunLog, writeJsonAtomic } from "../core/run_log.ts";
import { type RunOutcome, runRounds } from "../core/runner.ts";
import { type AgentSpec, redactAgents } from "../llm/agents_file.ts";
import { Budget } from "../llm/budget.ts";
import { createChatModel } from "../llm/factory.ts";
import { writeGenericReport } from "../reports/generic_report.ts";

/** What to run. */
export interface RunRequest {
  experiment: Experiment;
  /** The engine config object before validation (file merged with flag overrides). */
  config: Record<string, unknown>;
  seed: number;
  lang?: "zh" | "en";
  agents?: AgentSpec[] | null;
  /** The exact run directory; default `<runsRoot>/<experiment>-<UTC>-s<seed>`. */
  out?: string;
  runsRoot?: string;
  /** Where `<run-id>/report.html` goes. @default {"reports"} */
  reportsRoot?: string | null;
  cacheDir?: string;
  offline?: boolean;
  maxTokens?: number;
  maxUsd?: number;
  replay?: string;
  quiet?: boolean;
  env?: (name: string) => string | undefined;
}

/** What a run produced. */
export interface RunResult {
  dir: string;
  id: string;
  experiment: string;
  outcome: RunOutcome;
  summary: Record<string, unknown>;
  report?: string;
}

function utcStamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

interface Prepared {
  request: RunRequest;
  parsedConfig: Record<string, unknown>;
  built: BuiltRun;
  recorder: CallRecorder;
  budget: Budget;
}

async function prepare(request: RunRequest): Promise<Prepared> {
  const { experiment, seed, lang = "en" } = request;
  if (!Number.isSafeInteger(seed)) throw new ConfigError(`--seed: must be an integer, got ${seed}`);
  if (request.replay && !experiment.replay) {
    throw new ConfigError(`--replay: the ${experiment.name} experiment has no replay`);
  }
  if (request.replay && !(await exists(request.replay))) {
    throw new ConfigError(`--replay: file not found: ${request.replay}`);
  }
  for (const [flag, path] of [["--out", request.out], ["--reports", request.reportsRoot]]) {
    if (path && (await exists(path)) && !(await Deno.stat(path)).isDirectory) {
      throw new ConfigError(`${flag}: ${path} exists and is not a directory`);
    }
  }
  const parsedConfig = experiment.parseConfig(request.config) as Record<string, unknown>;
  const recorder = new CallRecorder();
  const budget = new Budget({ maxTokens: request.maxTokens, maxUsd: request.maxUsd });
  const built = await experiment.build(parsedConfig, {
    seed,
    rng: new Rng(seed),
    lang,
    agents: request.agents ?? null,
    recorder,
    replay: request.replay,
    chatModel: (spec) =>
      createChatModel(spec, {
        cacheDir: request.cacheDir,
        offline: request.offline,
        budget,
        env: request.env,
      }),
  });
  return { request, parsedConfig, built, recorder, budget };
}

async function play(p: Prepared, dir: string, resume: boolean): Promise<RunResult> {
  const { request, built, recorder, budget } = p;
  const id = basename(dir);
  let from;
  if (resume) {
    const cps = await readJsonl(join(dir, "checkpoints.jsonl"), CheckpointRecordSchema, {
      tolerateTornTail: true,
    });
    from = cps.at(-1);
    if (!from) throw new ConfigError(`--resume: ${dir} has no checkpoint to resume from`);
    await RunLog.truncateTo(dir, from.round);
    const calls = await readJsonl(join(dir, "llm_calls.jsonl"), LlmCallRecordSchema);
    recorder.restore({
      calls: calls.length,
      input: calls.reduce((s, c) => s + c.input_tokens, 0),
      output: calls.reduce((s, c) => s + c.output_tokens, 0),
      cached: calls.reduce((s, c) => s + c.cached_tokens, 0),
      usd: calls.reduce((s, c) => s + c.cost_usd, 0),
    });
  }
  const log = RunLog.create(dir);
  recorder.attach((row) => log.append("llm_calls", row));
  const rounds = typeof p.parsedConfig.rounds === "number" ? p.parsedConfig.rounds : undefined;
  const bar = new ProgressBar({ label: id, total: rounds, quiet: request.quiet });
  let outcome: RunOutcome;
  try {
    outcome = await runRounds({
      built,
      log,
      recorder,
      budget,
      seed: request.seed,
      rounds,
      from,
      onProgress: (pr) =>
        bar.update({ done: pr.round, agents: pr.agents, tokens: pr.tokens, usd: pr.usd }),
    });
  } finally {
    bar.finish();
    log.close();
  }
  if (outcome.status !== "completed") {
    return { dir, id, experiment: request.experiment.name, outcome, summary: {} };
  }
  const summary = {
    v: SCHEMA_VERSION,
    experiment: request.experiment.name,
    seed: request.seed,
    status: outcome.status,
    ...(await built.summarize(dir)),
  };
  await writeJsonAtomic(join(dir, "summary.json"), summary);
  let report: string | undefined;
  if (request.reportsRoot !== null) {
    const outDir = join(request.reportsRoot ?? "reports", id);
    await Deno.mkdir(outDir, { recursive: true });
    report = built.report
      ? await built.report(dir, outDir)
      : await writeGenericReport(dir, outDir, summary);
  }
  return { dir, id, experiment: request.experiment.name, outcome, summary, report };
}

/**
 * Checks a request as {@linkcode startRun} would (config, agents against the seats, replay
 * file, policy names, API keys) without creating anything; throws `ConfigError`.
 */
export async function validateRun(request: RunRequest): Promise<void> {
  await prepare({ ...request, quiet: true });
}

/** Validates, creates the run directory and plays the run. */
export async function startRun(request: RunRequest): Promise<RunResult> {
  const prepared = await prepare(request);
  let dir = request.out;
  if (!dir) {
    const base = join(
      request.runsRoot ?? join("data", "runs"),
      `${request.experiment.name}-${utcStamp()}-s${request.seed}`,
    );
    dir = base;
    for (let i = 2; await exists(dir); i++) dir = `${base}-${i}`;
  } else if (await exists(join(dir, "config.json"))) {
    throw new ConfigError(`--out: ${dir} already holds a run; use --resume ${dir} to continue it`);
  }
  await Deno.mkdir(dir, { recursive: true });
  const config: RunConfig = {
    v: SCHEMA_VERSION,
    experiment: request.experiment.name,
    seed: request.seed,
    created_at: new Date().toISOString(),
    options: {
      lang: request.lang ?? "en",
      cache: request.cacheDir ?? null,
      offline: request.offline ?? false,
      max_tokens: request.maxTokens ?? null,
      max_usd: request.maxUsd ?? null,
      replay: request.replay ?? null,
    },
    config: prepared.parsedConfig,
    agents: request.agents ? redactAgents(request.agents) : null,
  };
  await writeJsonAtomic(join(dir, "config.json"), config);
  return await play(prepared, dir, false);
}

/** Options that may change on resume. */
export interface ResumeOverrides {
  agents?: AgentSpec[] | null;
  cacheDir?: string;
  offline?: boolean;
  maxTokens?: number;
  maxUsd?: number;
  quiet?: boolean;
  reportsRoot?: string | null;
  env?: (name: string) => string | undefined;
}

/** Continues an interrupted run from its last checkpoint. */
export async function resumeRun(
  dir: string,
  lookup: (name: string) => Experiment | undefined,
  overrides: ResumeOverrides = {},
): Promise<RunResult> {
  const raw = await readJsonFile(join(dir, "config.json"));
  const parsed = RunConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`--resume: ${dir}/config.json is not a run config`);
  const rc = parsed.data;
  const experiment = lookup(rc.experiment);
  if (!experiment) throw new ConfigError(`--resume: unknown experiment '${rc.experiment}'`);
  const o = rc.options as Record<string, unknown>;
  if (overrides.agents && rc.agents) {
    // Only the secrets may differ: the same seats, providers, models and policies.
    const strip = (a: readonly AgentSpec[]) =>
      JSON.stringify(redactAgents(a).map(({ api_key: _k, ...rest }) => rest));
    if (strip(overrides.agents) !== strip(rc.agents as AgentSpec[])) {
      throw new ConfigError(
        `--agents: differs from the agents the run in ${dir} began with (only keys may change on resume)`,
      );
    }
  } else if (overrides.agents && !rc.agents) {
    throw new ConfigError(`--agents: the run in ${dir} began without an agents file`);
  }
  const request: RunRequest = {
    experiment,
    config: rc.config,
    seed: rc.seed,
    lang: (o.lang as "zh" | "en") ?? "en",
    agents: overrides.agents ?? (rc.agents as AgentSpec[] | null),
    cacheDir: overrides.cacheDir ?? (o.cache as string | null) ?? undefined,
    offline: overrides.offline ?? (o.offline as boolean) ?? false,
    maxTokens: overrides.maxTokens ?? (o.max_tokens as number | null) ?? undefined,
    maxUsd: overrides.maxUsd ?? (o.max_usd as number | null) ?? undefined,
    replay: (o.replay as string | null) ?? undefined,
    quiet: overrides.quiet,
    reportsRoot: overrides.reportsRoot,
    env: overrides.env,
  };
  return await play(await prepare(request), dir, true);
}
