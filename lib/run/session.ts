/**
 * A run session plays a run one step at a time: `step()` plays exactly one step and returns
 * what happened; `run({ until, signal })` loops over `step()`; `finish()` writes
 * `summary.json` and, with a report writer, the report (the experiment's document, rendered
 * by the writer the caller handed in); `close()` flushes the logs and releases the directory.
 * The CLI, the HTTP server and notebooks all drive runs through it.
 *
 * Per step: every live agent is asked concurrently; an agent without an action gets the
 * engine's fallback (counted against validity when it is an LLM agent); the engine steps;
 * decision rows and events are logged per the run policy; every agent present in the
 * step's observations (dead ones too) observes its outcome, concurrently; a checkpoint is
 * written when due, flushing the buffered logs.
 *
 * @module
 */
import { join } from "node:path";
import type { Agent, Decision } from "../agents/agent.ts";
import type { CallRecorder } from "../agents/call_recorder.ts";
import type { AgentId, StepResult } from "../core/game.ts";
import { type CheckpointRecord, SCHEMA_VERSION } from "../core/records.ts";
import type { RunLog } from "../core/run_log.ts";
import { LogFormatError, readLines, writeJsonAtomic } from "../core/run_log.ts";
import { sealCheckpoint } from "../core/verify_logs.ts";
import { redactSecrets } from "../core/redact.ts";
import { type Budget, BudgetExceededError } from "../llm/budget.ts";
import type {
  BuiltRun,
  Experiment,
  PlayedDecision,
  ReportWriter,
  SerialisedRow,
} from "./experiment.ts";
import { exists, RUN_FILES, type RunLock } from "../core/run_dir.ts";
import { checkpointDue, rowsDue, type RunPolicy } from "./run_policy.ts";
import { applyValidity, type Validity, validityOf } from "../core/validity.ts";

/** The file of a run directory holding the error that stopped the run (exit 1). */
export const ERROR_FILE = "error.json";

/** A second `step()` while one is in flight (the HTTP server answers 409). */
export class SessionBusyError extends Error {
  /** The error's name, `SessionBusyError`. */
  override name = "SessionBusyError";
  /** The error, with its fixed message. */
  constructor() {
    super("Cannot step: a step of this run is already in flight");
  }
}

/** `step()` after the run ended. */
export class RunOverError extends Error {
  /** The error's name, `RunOverError`. */
  override name = "RunOverError";
}

/** What one step did. */
export interface StepReport<A = unknown, O = unknown, I = unknown> {
  /** The step just played, 1-based. */
  step: number;
  /** The decisions as played, by agent. */
  decisions: Record<AgentId, PlayedDecision<A>>;
  /** The engine's result. */
  result: StepResult<O, I>;
  /** `true` when the engine is now done. */
  done: boolean;
}

/** Progress, for progress bars. */
export interface SessionProgress {
  /** Steps played so far. */
  step: number;
  /** The run's horizon (steps it plays), when it has one. */
  horizon: number | undefined;
  /** The number of agents. */
  agents: number;
  /** LLM tokens used so far (input plus output). */
  tokens: number;
  /** LLM cost so far, in US dollars. */
  usd: number;
}

/** Options of {@linkcode RunSession.run}. */
export interface RunUntilOptions {
  /** Stop after this step number (default: until the engine is done). */
  until?: number;
  /** Abort between steps: the session checkpoints and `run` returns `"interrupted"`. */
  signal?: AbortSignal;
  /**
   * Called before the first step, after each step that waited (an LLM step), at most every
   * 50 ms during synchronous steps (scripted play), and once more when `run` returns or throws.
   */
  onProgress?(progress: SessionProgress): void;
}

/** How a `run` call ended. */
export interface RunOutcome {
  /**
   * `completed`: the engine is done; `stopped_budget`: the budget ran out; `interrupted`:
   * the signal aborted; `paused`: `until` was reached. All but `completed` can resume.
   */
  status: "completed" | "stopped_budget" | "interrupted" | "paused";
  /** Steps played in total. */
  steps: number;
  /** Why it stopped early. */
  reason?: string;
}

