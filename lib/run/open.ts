/**
 * The run life cycle: validate everything first (a bad flag or file leaves no run directory
 * behind), create and lock the run directory, write `config.json` (secrets redacted, with
 * provenance), and hand back a {@linkcode RunSession}; or reopen an interrupted run from its
 * last checkpoint. {@linkcode runToEnd} plays a session through and finishes it.
 *
 * @example
 * ```ts ignore
 * import { openRun, runToEnd } from "./open.ts";
 * import { ipdExperiment } from "../engines/ipd/experiment.ts";
 * const session = await openRun({ experiment: ipdExperiment, config: { rounds: 5 }, seed: 1,
 *   runsRoot: await Deno.makeTempDir(), reportsRoot: null });
 * const result = await runToEnd(session);
 * console.log(result.summary.validity); // { llm_decisions: 0, ..., valid: true }
 * ```
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { CallRecorder } from "../agents/call_recorder.ts";
import { ConfigError } from "../core/config.ts";
import {
  CheckpointRecordSchema,
  LlmCallRecordSchema,
  SCHEMA_VERSION,
  STREAM_SCHEMAS,
} from "../core/records.ts";
import type { CheckpointRecord, LlmCallRecord, RunConfig } from "../core/records.ts";
import {
  LogFormatError,
  parseLogLine,
  readJsonl,
  RunLog,
  streamJsonl,
  writeJsonAtomic,
} from "../core/run_log.ts";
import { type VerifiedLogs, verifyLogs } from "../core/verify_logs.ts";
import {
  type AgentSpec,
  checkAgentFields,
  redactAgents,
  registerAgentPrices,
} from "../llm/agents_file.ts";
import { Budget } from "../llm/budget.ts";
import { canonicalJson, sha256Hex } from "../llm/canonical.ts";
import { DrawLedger } from "../llm/draws.ts";
import { createChatModel, quotaLimits, type SharedLimits } from "../llm/factory.ts";
import { type BuildRequest, buildRun, runConfigOf } from "./build.ts";
import type { BuiltRun, Experiment, ReportWriter } from "./experiment.ts";
import { provenance } from "./provenance.ts";
import {
  acquireLock,
  exists,
  freshDir,
  isRunDir,
  readRunConfig,
  RUN_FILES,
  type RunLock,
  utcStamp,
} from "../core/run_dir.ts";
import { parseRunPolicy, type RunPolicy, type RunPolicyInput } from "./run_policy.ts";
import { type RunResult, RunSession, type RunUntilOptions } from "./session.ts";
import { DEFAULT_MAX_FALLBACK_SHARE } from "../core/validity.ts";

/**
 * What to run: the experiment, its config and the run's settings ({@linkcode BuildRequest}:
 * `experiment`, `config`, `seed`, `horizon`, `lang`, `agents`, `replay`), and where and how.
 */
export interface RunRequest extends BuildRequest {
  /** The exact run directory; default `<runsRoot>/<experiment>-<UTC>-s<seed>`. */
  out?: string;
  /** The folder of run directories, when `out` is not given. @default {"data/runs"} */
  runsRoot?: string;
  /** Where `<run-id>/report.html` goes; `null` for none. @default {"reports"} */
  reportsRoot?: string | null;
  /**
   * Writes the finished run's report into `<reportsRoot>/<run-id>/` (the CLI's writes
   * `report.md`, `report.html` and the charts); without it no report is written.
   */
  writeReport?: ReportWriter;
  /** The record/replay cache folder of LLM calls (`--cache`). */
  cacheDir?: string;
  /** Fail on a cache miss instead of calling a model (`--offline`, needs `cacheDir`). */
  offline?: boolean;
  /** Token budget for the whole run, input plus output (`--max-tokens`). */
  maxTokens?: number;
  /** Dollar budget for the whole run (`--max-usd`). */
  maxUsd?: number;
  /** `--checkpoint-every`, `--log-decisions`. */
  policy?: RunPolicyInput;
  /** `--max-fallback`. @default {0.1} */
  maxFallbackShare?: number;
  /** The command line, recorded (keys redacted) in `config.json`. */
  argv?: string[];
  /** Reads an environment variable (the API keys). @default {Deno.env.get} */
  env?: (name: string) => string | undefined;
}

