/**
 * What an engine registers to be runnable from the CLI, the HTTP server, sweeps and
 * notebooks: how to parse its config, which field is its horizon, the schema of its decision
 * rows, its verdicts and run policy, and how to build an engine with its agents.
 *
 * @module
 */
import type { ReportDocument } from "../core/document.ts";
import type { LineBuffer } from "../core/line_buffer.ts";
import type { ZodSchema } from "../core/records.ts";
import type { Agent, Decision } from "../agents/agent.ts";
import type { CallRecorder } from "../agents/call_recorder.ts";
import type { Engine, StepResult } from "../core/game.ts";
import type { Rng } from "../core/rng.ts";
import type { AgentSpec } from "../llm/agents_file.ts";
import type { ChatModel, ChatRequest } from "../llm/chat_model.ts";
import type { RunPolicy } from "./run_policy.ts";

/** Everything an experiment needs besides its own config. */
export interface BuildContext {
  /** The run's seed. */
  seed: number;
  /** The run's root stream; derive per-agent streams from it. */
  rng: Rng;
  /** Prompt language. */
  lang: "zh" | "en";
  /** The agents file's entries, when one was given. */
  agents: AgentSpec[] | null;
  /** Makes the chat model of an LLM agent, with retry, limits, budget and cache applied. */
  chatModel(spec: AgentSpec): ChatModel;
  /** Where LLM agents record their calls. */
  recorder: CallRecorder;
  /** A recorded run to replay (`--replay FILE`), when given. */
  replay?: string;
}

/** A decision as it was played: the agent's, or the engine's fallback in its place. */
export interface PlayedDecision<A = unknown> extends Decision<A> {
  /** The action the engine received. */
  action: A;
  /** `true` when the agent had no action and the engine's fallback was played. */
  fallback: boolean;
}

/** An engine's decision row as {@linkcode BuiltRun.decisionRowJson} serialises it. */
export interface SerialisedRow {
  /**
   * Writes the row's fields as JSON into `out`: `JSON.stringify(row())` without its braces,
   * exactly (the session writes the run layer's fields around them, straight into the log's
   * buffer). Such a row sets none of the run layer's fields (`v`, `round`, `agent`,
   * `fallback`, `parse_ok`, `repaired`) and has no integer-like key (JS orders those first):
   * the session refuses one that does, at its first validated row.
   */
  write(out: LineBuffer): void;
  /** The row's `reward` (summed into `summary.returns`); `undefined` when it has none. */
  readonly reward: number | undefined;
  /** `true` when the engine marks the row a fallback (as a row's `fallback: true` does). */
  readonly fallback?: boolean;
  /** The row as an object: built only for the rows the run log validates. */
  row(): Record<string, unknown>;
}

/** What `summarize` is given: the run directory and the engine in its final state. */
// deno-lint-ignore no-explicit-any
export interface SummaryContext<A = any, O = any, I = any, S = any> {
  /** The run directory (its logs may hold fewer rows than steps, per the run policy). */
  dir: string;
  /** The engine after the last step: a run that logs no rows summarises from its state. */
  engine: Engine<A, O, I, S>;
  /** Steps played. */
  steps: number;
}

/** A built run: the engine, its agents in `engine.agents` order, and the engine's outputs. */
// deno-lint-ignore no-explicit-any
export interface BuiltRun<A = any, O = any, I = any, S = any> {
  /** The configured engine (the session resets it with the run's seed). */
  engine: Engine<A, O, I, S>;
  /** One agent per seat, in `engine.agents` order. */
  agents: Agent<O, I, A>[];
  /**
   * The engine's fields of one agent's `decisions.jsonl` row for the step just played
   * (`action`, `reward` and its own columns); the session adds `v`, `round`, `agent`,
   * `fallback` and `parse_ok`.
   */
  decisionRow(
    agent: string,
    decision: PlayedDecision<A>,
    step: StepResult<O, I>,
  ): Record<string, unknown>;
  /**
   * The same row already serialised, for engines that log millions of rows: when given, the
   * session calls it instead of {@linkcode BuiltRun.decisionRow}. The rows the run log
   * validates (all, or a sample: `RunLogOptions.validate`) are built with
   * {@linkcode SerialisedRow.row} and must serialise to what
   * {@linkcode SerialisedRow.write} wrote, exactly, so a wrong serialiser stops the run at its first sampled row.
   */
  decisionRowJson?(
    agent: string,
    decision: PlayedDecision<A>,
    step: StepResult<O, I>,
  ): SerialisedRow;
  /** The engine's part of `summary.json`. */
  summarize(context: SummaryContext<A, O, I, S>): Promise<Record<string, unknown>>;
  /**
   * Called once the session that plays this build opens (a build that is only checked, as a
   * sweep's cells and `--estimate` are, never opens): where work beside the play starts
   * (delegation plays its counterfactual users on another thread).
   */
  open?(): void;
  /** Called when that session closes: stops what {@linkcode BuiltRun.open} started. */
  close?(): void;
  /**
   * What the engine adds to `config.json`'s provenance, e.g. its ablation switches and
   * prompt-variant hash (`{ablation: {switches, template, prompt_variant}}`).
   */
  provenance?(): Promise<Record<string, unknown>>;
  /**
   * The run's report as data, built from its directory alone (overrides the experiment's
   * {@linkcode Experiment.report}); it writes nothing.
   */
  report?(runDir: string): Promise<ReportDocument>;
}

