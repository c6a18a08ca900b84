/**
 * Building a run, once for every caller: the experiment's config validated with the horizon
 * override (`--rounds N`), and the engine and agents built with the run's
 * {@linkcode BuildContext}. `openRun` hands in real chat models; `--estimate` a stand-in.
 *
 * @example
 * ```ts ignore
 * import { buildRun, runConfigOf } from "./build.ts";
 * const config = runConfigOf({ experiment, config: {}, horizon: 5 });
 * const built = await buildRun({ experiment, config: {}, seed: 0 }, config, recorder, chatModel);
 * ```
 * @module
 */
import type { CallRecorder } from "../agents/call_recorder.ts";
import { Rng } from "../core/rng.ts";
import type { AgentSpec } from "../llm/agents_file.ts";
import type { ChatModel } from "../llm/chat_model.ts";
import type { BuiltRun, Experiment } from "./experiment.ts";

/** What a run is built from: the experiment, its config and the run's settings. */
export interface BuildRequest {
  /** The experiment to run (from the registry, e.g. `findExperiment("ipd")`). */
  experiment: Experiment;
  /** The engine config object before validation (file merged with flag overrides). */
  config: Record<string, unknown>;
  /** The run's seed. */
  seed: number;
  /** Overrides the experiment's horizon field (`--rounds N`). */
  horizon?: number;
  /** The prompts' language. @default {"en"} */
  lang?: "zh" | "en";
  /** The agents file's entries (`--agents`); `null` or absent: the experiment's defaults. */
  agents?: AgentSpec[] | null;
  /** A recorded run to replay (`--replay FILE`), for experiments that have a replay. */
  replay?: string;
}

/**
 * The validated config of a run: the config object with the horizon override applied,
 * parsed by the experiment.
 *
 * @throws {ConfigError} Naming the field, from the experiment's `parseConfig`.
 */
export function runConfigOf(
  request: Pick<BuildRequest, "experiment" | "config" | "horizon">,
): Record<string, unknown> {
  const input = { ...request.config };
  if (request.horizon !== undefined) input[request.experiment.horizon] = request.horizon;
  return request.experiment.parseConfig(input) as Record<string, unknown>;
}

/**
 * Builds the engine and agents of a run.
 *
 * @param request The run.
 * @param parsedConfig Its config, from {@linkcode runConfigOf}.
 * @param recorder Where LLM agents record their calls.
 * @param chatModel Makes the chat model of an LLM seat.
 * @returns The built run.
 */
export async function buildRun(
  request: BuildRequest,
  parsedConfig: Record<string, unknown>,
  recorder: CallRecorder,
  chatModel: (spec: AgentSpec) => ChatModel,
): Promise<BuiltRun> {
  const { seed, lang = "en" } = request;
  return await request.experiment.build(parsedConfig, {
    seed,
    rng: new Rng(seed),
    lang,
    agents: request.agents ?? null,
    recorder,
    replay: request.replay,
    chatModel,
  });
}
