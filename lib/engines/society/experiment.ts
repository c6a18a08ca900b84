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
import type { Experiment, ServedRun, ServeOptions } from "../../run/experiment.ts";
import { societyAblation } from "./ablation.ts";
import { societyRunExperiment } from "./build.ts";
import { parseSocietyConfig, type SocietyConfig } from "./config.ts";
import { reseatScaledDefaults } from "./scaled_defaults.ts";

export {
  buildSociety,
  COLLAPSE_SURVIVOR_SHARE,
  collapsed,
  SOCIETY_RUN_POLICY,
  SOCIETY_VERDICTS,
  societyRunExperiment,
} from "./build.ts";

/**
 * The registered society experiment: {@linkcode societyRunExperiment} that can also be
 * served: `serve(options)` starts the HTTP API and live page (`deno task serve` finds it
 * through the registry, so the CLI names no engine). `estimateNotes(config, options)` gives
 * `--estimate` its lines on what the token budget carries (`token_capacity.ts`).
 */
export const societyExperiment: Experiment<SocietyConfig> & {
  serve(options: ServeOptions): Promise<ServedRun>;
} = {
  ...societyRunExperiment,
  // The server loads when used, not when the CLI starts.
  serve: async (options) => (await import("./server.ts")).startSocietyServer(options),
  // The tokenizer loads when an estimate is made.
  estimateNotes: async (config, options) => {
    const { agents } = options;
    // an agents file names the citizens (as a run seats them, `build.ts`)
    const seated = agents?.length
      ? parseSocietyConfig({
        ...config,
        ...reseatScaledDefaults(config, agents.length),
        citizens: agents.map((a) => a.name),
      })
      : config;
    return (await import("./token_capacity.ts")).capacityLines(seated, options);
  },
};

export { societyAblation };