/** What a finished run produced. */
export interface RunResult {
  /** The run directory. */
  dir: string;
  /** The run's id (the run directory's name). */
  id: string;
  /** The experiment's name. */
  experiment: string;
  /** How the last `run` call ended. */
  outcome: RunOutcome;
  /** `summary.json` (empty when the run did not complete). */
  summary: Record<string, unknown>;
  /** The report's HTML path, when one was written. */
  report?: string;
}

/** Everything a session is made of (built by `openRun` / `resumeRun`). */
export interface SessionParts {
  /** The experiment being run. */
  experiment: Experiment;
  /** The experiment's engine and agents, built for this run. */
  built: BuiltRun;
  /** The run directory. */
  dir: string;
  /** The run's id (the run directory's name). */
  id: string;
  /** The run's seed. */
  seed: number;
  /** The run directory's logs, written by the session. */
  log: RunLog;
  /** Where the agents' LLM calls are recorded (and appended to `llm_calls.jsonl`). */
  recorder: CallRecorder;
  /** The run's LLM budget. */
  budget: Budget;
  /** How often to checkpoint and which decision rows to log. */
  policy: RunPolicy;
  /** The run directory's lock, released when the session closes. */
  lock: RunLock;
  /** The run's horizon (the experiment's horizon field), when it has one. */
  horizon?: number;
  /** The largest share of LLM decisions that may be fallbacks for a valid run. */
  maxFallbackShare: number;
  /** Where reports go (`null`: none). */
  reportsRoot: string | null;
  /**
   * Writes the report of the finished run (the experiment's document, or the writer's
   * generic one); without it no report is written. The run layer renders nothing itself.
   */
  writeReport?: ReportWriter;
  /** The checkpoint to continue from (resume); otherwise the engine is reset. */
  from?: CheckpointRecord;
}

/** Synchronous steps run at most this long (ms) before the event loop gets a turn. */
const YIELD_MS = 200;

/** Synchronous steps report progress at most this often (ms); waiting steps after each. */
const PROGRESS_MS = 50;
/** The clock of a synchronous stretch is read less often while checks come closer than this. */
const CLOCK_MS = 1;
/** The most steps between two clock reads (fast steps turning slow wait at most this many). */
const MAX_STRIDE = 32;

/** A run played step by step. See the module doc. */
export class RunSession {
  /** The experiment being run. */
  readonly experiment: Experiment;
  /** The run directory. */
  readonly dir: string;
  /** The run's id (the run directory's name). */
  readonly id: string;
  /** The run's seed. */
  readonly seed: number;
  /** How often the run checkpoints and which decision rows it logs. */
  readonly policy: RunPolicy;
  /** Where the agents' LLM calls are recorded. */
  readonly recorder: CallRecorder;
  /** The run's LLM budget. */
  readonly budget: Budget;
  #p: SessionParts;
  #agents: Agent<unknown, unknown, unknown>[];
  #byName: Map<string, Agent<unknown, unknown, unknown>>;
  /** Whether any agent observes its outcomes. */
  #observing: boolean;
  #observations: Record<AgentId, unknown>;
  #infos: Record<AgentId, unknown>;
  #counts = { llm_decisions: 0, fallbacks: 0 };
  #busy = false;
  #closed = false;
  #lastCheckpoint = -1;
  #stopped: RunOutcome | null = null;
  /** Each agent's sum of logged rewards, kept as rows are written (`null` after a resume). */
  #returns: Map<string, number> | null = new Map();
  #quotedNames = new Map<AgentId, string>();
  #agentFields = new Map<AgentId, Uint8Array>();