/**
 * Refuses a directory flag whose path is a file, or under which nothing can be written
 * (probed with a temporary file in the nearest existing folder, removed at once).
 */
async function checkWritableDir(flag: string, path: string): Promise<void> {
  if (await exists(path) && !(await Deno.stat(path)).isDirectory) {
    throw new ConfigError(`${flag}: ${path} exists and is not a directory`);
  }
  let at = resolve(path);
  const fail = (why: string): never => {
    throw new ConfigError(`${flag}: cannot write under ${at}: ${why}`);
  };
  // The nearest existing folder: only "not found" walks up; any other error (a folder this
  // process may not read, e.g. under /proc) is the answer.
  let info: Deno.FileInfo | null = null;
  for (;;) {
    try {
      info = await Deno.stat(at);
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) fail("not accessible");
      if (dirname(at) === at) fail("no existing folder");
      at = dirname(at);
    }
  }
  if (!info!.isDirectory) fail("not a directory");
  try {
    await Deno.remove(await Deno.makeTempFile({ dir: at, prefix: ".lab-write-check-" }));
  } catch (e) {
    // The OS reason only: Deno's own text may suggest a permission flag, which is not the fix.
    fail((e as Error).message.split(/: |\n/)[0]);
  }
}

interface Prepared {
  request: RunRequest;
  parsedConfig: Record<string, unknown>;
  built: BuiltRun;
  recorder: CallRecorder;
  budget: Budget;
  policy: RunPolicy;
  draws: DrawLedger;
}

async function prepare(request: RunRequest, limits?: SharedLimits): Promise<Prepared> {
  const { experiment, seed, lang = "en" } = request;
  if (!Number.isSafeInteger(seed)) throw new ConfigError(`--seed: must be an integer, got ${seed}`);
  if (request.replay && !experiment.replay) {
    throw new ConfigError(`--replay: the ${experiment.name} experiment has no replay`);
  }
  if (request.replay && !(await exists(request.replay))) {
    throw new ConfigError(`--replay: file not found: ${request.replay}`);
  }
  for (
    const [flag, path] of [
      ["--out", request.out],
      ["--reports", request.reportsRoot],
      ["--cache", request.cacheDir],
    ]
  ) {
    if (path) await checkWritableDir(flag!, path);
  }
  const maxShare = request.maxFallbackShare ?? DEFAULT_MAX_FALLBACK_SHARE;
  if (!(maxShare >= 0 && maxShare <= 1)) {
    throw new ConfigError(`--max-fallback: must be a share in [0, 1], got ${maxShare}`);
  }
  const parsedConfig = runConfigOf(request);
  // Prices from the agents file, in this thread too (a sweep worker, a resume from the
  // saved agents).
  if (request.agents) {
    checkAgentFields(request.agents, experiment.name, experiment.agentFields);
    registerAgentPrices(request.agents);
  }
  const recorder = new CallRecorder();
  const budget = new Budget({ maxTokens: request.maxTokens, maxUsd: request.maxUsd });
  const draws = new DrawLedger();
  const run = await runDesign(experiment.name, parsedConfig, lang, request.agents);
  const withQuota = quotaLimits(request.agents ?? [], request.env);
  const built = await buildRun(
    request,
    parsedConfig,
    recorder,
    (spec) =>
      createChatModel(withQuota(spec), {
        cacheDir: request.cacheDir,
        offline: request.offline,
        budget,
        env: request.env,
        limits,
        draws,
        seed,
        run,
      }),
  );
  // LLM runs checkpoint and log every step: each step costs money.
  const llm = built.agents.some((a) => a.llm);
  const base = llm ? undefined : experiment.runPolicy;
  const policy = parseRunPolicy(request.policy ?? {}, { ...parseRunPolicy({}), ...base });
  if (experiment.needsAllRows && policy.logDecisions !== "all") {
    throw new ConfigError(
      `--log-decisions: the ${experiment.name} summary is computed from every decision row; use all`,
    );
  }
  return { request, parsedConfig, built, recorder, budget, policy, draws };
}