/** An engine-specific flag of `deno task run <experiment>` (see {@linkcode Experiment.flags}). */
export interface ExperimentFlag {
  /** `string`: the flag takes a value; `boolean`: it is a switch. */
  type: "string" | "boolean";
  /** One line for `--help`. */
  description: string;
}

/**
 * A command of `deno task run <name> ...` that is not a single run (e.g. a study of many
 * runs): it parses its own flags and returns the exit code.
 */
export interface Command {
  /** One line for `--help`. */
  description: string;
  /**
   * Runs the command.
   *
   * @param argv The arguments after the command's name.
   * @param context What the CLI lends the command (an engine's command cannot import it).
   * @returns The process exit code (0 on success).
   */
  run(argv: string[], context?: CommandContext): Promise<number>;
}

/** What the CLI lends a command: services of the layers above the engines. */
export interface CommandContext {
  /**
   * Rebuilds `index.html` under `reportsRoot`, listing `dirs` besides the catalog of `data/`;
   * returns its path.
   */
  rebuildIndex(reportsRoot: string, dirs: string[]): Promise<string>;
}

/** Options every profile condition may use (see {@linkcode ProfileCondition.seat}). */
export interface ProfileOptions {
  /** Recorded reference data (`--records DIR`), for the experiments that use some. */
  records?: string;
}

/** A run as a profile condition sets it up: the config and the agents list. */
export interface SeatedRun {
  /** The config object before validation (`seat` may add fields to the one it got). */
  config: Record<string, unknown>;
  /** Every seat; the model's seats are the entries that are not policies. */
  agents: AgentSpec[];
}

/** One way of seating a model in an experiment for a profile (e.g. one seat, or all). */
export interface ProfileCondition {
  /** A short name for run directories and the card, e.g. `"one"` or `"all"`. */
  name: string;
  /** One line for the card. */
  description: string;
  /**
   * The run with `model` seated.
   *
   * @param model The model's agents-file entry.
   * @param config The experiment's config object (the profile's base, before validation).
   * @param parsed The same config validated (seat names, providers...).
   * @param options The profile's options.
   */
  seat(
    model: AgentSpec,
    config: Record<string, unknown>,
    parsed: Record<string, unknown>,
    options: ProfileOptions,
  ): SeatedRun;
}

/** One figure of the profile card, measured per run. */
export interface ProfileMetric {
  /** The key of the figure in {@linkcode ExperimentProfile.measure}'s result. */
  key: string;
  /** The card's axis, e.g. `"exploitation"`. */
  axis: string;
  /** A short label. */
  label: string;
  /** What the figure means, one sentence. */
  description: string;
  /**
   * `"mean"`: a number per run, shown as the mean over runs with a Student-t interval;
   * `"rate"`: a yes/no per run, shown as the share of runs with a Wilson interval.
   */
  kind: "mean" | "rate";
  /** Which way is better for the user of the model (for the card's reading). */
  better?: "higher" | "lower";
  /** The conditions it is reported for (default: every condition). */
  conditions?: readonly string[];
}

/** A finished run of a profile, as {@linkcode ExperimentProfile.measure} sees it. */
export interface ProfileRun {
  /** The name of the condition it ran (a {@linkcode ProfileCondition.name}). */
  condition: string;
  /** The run's seed. */
  seed: number;
  /** The run directory (its logs, for figures the summary does not hold). */
  dir: string;
  /** Its `summary.json`. */
  summary: Record<string, unknown>;
  /** The names of the seats the model played. */
  seats: readonly string[];
}

/**
 * An experiment's part of a model profile (`deno task run profile`): the conditions a
 * model is seated in, the figures of the card and how to read them from a run.
 */
export interface ExperimentProfile {
  /** The ways a model is seated, each run for every seed. */
  conditions: readonly ProfileCondition[];
  /** The figures of the card, read from each run by `measure`. */
  metrics: readonly ProfileMetric[];
  /**
   * The figures of one finished run by metric key: a number for `"mean"` metrics, a
   * boolean for `"rate"` ones, `null` when the run does not define it (it is left out).
   */
  measure(
    run: ProfileRun,
  ): Record<string, number | boolean | null> | Promise<Record<string, number | boolean | null>>;
}

/**
 * The run a served experiment opens (`deno task serve`): the fields of a run request
 * (`RunRequest` of `open.ts`) the server command sets; the experiment is the one served.
 */