  /**
   * A session over the parts `openRun` or `resumeRun` prepared: the engine is reset, or set
   * to the checkpoint in `parts.from`. Prefer those functions to calling this directly.
   *
   * @param parts The run's parts; the session owns its log and lock from now on.
   */
  constructor(parts: SessionParts) {
    this.#p = parts;
    this.experiment = parts.experiment;
    this.dir = parts.dir;
    this.id = parts.id;
    this.seed = parts.seed;
    this.policy = parts.policy;
    this.recorder = parts.recorder;
    this.budget = parts.budget;
    const { engine, agents } = parts.built;
    this.#agents = agents;
    this.#byName = new Map(agents.map((a) => [a.name, a]));
    this.#observing = agents.some((a) => a.observe);
    for (const name of engine.agents) {
      if (!this.#byName.has(name)) throw new Error(`Cannot run: no agent for player '${name}'`);
    }
    let view;
    if (parts.from) {
      engine.reset({ seed: parts.seed });
      engine.setState(parts.from.engine);
      for (const a of agents) {
        if (a.name in parts.from.agents) a.setState(parts.from.agents[a.name]);
      }
      this.budget.tokens = parts.from.budget.tokens;
      this.budget.usd = parts.from.budget.usd;
      this.#counts = { ...parts.from.validity };
      this.#lastCheckpoint = parts.from.round;
      this.#returns = null; // the rows before the checkpoint are summed from the log at the end
      view = engine.view();
    } else {
      view = engine.reset({ seed: parts.seed });
      this.#checkpoint();
    }
    this.#observations = view.observations;
    this.#infos = view.infos;
    parts.built.open?.();
  }

  /** The engine (read its state; do not step it directly). */
  get engine(): BuiltRun["engine"] {
    return this.#p.built.engine;
  }

  /** The agents, in seat order. */
  get agents(): readonly Agent<unknown, unknown, unknown>[] {
    return this.#agents;
  }

  /** The run's horizon (the experiment's horizon field), when it has one. */
  get horizon(): number | undefined {
    return this.#p.horizon;
  }

  /** Steps played so far. */
  get steps(): number {
    return this.engine.round;
  }

  /** `true` when the engine is done. */
  get done(): boolean {
    return this.engine.isDone();
  }

  /** `true` while a step is in flight. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Validity counts so far. */
  get validity(): Validity {
    return validityOf(this.#counts, this.#p.maxFallbackShare);
  }

  #checkpoint(): void {
    const { engine } = this.#p.built;
    const record: CheckpointRecord = {
      v: SCHEMA_VERSION,
      round: engine.round,
      engine: engine.getState(),
      agents: Object.fromEntries(this.#agents.map((a) => [a.name, a.getState()])),
      budget: { tokens: this.budget.tokens, usd: this.budget.usd },
      validity: { ...this.#counts },
      logs: this.#p.log.marks(),
    };
    this.#p.log.append("checkpoints", sealCheckpoint(record as unknown as Record<string, unknown>));
    this.#p.log.flush();
    this.#lastCheckpoint = engine.round;
  }

  /**
   * Plays exactly one step.
   *
   * @throws {SessionBusyError} When a step is already in flight (never two at once).
   * @throws {RunOverError} When the run is over.
   * @throws {BudgetExceededError} When the budget ran out during the step: nothing of the
   * step is applied; the run stays resumable from the last checkpoint.
   */
  async step(): Promise<StepReport> {
    this.#enter();
    try {
      // in flight until its promise settles, even when the step itself was synchronous
      return await this.#step();
    } finally {
      this.#busy = false;
    }
  }

  /** Marks a step in flight, refusing a second one and a step of a closed or ended run. */
  #enter(): void {
    if (this.#busy) throw new SessionBusyError();
    if (this.#closed) throw new RunOverError("Cannot step: the session is closed");
    if (this.engine.isDone()) throw new RunOverError("Cannot step: the run is over");
    this.#busy = true;
  }

  /**
   * One step, synchronously when every agent decides and observes synchronously (scripted
   * play: no promise per step), else as a promise: what `run` plays.
   */
  #stepNow(): StepReport | Promise<StepReport> {
    this.#enter();
    let report: StepReport | Promise<StepReport>;
    try {
      report = this.#step();
    } catch (e) {
      this.#busy = false;
      throw e;
    }
    if (!(report instanceof Promise)) {
      this.#busy = false;
      return report;
    }
    return report.finally(() => this.#busy = false);
  }

  #step(): StepReport | Promise<StepReport> {
    const { built, recorder } = this.#p;
    const { engine } = built;
    const step = engine.round + 1;
    recorder.round = step;
    const live = engine.liveAgents();
    const pending: (Decision<unknown> | Promise<Decision<unknown>>)[] = new Array(live.length);
    let async = false;
    for (let i = 0; i < live.length; i++) {
      const name = live[i];
      const d = this.#byName.get(name)!.act({
        agent: name,
        round: step,
        observation: this.#observations[name],
        info: this.#infos[name],
      });
      if (d instanceof Promise) async = true;
      pending[i] = d;
    }
    if (async) return Promise.all(pending).then((raw) => this.#apply(step, live, raw));
    return this.#apply(step, live, pending as Decision<unknown>[]);
  }

  /** Applies the step's decisions, logs it, and lets the agents observe its outcome. */
  #apply(
    step: number,
    live: readonly AgentId[],
    raw: Decision<unknown>[],
  ): StepReport | Promise<StepReport> {
    const { built, log } = this.#p;
    const { engine } = built;
    const actions: Record<AgentId, unknown> = {};
    const played: Record<AgentId, PlayedDecision> = {};
    for (let i = 0; i < live.length; i++) {
      const name = live[i];
      const d = raw[i];
      const fallback = d.action === null || d.action === undefined;
      const action = fallback ? engine.fallbackAction(name) : d.action;
      if (this.#byName.get(name)!.llm) {
        this.#counts.llm_decisions++;
        if (fallback) this.#counts.fallbacks++;
      }
      actions[name] = action;
      played[name] = { ...d, action, fallback };
    }
    const result = engine.step(actions);
    // An action the engine itself rejected is a fallback too (e.g. an all-zero vector).
    const rejected = engine.rejected?.();
    if (rejected?.length) {
      for (const name of rejected) {
        const d = played[name];
        if (!d || d.fallback) continue;
        played[name] = { ...d, fallback: true };
        if (this.#byName.get(name)!.llm) this.#counts.fallbacks++;
      }
    }
    if (rowsDue(this.policy, step)) {
      for (const name of live) {
        const d = played[name];
        const reward = built.decisionRowJson
          ? this.#logSerialised(step, name, d, built.decisionRowJson(name, d, result))
          : this.#logRow(step, name, d, built.decisionRow(name, d, result));
        if (this.#returns && typeof reward === "number") {
          this.#returns.set(name, (this.#returns.get(name) ?? 0) + reward);
        }
      }
    }
    for (const event of result.events) {
      log.append("events", { v: SCHEMA_VERSION, round: step, ...event });
    }
    const observing = this.#observe(step, actions, result);
    if (observing) return observing.then(() => this.#endStep(step, played, result));
    return this.#endStep(step, played, result);
  }

  /** Logs an engine's decision row; returns its reward. */
  #logRow(step: number, agent: AgentId, d: PlayedDecision, row: Record<string, unknown>): unknown {
    const fallback = d.fallback || row.fallback === true;
    const record = () => decisionRecord(step, agent, row, fallback, d.repaired);
    const json = decisionJson(step, this.#quoted(agent), row, fallback, d.repaired);
    if (json === null) this.#p.log.append("decisions", record());
    else this.#p.log.appendJson("decisions", json, record);
    return row.reward;
  }

  /** Logs a row the engine serialises itself, into the log's buffer; returns its reward. */
  #logSerialised(step: number, agent: AgentId, d: PlayedDecision, row: SerialisedRow): unknown {
    const fallback = d.fallback || row.fallback === true;
    const out = this.#p.log.beginLine("decisions");
    out.bytes(ROW_HEAD);
    out.number(step);
    out.bytes(this.#agentBytes(agent));
    row.write(out);
    out.bytes(ROW_TAILS[(fallback ? 1 : 0) + (d.repaired ? 2 : 0)]);
    // the log checks the record it validates against the line: a wrong writer is refused
    this.#p.log.endLine("decisions", () => {
      const fields = row.row();
      if (reservedKeyIn(fields) || Object.keys(fields).some(isIntegerLike)) {
        throw new LogFormatError(
          `Cannot log decisions record: a row written by decisionRowJson sets a field of the run layer or an integer-like key (${
            Object.keys(fields).filter((k) => RESERVED.includes(k) || isIntegerLike(k)).join(", ")
          }); such rows go through decisionRow`,
        );
      }
      return decisionRecord(step, agent, fields, fallback, d.repaired);
    });
    return row.reward;
  }

  /** An agent's name as JSON, kept (every row repeats it). */
  #quoted(agent: AgentId): string {
    let q = this.#quotedNames.get(agent);
    if (q === undefined) this.#quotedNames.set(agent, q = JSON.stringify(agent));
    return q;
  }

