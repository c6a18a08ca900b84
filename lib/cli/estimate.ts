/**
 * `deno task run ... --estimate`: the expected LLM calls, tokens and dollars of the runs
 * or the sweep the flags describe, printed; nothing is run against any API (see
 * `lib/run/estimate.ts`). The profile command handles its own `--estimate`.
 *
 * An experiment may add lines of its own by declaring `estimateNotes(config, options)`
 * (the society does: how many citizens its token budget carries for how many days); they
 * are printed after the estimate, once per distinct config.
 *
 * @module
 */
import { ConfigError, parseWith, readJsonFile } from "../core/config.ts";
import type { AgentSpec } from "../llm/agents_file.ts";
import { runConfigOf } from "../run/build.ts";
import { estimateRuns, formatEstimate } from "../run/estimate.ts";
import type { EstimateNotesOptions } from "../run/experiment.ts";
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

/** Most distinct configs whose notes a sweep's estimate prints. */
export const MAX_NOTED_CONFIGS = 4;

/**
 * The experiments' own lines for the requests, once per distinct experiment and config (at
 * most {@linkcode MAX_NOTED_CONFIGS}, then how many were left out).
 */
export async function estimateNotesOf(
  requests: readonly RunRequest[],
  options: EstimateNotesOptions,
): Promise<string[]> {
  const seen = new Set<string>();
  const lines: string[] = [];
  let left = 0;
  for (const r of requests) {
    const notes = r.experiment.estimateNotes;
    if (!notes) continue;
    const config = runConfigOf(r);
    const key = JSON.stringify([r.experiment.name, config]);
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_NOTED_CONFIGS) {
      left++;
      continue;
    }
    lines.push(...await notes.call(r.experiment, config, options));
  }
  if (left > 0) lines.push(`  (${left} more distinct config${left === 1 ? "" : "s"} not shown)`);
  return lines;
}

/** Prints the estimate of the runs or sweep of `args`; returns the exit code. */
export async function printEstimate(args: CliArgs, agents: AgentSpec[] | null): Promise<number> {
  if (args.resume) throw new ConfigError("--estimate: not with --resume");
  const requests = await requestsOf(args, agents);
  const what = args.sweep
    ? `sweep ${args.sweep}`
    : requests.map((r) => r.experiment.name).join(", ");
  console.log(formatEstimate(await estimateRuns(requests), what));
  const notes = await estimateNotesOf(requests, {
    lang: args.lang,
    maxTokens: args.maxTokens ?? null,
    agents,
  });
  if (notes.length > 0) console.log(notes.join("\n"));
  return 0;
}