function horizonOf(p: Prepared): number | undefined {
  const h = p.parsedConfig[p.request.experiment.horizon];
  return typeof h === "number" ? h : undefined;
}

function makeSession(
  p: Prepared,
  dir: string,
  lock: RunLock,
  from?: CheckpointRecord,
  cursors?: VerifiedLogs["cursors"],
): RunSession {
  const log = RunLog.create(dir, {
    schemas: { decisions: p.request.experiment.decisionSchema },
    autoFlush: false,
    continueFrom: cursors,
    // scripted runs are reproducible from their seed: their rows are validated by sample
    // (all of them again on read and on resume); an LLM run's rows are validated one by one
    validate: p.built.agents.some((a) => a.llm) ? "all" : "sampled",
  });
  // A call is paid for: its row reaches the disk at once, whatever else is buffered.
  p.recorder.attach((row) => {
    log.append("llm_calls", row);
    log.flush();
  });
  try {
    return new RunSession({
      experiment: p.request.experiment,
      built: p.built,
      dir,
      id: basename(dir),
      seed: p.request.seed,
      log,
      recorder: p.recorder,
      budget: p.budget,
      policy: p.policy,
      lock,
      horizon: horizonOf(p),
      maxFallbackShare: p.request.maxFallbackShare ?? DEFAULT_MAX_FALLBACK_SHARE,
      reportsRoot: p.request.reportsRoot === undefined ? "reports" : p.request.reportsRoot,
      writeReport: p.request.writeReport,
      from,
    });
  } catch (e) {
    log.close();
    throw e;
  }
}

/**
 * Checks a request as {@linkcode openRun} would (config, agents against the seats, replay
 * file, policy names, API keys) without creating anything.
 *
 * @throws {ConfigError} Naming the flag, file or field.
 */
export async function validateRun(request: RunRequest): Promise<void> {
  await prepare(request);
}