export interface ServeRequest {
  /** The engine config object before validation (`--config`). */
  config: Record<string, unknown>;
  /** The run's seed. */
  seed: number;
  /** The prompts' language. */
  lang: "zh" | "en";
  /** The agents file's entries, or `null` for the experiment's defaults. */
  agents: AgentSpec[] | null;
  /** Where run directories go (every reset starts a new one). @default {"data/runs"} */
  runsRoot?: string;
  /** Where `<run-id>/report.html` goes; `null` for none. */
  reportsRoot: string | null;
  /** Writes a finished run's report (see {@linkcode ReportWriter}). */
  writeReport?: ReportWriter;
  /** The command line, recorded (keys redacted) in `config.json`. */
  argv: string[];
}

/**
 * Writes a finished run's report into `outDir` and returns the HTML path: `document` is the
 * experiment's own report, or `undefined` for the writer's generic one. The run layer never
 * renders: the caller (the CLI, a notebook) hands one in.
 */
export type ReportWriter = (
  runDir: string,
  outDir: string,
  summary: Record<string, unknown>,
  document?: ReportDocument,
) => Promise<string>;

/** Options of {@linkcode Experiment.serve}. */
export interface ServeOptions {
  /** The run to open. */
  request: ServeRequest;
  /** The interface to listen on. @default {"127.0.0.1"} */
  hostname?: string;
  /** 0 picks a free port. @default {8000} */
  port?: number;
}

/** A served experiment, as {@linkcode Experiment.serve} returns it. */
export interface ServedRun {
  /** The server's address, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  /** The current run (its directory). */
  readonly session: { readonly dir: string };
  /** Stops listening and closes the run (left resumable when unfinished). */
  shutdown(): Promise<void>;
}

/** A registered experiment. */
// deno-lint-ignore no-explicit-any
export interface Experiment<C = any> {
  /** The CLI name, e.g. `"blockchain"`. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** The config field that sets how many steps a run plays (`--rounds N` sets it). */
  horizon: string;
  /** The `decisions.jsonl` row schema: extends `DecisionRecordSchema` with the engine's fields. */
  decisionSchema: ZodSchema;
  /** `summary.json` fields holding verdicts; `"inconclusive"` when the run is not valid. */
  verdicts: readonly string[];
  /** The run policy without flags; LLM runs always default to every step. */
  runPolicy?: Partial<RunPolicy>;
  /** `true` when the summary is computed from every decision row (`--log-decisions all` only). */
  needsAllRows?: boolean;
  /** `true` when `--replay FILE` is supported (see {@linkcode BuildContext.replay}). */
  replay?: boolean;
  /** Engine-specific flags (name without `--`), parsed by the CLI and listed by `--help`. */
  flags?: Readonly<Record<string, ExperimentFlag>>;
  /**
   * The engine fields of an agents file entry this experiment reads (see `ENGINE_AGENT_FIELDS`
   * in `lib/llm/agents_file.ts`, e.g. `hash_power`); an agents file setting another is refused.
   */
  agentFields?: readonly string[];
  /**
   * Merges the values of the given engine flags into the config object before
   * `parseConfig`; throws `ConfigError` naming the flag for a bad value.
   */
  applyFlags?(
    config: Record<string, unknown>,
    values: Record<string, string | boolean>,
  ): Record<string, unknown>;
  /**
   * The report of a finished run as data (`lib/core/document.ts`), built from its directory
   * alone (so `deno task report` can regenerate it). It writes nothing: the caller renders
   * it (`report.md`, `report.html`, the charts' SVG files). Without it, the generic report
   * (config and summary as tables) is written.
   */
  report?(runDir: string): Promise<ReportDocument>;
  /** Validates a config object and fills defaults; throws `ConfigError` naming the field. */
  parseConfig(input: unknown): C;
  /** Builds the engine and agents. */
  build(config: C, context: BuildContext): BuiltRun | Promise<BuiltRun>;
  /** Its part of a model profile (`deno task run profile`); without it, not profiled. */
  profile?: ExperimentProfile;
  /**
   * Serves the experiment: an HTTP API and live page on a run session (`deno task serve
   * <name>`). Without it the experiment cannot be served.
   */
  serve?(options: ServeOptions): Promise<ServedRun>;
  /**
   * A valid reply to one of its LLM requests, for the stand-in model of `--estimate`
   * (which plays the run offline to count the real prompts). Without it the stand-in
   * answers nothing usable and every LLM decision is a fallback.
   */
  sampleReply?(request: ChatRequest): string;
  /**
   * Lines of its own for `--estimate` about a run of this parsed config (its horizon applied),
   * e.g. what the society's token budget carries. Without it, the estimate has none.
   */
  estimateNotes?(config: C, options: EstimateNotesOptions): Promise<string[]>;
}

/** Options of {@linkcode Experiment.estimateNotes}. */
export interface EstimateNotesOptions {
  /** The prompt language. */
  lang: "zh" | "en";
  /** `--max-tokens`, the run's real-token cap, when given. */
  maxTokens?: number | null;
  /** The agents file's seats, when given. */
  agents?: AgentSpec[] | null;
}