  /** `,"agent":<name>,` encoded, kept. */
  #agentBytes(agent: AgentId): Uint8Array {
    let b = this.#agentFields.get(agent);
    if (b === undefined) {
      this.#agentFields.set(agent, b = encoder.encode(`,"agent":${this.#quoted(agent)},`));
    }
    return b;
  }

  /** Keeps the step's observations and checkpoints when due. */
  #endStep(
    step: number,
    played: Record<AgentId, PlayedDecision>,
    result: StepResult<unknown, unknown>,
  ): StepReport {
    const { engine } = this.#p.built;
    this.#observations = result.observations;
    this.#infos = result.infos;
    const done = engine.isDone();
    if (done || checkpointDue(this.policy, step)) this.#checkpoint();
    return { step, decisions: played, result, done };
  }

  /** Feeds every observing agent its outcome; a promise only when some observer is async. */
  #observe(
    step: number,
    actions: Record<AgentId, unknown>,
    result: StepResult<unknown, unknown>,
  ): Promise<unknown> | undefined {
    if (!this.#observing) return undefined; // no agent observes (scripted strategies)
    let waits: Promise<void>[] | null = null;
    for (const name in result.observations) {
      const agent = this.#byName.get(name);
      if (!agent?.observe) continue;
      const r = agent.observe({
        round: step,
        action: actions[name],
        reward: result.rewards[name] ?? 0,
        observation: result.observations[name],
        info: result.infos[name],
        events: result.events,
      });
      if (r instanceof Promise) (waits ??= []).push(r);
    }
    return waits ? Promise.all(waits) : undefined;
  }

  /**
   * Plays steps until the engine is done, `until` is reached, the budget runs out or
   * `signal` aborts. Every stop but completion writes a checkpoint, so the run resumes there.
   */
  async run(options: RunUntilOptions = {}): Promise<RunOutcome> {
    const { until, signal, onProgress } = options;
    const progress = () =>
      onProgress?.({
        step: this.steps,
        horizon: this.#p.horizon,
        agents: this.#agents.length,
        tokens: this.recorder.totals.input + this.recorder.totals.output,
        usd: this.recorder.totals.usd,
      });
    progress();
    try {
      return await this.#loop(until, signal, onProgress ? progress : undefined);
    } finally {
      progress();
    }
  }

  async #loop(
    until: number | undefined,
    signal: AbortSignal | undefined,
    progress: (() => void) | undefined,
  ): Promise<RunOutcome> {
    let yielded = performance.now();
    let reported = yielded;
    let clocked = yielded;
    // Fast synchronous steps read the clock every `stride` steps (the clock costs more than a
    // delegation step); a stretch of slow steps reads it after every step.
    let stride = 1;
    let countdown = 1;
    while (!this.engine.isDone()) {
      if (until !== undefined && this.steps >= until) return this.#stop("paused");
      if (signal?.aborted) return this.#stop("interrupted", "interrupted");
      try {
        const report = this.#stepNow();
        if (report instanceof Promise) {
          await report;
          progress?.();
          yielded = performance.now();
        } else if (--countdown === 0) {
          const now = performance.now();
          stride = now - clocked < CLOCK_MS ? Math.min(stride * 2, MAX_STRIDE) : 1;
          countdown = stride;
          clocked = now;
          if (now - reported >= PROGRESS_MS) {
            progress?.();
            reported = now;
          }
          if (now - yielded >= YIELD_MS) {
            // a synchronous stretch lets timers (the lock's heartbeat) and signal handlers
            // (Ctrl-C) run, however slow its steps
            await new Promise((r) => setTimeout(r, 0));
            yielded = performance.now();
          }
        }
      } catch (e) {
        if (e instanceof BudgetExceededError) {
          // The calls of the unfinished step are cut on resume; the last checkpoint stands.
          this.#p.log.flush();
          this.#stopped = { status: "stopped_budget", steps: this.steps, reason: e.message };
          return this.#stopped;
        }
        // The final error goes into the run directory (the logs hold every attempt).
        await writeJsonAtomic(join(this.dir, ERROR_FILE), {
          v: SCHEMA_VERSION,
          step: this.steps + 1,
          error: redactSecrets(`${(e as Error)?.name ?? "Error"}: ${(e as Error)?.message ?? e}`),
        }).catch(() => {});
        throw e;
      }
    }
    return { status: "completed", steps: this.steps };
  }

  #stop(status: RunOutcome["status"], reason?: string): RunOutcome {
    if (this.#lastCheckpoint !== this.steps) this.#checkpoint();
    else this.#p.log.flush();
    return { status, steps: this.steps, ...(reason ? { reason } : {}) };
  }

  /**
   * Writes `summary.json` (the engine's summary, with `validity` and honest verdicts) and
   * the report, then closes the session.
   *
   * @throws {RunOverError} When the run is not done.
   */
  async finish(): Promise<RunResult> {
    if (!this.engine.isDone()) throw new RunOverError("Cannot finish: the run is not done");
    const { built, experiment, dir, id, reportsRoot } = this.#p;
    this.#p.log.flush();
    const engineSummary = await built.summarize({ dir, engine: built.engine, steps: this.steps });
    const summary = applyValidity(
      {
        v: SCHEMA_VERSION,
        experiment: experiment.name,
        seed: this.seed,
        status: "completed",
        steps: this.steps,
        ...engineSummary,
      },
      experiment.verdicts,
      this.validity,
    );
    const llmBudget = budgetUse(this.budget);
    if (llmBudget) summary.llm_budget = llmBudget;
    // Who sat where, and what each earned: what a comparison of models across seats reads.
    summary.seats = this.#agents.map((a, seat) => ({
      seat,
      agent: a.name,
      kind: a.kind ?? null,
      model: a.model ?? null,
    }));
    if (this.policy.logDecisions === "all") {
      summary.returns = roundedByName(this.#returns ?? await returnsOf(dir));
    }
    // The verdicts again under one key, so generic tools (index, sweep report) find them.
    summary.verdicts = Object.fromEntries(
      experiment.verdicts.filter((k) => k in summary).map((k) => [k, summary[k]]),
    );
    await writeJsonAtomic(join(dir, RUN_FILES.summary), summary);
    await Deno.remove(join(dir, ERROR_FILE)).catch(() => {});
    let report: string | undefined;
    const { writeReport } = this.#p;
    if (reportsRoot !== null && writeReport) {
      const outDir = join(reportsRoot, id);
      await Deno.mkdir(outDir, { recursive: true });
      const document = built.report
        ? await built.report(dir)
        : experiment.report
        ? await experiment.report(dir)
        : undefined;
      report = await writeReport(dir, outDir, summary, document);
    }
    this.close();
    const outcome: RunOutcome = { status: "completed", steps: this.steps };
    return { dir, id, experiment: experiment.name, outcome, summary, report };
  }

  /** The result of a run that stopped before completing (no summary). */
  stoppedResult(outcome: RunOutcome): RunResult {
    this.close();
    return { dir: this.dir, id: this.id, experiment: this.experiment.name, outcome, summary: {} };
  }

  /** Flushes and closes the logs and releases the directory; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#p.built.close?.();
    } finally {
      this.#p.log.close();
      this.#p.lock.release();
    }
  }
}

/** How much of the LLM budget a run used (`summary.llm_budget`); see {@linkcode budgetUse}. */
export interface BudgetUse {
  /** Input plus output tokens of every reply the run used (cached ones included). */
  tokens: number;
  /** `--max-tokens`, or `null` without one. */
  max_tokens: number | null;
  /** `tokens / max_tokens`: how close the run came to the limit (above 1: over it). */
  tokens_share: number | null;
  /** Dollars of those replies. */
  usd: number;
  /** `--max-usd`, or `null` without one. */
  max_usd: number | null;
  /** `usd / max_usd`. */
  usd_share: number | null;
}