/** Validates, creates and locks the run directory, writes `config.json`, opens a session. */
export async function openRun(request: RunRequest, limits?: SharedLimits): Promise<RunSession> {
  const p = await prepare(request, limits);
  let dir = request.out;
  if (!dir) {
    dir = await freshDir(
      request.runsRoot ?? join("data", "runs"),
      `${request.experiment.name}-${utcStamp()}-s${request.seed}`,
    );
  } else if (await isRunDir(dir)) {
    throw new ConfigError(`--out: ${dir} already holds a run; use --resume ${dir} to continue it`);
  }
  const lock = await acquireLock(dir);
  try {
    if (await isRunDir(dir)) {
      throw new ConfigError(
        `--out: ${dir} already holds a run; use --resume ${dir} to continue it`,
      );
    }
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
        max_fallback_share: request.maxFallbackShare ?? DEFAULT_MAX_FALLBACK_SHARE,
        checkpoint_every: p.policy.checkpointEvery,
        log_decisions: p.policy.logDecisions,
      },
      config: p.parsedConfig,
      agents: request.agents ? redactAgents(request.agents) : null,
      provenance: {
        ...(await p.built.provenance?.()),
        ...await provenance({
          argv: request.argv,
          // the static system prompt of each LLM seat, hashed
          prompts: Object.fromEntries(
            p.built.agents.filter((a) => a.system).map((a) => [a.name, a.system!]),
          ),
        }),
      },
    };
    await writeJsonAtomic(join(dir, RUN_FILES.config), config);
    return makeSession(p, dir, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** Options that may change on resume. */
export interface ResumeOverrides {
  /**
   * The agents file again (literal keys are not saved); its seats must play as before (same
   * name, provider, model, policy, base URL, temperature, max tokens and structured output).
   * @default {the run's saved agents}
   */
  agents?: AgentSpec[] | null;
  /** The record/replay cache folder. @default {the run's} */
  cacheDir?: string;
  /** Fail on a cache miss instead of calling a model. @default {the run's} */
  offline?: boolean;
  /** Token budget for the whole run. @default {the run's} */
  maxTokens?: number;
  /** Dollar budget for the whole run. @default {the run's} */
  maxUsd?: number;
  /** Where `<run-id>/report.html` goes; `null` for none. */
  reportsRoot?: string | null;
  /** Writes the finished run's report (see {@linkcode RunRequest.writeReport}). */
  writeReport?: ReportWriter;
  /** The largest share of LLM decisions that may be fallbacks. @default {the run's} */
  maxFallbackShare?: number;
  /** Reads an environment variable (the API keys). @default {Deno.env.get} */
  env?: (name: string) => string | undefined;
}

/**
 * A hash of what a run plays (experiment, resolved config, language, each seat's playing
 * fields): part of every draw's identity, so two conditions of a profile or two cells of a
 * sweep never share a cached reply, while a rerun or a resume of the same run does.
 */
async function runDesign(
  experiment: string,
  config: Record<string, unknown>,
  lang: string,
  agents: readonly AgentSpec[] | null | undefined,
): Promise<string> {
  // a key in a base_url's query is not part of the design (a resume may use another key)
  const seats = redactAgents(agents ?? []).map((a) => {
    const seat = a as Record<string, unknown>;
    return Object.fromEntries([
      ...PLAYING_FIELDS.map((f) => [f, seat[f] ?? null]),
      // set only where given, so the designs of runs without them stay what they were
      ...OPTIONAL_PLAYING_FIELDS.filter((f) => seat[f] !== undefined).map((f) => [f, seat[f]]),
    ]);
  });
  return (await sha256Hex(canonicalJson({ experiment, config, lang, seats }))).slice(0, 16);
}

/** Settings of a seat that change how the experiment plays (others may change on resume). */
const PLAYING_FIELDS = [
  "name",
  "provider",
  "model",
  "policy",
  "base_url",
  "temperature",
  "max_tokens",
  "structured",
] as const;

/** Playing settings only some experiments read (e.g. a miner's hash power). */
const OPTIONAL_PLAYING_FIELDS = ["hash_power"] as const;

/** Names the first seat and field where two agents lists differ in a way that matters. */
export function agentsDifference(
  before: readonly Record<string, unknown>[],
  after: readonly Record<string, unknown>[],
): string | null {
  if (before.length !== after.length) {
    return `the run began with ${before.length} agents, the file lists ${after.length}`;
  }
  for (let i = 0; i < before.length; i++) {
    for (const f of [...PLAYING_FIELDS, ...OPTIONAL_PLAYING_FIELDS]) {
      if (JSON.stringify(before[i][f] ?? null) !== JSON.stringify(after[i][f] ?? null)) {
        return `agents[${i}].${f}: was ${JSON.stringify(before[i][f] ?? null)}, now ${
          JSON.stringify(after[i][f] ?? null)
        }`;
      }
    }
  }
  return null;
}

/** The prompt variant a provenance records (`ablation.prompt_variant`), if any. */
function promptVariantOf(provenance: unknown): { variant: string; template: unknown } | null {
  const a = (provenance as { ablation?: { prompt_variant?: unknown; template?: unknown } })
    ?.ablation;
  return typeof a?.prompt_variant === "string"
    ? { variant: a.prompt_variant, template: a.template }
    : null;
}

/**
 * Refuses to resume a run whose LLM agents would see other prompts than they saw (a newer
 * version of the toolkit whose prompt defaults or templates changed): a run is one design.
 * (Scripted seats see no prompt: a run without LLM seats is not checked.)
 */
function checkSamePrompts(dir: string, recorded: unknown, now: unknown): void {
  const before = promptVariantOf(recorded), after = promptVariantOf(now);
  if (!before || !after || before.variant === after.variant) return;
  throw new ConfigError(
    `--resume: the run in ${dir} was played with prompt variant ${before.variant} (template ${
      String(before.template)
    }); this version builds ${after.variant} (template ${
      String(after.template)
    }) for its config, so the prompts would change mid-run; finish it with the version that started it, or start a new run`,
  );
}

/** Reopens an interrupted run at its last checkpoint. */
export async function resumeRun(
  dir: string,
  lookup: (name: string) => Experiment | undefined,
  overrides: ResumeOverrides = {},
  limits?: SharedLimits,
): Promise<RunSession> {
  const rc = await readRunConfig(dir);
  const experiment = lookup(rc.experiment);
  if (!experiment) throw new ConfigError(`--resume: unknown experiment '${rc.experiment}'`);
  const o = rc.options as Record<string, unknown>;
  if (overrides.agents && rc.agents) {
    const diff = agentsDifference(rc.agents, redactAgents(overrides.agents));
    if (diff) {
      throw new ConfigError(`--agents: differs from the run in ${dir}: ${diff}`);
    }
  } else if (overrides.agents && !rc.agents) {
    throw new ConfigError(`--agents: the run in ${dir} began without an agents file`);
  }
  if (await exists(join(dir, RUN_FILES.summary))) {
    throw new ConfigError(`--resume: the run in ${dir} is already finished`);
  }
  const policy: RunPolicyInput = {};
  if (o.checkpoint_every !== undefined) policy.checkpointEvery = o.checkpoint_every as string;
  if (o.log_decisions !== undefined) policy.logDecisions = o.log_decisions as string;
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
    reportsRoot: overrides.reportsRoot,
    writeReport: overrides.writeReport,
    maxFallbackShare: overrides.maxFallbackShare ??
      (o.max_fallback_share as number | undefined),
    policy,
    env: overrides.env,
  };
  const p = await prepare(request, limits);
  if (p.built.agents.some((a) => a.llm)) {
    checkSamePrompts(dir, rc.provenance, await p.built.provenance?.());
  }
  const lock = await acquireLock(dir);
  try {
    let from: CheckpointRecord;
    let cut: LlmCallRecord[];
    let cursors: VerifiedLogs["cursors"] | undefined;
    try {
      ({ from, cut, cursors } = await cutToCheckpoint(dir, experiment));
    } catch (e) {
      if (e instanceof LogFormatError) throw new ConfigError(`--resume: ${e.message}`);
      throw e;
    }
    const calls = await readJsonl(join(dir, RUN_FILES.llmCalls), LlmCallRecordSchema);
    await restoreDraws(dir, p.draws, calls);
    // Paid calls of the failed step whose replies cannot be reused (logged clipped, or from
    // before draws were logged) are counted here, once: the replayed step pays for its own.
    const lost = cut.filter((r) => !r.failed && !r.from_cache && !reusable(r));
    const counted = [...calls, ...lost];
    p.recorder.restore({
      calls: counted.length,
      input: counted.reduce((s, c) => s + c.input_tokens, 0),
      output: counted.reduce((s, c) => s + c.output_tokens, 0),
      cached: counted.reduce((s, c) => s + c.cached_tokens, 0),
      usd: counted.reduce((s, c) => s + c.cost_usd, 0),
    });
    const session = makeSession(p, dir, lock, from, cursors);
    for (const r of lost) {
      session.budget.tokens += r.input_tokens + r.output_tokens;
      session.budget.usd += r.cost_usd;
    }
    return session;
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * Verifies the logs against the last checkpoint (every row's schema, and the rows, bytes and
 * sha256 it recorded), keeps the LLM calls logged after it (the calls of the step that
 * failed, which resume cuts) in `llm_calls_abandoned.jsonl` (they were paid for), then cuts
 * every log back to it. Nothing on disk changes before the verification passed.
 *
 * @throws {LogFormatError} Naming `file:line`, for damage.
 */
async function cutToCheckpoint(
  dir: string,
  experiment: Experiment,
): Promise<{ from: CheckpointRecord; cut: LlmCallRecord[]; cursors?: VerifiedLogs["cursors"] }> {
  const schemas = { ...STREAM_SCHEMAS, decisions: experiment.decisionSchema };
  const verified = await verifyLogs(dir, schemas);
  if (verified) {
    const path = join(dir, RUN_FILES.llmCalls);
    const cut = verified.tail.llm_calls.map((text, i) =>
      parseLogLine(
        path,
        { text, line: verified.cursors.llm_calls.rows + i + 1 },
        LlmCallRecordSchema,
      )
    );
    await keepAbandoned(dir, cut);
    await verified.cut();
    return { from: verified.checkpoint, cut, cursors: verified.cursors };
  }
  // A run from before checkpoints recorded their logs: validate every row, cut by round.
  const cps = await readJsonl(join(dir, RUN_FILES.checkpoints), CheckpointRecordSchema, {
    tolerateTornTail: true,
  });
  const from = cps.at(-1);
  if (!from) throw new ConfigError(`--resume: ${dir} has no checkpoint to resume from`);
  for (const s of ["decisions", "events"] as const) {
    for await (
      const _ of streamJsonl(join(dir, `${s}.jsonl`), schemas[s], { tolerateTornTail: true })
    ) {
      // validated
    }
  }
  const rows = await readJsonl(join(dir, RUN_FILES.llmCalls), LlmCallRecordSchema, {
    tolerateTornTail: true,
  });
  const cut = rows.filter((r) => r.round > from.round);
  await keepAbandoned(dir, cut);
  await RunLog.truncateTo(dir, from.round);
  return { from, cut };
}

/** Appends paid calls that resume cuts to `llm_calls_abandoned.jsonl`. */
async function keepAbandoned(dir: string, cut: LlmCallRecord[]): Promise<void> {
  if (cut.length === 0) return;
  const text = cut.map((r) => JSON.stringify(r) + "\n").join("");
  await Deno.writeTextFile(join(dir, RUN_FILES.abandonedCalls), text, { append: true });
}

/** `true` when a logged call's reply can be handed to its draw again: whole, with its draw. */
function reusable(r: LlmCallRecord): r is LlmCallRecord & { sample: number; raw: string } {
  return !r.failed && r.sample !== undefined && r.raw !== undefined && r.raw_chars === undefined;
}

/**
 * Restores the draw counts from the kept calls, and offers the replies of abandoned calls
 * (not made again since) to the same draws of the replayed steps.
 */
async function restoreDraws(dir: string, draws: DrawLedger, kept: LlmCallRecord[]) {
  for (const r of kept) {
    if (!r.failed) draws.observe(r.draw_seat ?? r.agent, r.prompt_hash, r.sample);
  }
  const path = join(dir, RUN_FILES.abandonedCalls);
  if (!(await exists(path))) return;
  const rows = await readJsonl(path, LlmCallRecordSchema, { tolerateTornTail: true });
  for (const r of rows) {
    if (!reusable(r)) continue;
    const seat = r.draw_seat ?? r.agent;
    if (draws.made(seat, r.prompt_hash, r.sample)) continue;
    draws.offer(seat, r.prompt_hash, r.sample, {
      text: r.raw,
      usage: {
        input: r.input_tokens,
        output: r.output_tokens,
        cached: r.cached_tokens,
        ...(r.cache_write_tokens ? { cacheWrite: r.cache_write_tokens } : {}),
      },
      model: r.model,
      latencyMs: r.latency_ms,
      attempts: r.attempts,
      fromCache: r.from_cache,
      ...(r.finish_reason ? { finishReason: r.finish_reason } : {}),
      ...(r.reply_problem ? { problem: r.reply_problem } : {}),
    });
  }
}

/** Plays a session to its end (or a clean stop) and finishes it. */
export async function runToEnd(
  session: RunSession,
  options: RunUntilOptions = {},
): Promise<RunResult> {
  try {
    const outcome = await session.run(options);
    if (outcome.status !== "completed") return session.stoppedResult(outcome);
    return await session.finish();
  } finally {
    session.close();
  }
}
