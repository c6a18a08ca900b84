/**
 * `deno task run --sweep F --seeds A..B`: the CLI side of `lib/run/sweep.ts` (the registry
 * and the worker script live here, since only the CLI names engines). Without `--shard`, a
 * Slurm array task or a Kubernetes indexed Job runs its own slice (`shardFromEnv`); the
 * slice is printed, and recorded in `<sweep>/shards/<i>-of-<n>.json`.
 *
 * @module
 */
import { ConfigError } from "../core/config.ts";
import { loadAgentsFile } from "../llm/agents_file.ts";
import type { GridFile } from "../core/sweep_dir.ts";
import { runSweep as runSweepIn, shardFromEnv, type SweepResult } from "../run/sweep.ts";
import { type CliArgs, configOf } from "./args.ts";
import { findExperiment } from "./registry.ts";

/**
 * Runs the sweep the flags describe: a grid file (`--sweep F --seeds A..B`), or one
 * experiment over a range of seeds (`EXPERIMENT --seeds A..B`, a one-cell sweep of its
 * config, named `<experiment>-seeds-A-B`).
 */
export async function runSweep(
  args: CliArgs & { sweep?: string; argv: string[] },
): Promise<SweepResult> {
  if (!args.seeds) throw new ConfigError("--sweep: needs --seeds A..B");
  let grid: GridFile | undefined;
  let gridPath = args.sweep;
  if (gridPath === undefined) {
    if (args.experiments.length !== 1) {
      throw new ConfigError("--seeds: name one experiment, or give a grid file with --sweep");
    }
    const name = args.experiments[0];
    grid = { experiment: name, base: await configOf(args, findExperiment(name)!), grid: {} };
    gridPath = `${name}-seeds-${args.seeds[0]}-${args.seeds[1]}`;
  } else if (args.experiments.length) {
    throw new ConfigError(
      "--sweep: the grid file names the experiment; name none on the command line",
    );
  }
  const agents = args.agents ? (await loadAgentsFile(args.agents)).agents : null;
  const fromEnv = args.shard ? undefined : shardFromEnv(Deno.env.toObject());
  const shard = args.shard ?? fromEnv?.shard;
  if (fromEnv) {
    // printed even with --quiet: a job's log says which slice it ran
    console.log(`shard ${fromEnv.shard[0]}/${fromEnv.shard[1]} (from ${fromEnv.source})`);
  }
  return await runSweepIn({
    gridPath,
    grid,
    seeds: args.seeds,
    rotateSeats: args.rotateSeats,
    shard,
    shardSource: fromEnv?.source,
    workers: args.workers,
    out: args.out,
    horizon: args.rounds,
    lang: args.lang,
    agents,
    replay: args.replay,
    cacheDir: args.cache,
    offline: args.offline,
    maxTokens: args.maxTokens,
    maxUsd: args.maxUsd,
    maxFallbackShare: args.maxFallback,
    policy: { checkpointEvery: args.checkpointEvery, logDecisions: args.logDecisions },
    quiet: args.quiet,
    lookup: findExperiment,
    workerUrl: new URL("./sweep_worker.ts", import.meta.url),
  });
}