/** The budget's use against its limits, or `undefined` for a run that made no LLM call. */
export function budgetUse(budget: Budget): BudgetUse | undefined {
  const { maxTokens, maxUsd } = budget.limits;
  if (budget.tokens === 0 && maxTokens === undefined && maxUsd === undefined) return undefined;
  const share = (used: number, max: number | undefined) =>
    max === undefined ? null : Math.round((used / max) * 1e6) / 1e6;
  return {
    tokens: budget.tokens,
    max_tokens: maxTokens ?? null,
    tokens_share: share(budget.tokens, maxTokens),
    usd: Math.round(budget.usd * 1e9) / 1e9,
    max_usd: maxUsd ?? null,
    usd_share: share(budget.usd, maxUsd),
  };
}

/**
 * Each agent's return (the sum of its rewards over the run), streamed from `decisions.jsonl`
 * (a resumed run; a fresh one sums its rows as it writes them, in the same order).
 */
async function returnsOf(dir: string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const path = join(dir, RUN_FILES.decisions);
  if (!(await exists(path))) return totals;
  for await (const l of readLines(path)) {
    if (!l.text) continue;
    const row = JSON.parse(l.text) as { agent?: unknown; reward?: unknown };
    if (typeof row.agent === "string" && typeof row.reward === "number") {
      totals.set(row.agent, (totals.get(row.agent) ?? 0) + row.reward);
    }
  }
  return totals;
}

