/**
 * What an engine registers to be runnable from the CLI, sweeps and notebooks: how to parse
 * its config and how to build an engine with its agents.
 *
 * @module
 */
import type { Agent, Decision } from "../agents/agent.ts";
import type { CallRecorder } from "../agents/call_recorder.ts";
import type { ChatModel } from "../llm/chat_model.ts";
import type { AgentSpec } from "../llm/agents_file.ts";
import type { Engine, StepResult } from "./game.ts";
import type { Rng } from "./rng.ts";

/** Everything an experiment needs besides its own config. */
export interface BuildContext {
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

/** A built run: the engine, its agents in `engine.agents` order, and the engine's outputs. */
// deno-lint-ignore no-explicit-any
export interface BuiltRun<A = any, O = any, I = any, S = any> {
  engine: Engine<A, O, I, S>;
  agents: Agent<O, I, A>[];
  /** The `decisions.jsonl` row of one agent for the step just played. */
  decisionRow(
    agent: string,
    decision: Decision<A>,
    step: StepResult<O, I>,
  ): Record<string, unknown>;
  /** `summary.json`, computed from the run directory's logs. */
  summarize(dir: string): Promise<Record<string, unknown>>;
  /** Writes `report.md` and `report.html` into `outDir`; returns the HTML path. */
  report?(runDir: string, outDir: string): Promise<string>;
}

/** A registered experiment. */
// deno-lint-ignore no-explicit-any
export interface Experiment<C = any> {
  /** The CLI name, e.g. `"blockchain"`. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** `true` when `--replay FILE` is supported (see {@linkcode BuildContext.replay}). */
  replay?: boolean;
  /** Validates a config object and fills defaults; throws `ConfigError` naming the field. */
  parseConfig(input: unknown): C;
  /** Builds the engine and agents. */
  build(config: C, context: BuildContext): BuiltRun | Promise<BuiltRun>;
}
