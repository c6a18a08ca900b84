/**
 * `deno task run ... --estimate`: the expected LLM calls, tokens and dollars of the runs
 * or the sweep the flags describe, printed; nothing is run against any API (see
 * `lib/run/estimate.ts`). The profile command handles its own `--estimate`.
 *
 * @module
 */
import { ConfigError, parseWith, readJsonFile } from "../core/config.ts";
import type { AgentSpec } from "../llm/agents_file.ts";
import { estimateRuns, formatEstimate } from "../run/estimate.ts";
import type { RunRequest } from "../run/open.ts";
import { cellConfig, gridCells, GridFileSchema } from "../core/sweep_dir.ts";
import { type CliArgs, configOf } from "./args.ts";
import { EXPERIMENTS, findExperiment } from "./registry.ts";

/** The requests of the runs (or the sweep) the flags describe. */
export async function requestsOf(args: CliArgs, agents: AgentSpec[] | null): Promise<RunRequest[]> {
  const common = { lang: args.lang, agents, horizon: args.rounds, replay: args.replay };
  if (args.sweep) {
    if (!args.seeds) throw new ConfigError("--sweep: needs --seeds A..B");
    const grid = parseWith(GridFileSchema, await readJsonFile(args.sweep), args.sweep);
    const experiment = findExperiment(grid.experiment);
    if (!experiment) {
      throw new ConfigError(`${args.sweep}: experiment: '${grid.experiment}' is unknown`);
    }
    const out: RunRequest[] = [];
    for (const cell of gridCells(grid)) {
      for (let seed = args.seeds[0]; seed <= args.seeds[1]; seed++) {
        out.push({ ...common, experiment, config: cellConfig(grid, cell.params), seed });
      }
    }
    return out;
  }
  const names = args.experiments.length ? args.experiments : EXPERIMENTS.map((e) => e.name);
  const out: RunRequest[] = [];
  for (const name of names) {
    const experiment = findExperiment(name)!;
    out.push({ ...common, experiment, config: await configOf(args, experiment), seed: args.seed });
  }
  return out;
}

/** Prints the estimate of the runs or sweep of `args`; returns the exit code. */
export async function printEstimate(args: CliArgs, agents: AgentSpec[] | null): Promise<number> {
  if (args.resume) throw new ConfigError("--estimate: not with --resume");
  const requests = await requestsOf(args, agents);
  const what = args.sweep
    ? `sweep ${args.sweep}`
    : requests.map((r) => r.experiment.name).join(", ");
  console.log(formatEstimate(await estimateRuns(requests), what));
  return 0;
}