/** Totals by name, names sorted, rounded to 1e-9 so float sums print stably. */
function roundedByName(totals: Map<string, number>): Record<string, number> {
  return Object.fromEntries(
    [...totals.keys()].sort().map((k) => [k, Math.round(totals.get(k)! * 1e9) / 1e9]),
  );
}

const encoder = new TextEncoder();
/** The run layer's fields of a decision row, encoded once (see `#logSerialised`). */
const ROW_HEAD = encoder.encode(`{"v":${SCHEMA_VERSION},"round":`);
/** The row's last fields: played, fallback, played and repaired, fallback and repaired. */
const ROW_TAILS = [
  ',"fallback":false,"parse_ok":true}',
  ',"fallback":true,"parse_ok":false}',
  ',"fallback":false,"parse_ok":true,"repaired":true}',
  ',"fallback":true,"parse_ok":false,"repaired":true}',
].map((s) => encoder.encode(s));

/** The fields the run layer puts around an engine's decision row. */
const RESERVED = ["v", "round", "agent", "fallback", "parse_ok", "repaired"];

/** Whether an engine's row sets a field of the run layer's (its record is then spread). */
function reservedKeyIn(row: Record<string, unknown>): boolean {
  for (const k of RESERVED) if (k in row) return true;
  return false;
}

/** A key JS orders before the others (an array index: `0`, `42`, not `01`). */
const isIntegerLike = (k: string) => /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < 2 ** 32 - 1;

/** `0`-`9`: a key serialised first because it may be integer-like (JS orders those first). */
const isDigit = (c: number) => c >= 48 && c <= 57;

/** A decision row as logged: the run layer's fields around the engine's row. */
function decisionRecord(
  step: number,
  agent: AgentId,
  row: Record<string, unknown>,
  fallback: boolean,
  repaired: boolean | undefined,
): Record<string, unknown> {
  const record: Record<string, unknown> = {
    v: SCHEMA_VERSION,
    round: step,
    agent,
    ...row,
    fallback,
    parse_ok: !fallback,
  };
  if (repaired) record.repaired = true;
  return record;
}

/**
 * `JSON.stringify(decisionRecord(...))` without building the record: the engine's row
 * serialised once, framed by strings; `null` when the framing could differ from the record's
 * JSON (the row sets a field of the run layer's, is not a plain object, has `toJSON`, or has
 * a key that may be integer-like, which JS orders before `v`), for the caller to build it.
 */
function decisionJson(
  step: number,
  quotedAgent: string,
  row: Record<string, unknown>,
  fallback: boolean,
  repaired: boolean | undefined,
): string | null {
  if (
    Array.isArray(row) || typeof row.toJSON === "function" || reservedKeyIn(row)
  ) return null;
  const body = JSON.stringify(row);
  if (body.length > 3 && isDigit(body.charCodeAt(2))) return null;
  return `{"v":${SCHEMA_VERSION},"round":${step},"agent":${quotedAgent}` +
    (body.length > 2 ? "," + body.slice(1, -1) : "") +
    (fallback ? ',"fallback":true,"parse_ok":false' : ',"fallback":false,"parse_ok":true') +
    (repaired ? ',"repaired":true}' : "}");
}
