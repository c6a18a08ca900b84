/**
 * Command-line flags of `deno task run`, parsed with `node:util` `parseArgs` and checked at
 * once: an unknown flag or bad value is a {@linkcode ConfigError} naming the flag.
 *
 * @module
 */
import { ConfigError } from "../core/config.ts";
import type { Experiment } from "../run/experiment.ts";
import {
  COMMON_FLAGS,
  type FlagSpec,
  MAX_SEED,
  parseBudget,
  parseFlags,
  parseInteger,
  parseLang,
  parseReports,
  parseSeeds,
  readConfigFlag,
} from "./common_flags.ts";

/** Parsed flags. */
export interface CliArgs {
  experiments: string[];
  config?: string;
  agents?: string;
  seed: number;
  /** `true` when `--seed` was given (it conflicts with --resume and --sweep). */
  seedGiven: boolean;
  rounds?: number;
  out?: string;
  lang: "zh" | "en";
  resume?: string;
  cache?: string;
  offline: boolean;
  maxTokens?: number;
  maxUsd?: number;
  replay?: string;
  sweep?: string;
  seeds?: [number, number];
  workers: number;
  shard?: [number, number];
  quiet: boolean;
  /** `--rotate-seats`: a sweep plays every agent in every seat. */
  rotateSeats: boolean;
  help: boolean;
  /** `--version`: print the toolkit's and Deno's versions. */
  version: boolean;
  /** `--estimate`: print the expected calls, tokens and dollars; run nothing. */
  estimate: boolean;
  reports: string | null;
  /** `--checkpoint-every N|end`. */
  checkpointEvery?: string;
  /** `--log-decisions all|none|N`. */
  logDecisions?: string;
  /** `--max-fallback X`: the largest share of fallback LLM decisions of a valid run. */
  maxFallback?: number;
  /** Values of the experiments' own flags that were given (see `Experiment.flags`). */
  engineFlags: Record<string, string | boolean>;
}

const OPTIONS = {
  ...COMMON_FLAGS,
  agents: { type: "string" },
  seed: { type: "string" },
  rounds: { type: "string" },
  resume: { type: "string" },
  cache: { type: "string" },
  offline: { type: "boolean" },
  replay: { type: "string" },
  sweep: { type: "string" },
  workers: { type: "string" },
  shard: { type: "string" },
  "rotate-seats": { type: "boolean" },
  "checkpoint-every": { type: "string" },
  "log-decisions": { type: "string" },
  estimate: { type: "boolean" },
} as const satisfies Record<string, FlagSpec>;

/**
 * Parses `argv` (without the program name).
 *
 * @param argv The arguments.
 * @param engineFlags The experiments' own flags (name to type), parsed besides the generic
 * ones and returned in `engineFlags`; a name that shadows a generic flag is an error.
 */
export function parseCliArgs(
  argv: string[],
  engineFlags: Readonly<Record<string, { type: "string" | "boolean" }>> = {},
): CliArgs {
  for (const name of Object.keys(engineFlags)) {
    if (name in OPTIONS) throw new Error(`engine flag --${name} shadows a generic flag`);
  }
  const options = {
    ...Object.fromEntries(Object.entries(engineFlags).map(([k, f]) => [k, { type: f.type }])),
    ...OPTIONS,
  };
  const { values, positionals } = parseFlags(argv, options, true);
  const v = values as Record<string, string | boolean | undefined>;
  const str = (flag: string) => v[flag] as string | undefined;
  const lang = parseLang(str("lang"));
  const seeds = v.seeds === undefined ? undefined : parseSeeds(str("seeds")!);
  const budget = parseBudget(values);
  let shard: [number, number] | undefined;
  if (v.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(str("shard")!.trim());
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) {
      throw new ConfigError(`--shard: expected i/n with 0 <= i < n (e.g. 0/4), got '${v.shard}'`);
    }
    shard = [Number(m[1]), Number(m[2])];
  }
  const args: CliArgs = {
    experiments: positionals,
    config: str("config"),
    agents: str("agents"),
    seed: parseInteger("seed", str("seed"), 0, MAX_SEED) ?? 0,
    seedGiven: v.seed !== undefined,
    rounds: parseInteger("rounds", str("rounds"), 1),
    out: str("out"),
    lang,
    resume: str("resume"),
    cache: str("cache"),
    offline: v.offline === true,
    maxTokens: budget.maxTokens,
    maxUsd: budget.maxUsd,
    replay: str("replay"),
    sweep: str("sweep"),
    seeds,
    workers: parseInteger("workers", str("workers"), 1) ?? 1,
    shard,
    quiet: v.quiet === true,
    rotateSeats: v["rotate-seats"] === true,
    help: v.help === true,
    version: v.version === true,
    estimate: v.estimate === true,
    reports: parseReports(values),
    checkpointEvery: str("checkpoint-every"),
    logDecisions: str("log-decisions"),
    maxFallback: budget.maxFallback,
    engineFlags: Object.fromEntries(
      Object.keys(engineFlags).filter((k) => v[k] !== undefined).map((k) => [k, v[k]!]),
    ),
  };
  if (args.rotateSeats && !args.sweep && !args.seeds) {
    throw new ConfigError("--rotate-seats: only with --sweep or --seeds");
  }
  if ((args.shard || v.workers !== undefined) && !args.sweep && !args.seeds) {
    throw new ConfigError(`--${args.shard ? "shard" : "workers"}: only with --sweep or --seeds`);
  }
  if (args.seeds && !args.sweep) {
    // one experiment over a range of seeds: a one-cell sweep
    for (const [flag, given] of [["seed", args.seedGiven || undefined], ["resume", args.resume]]) {
      if (given !== undefined) throw new ConfigError(`--${flag}: not with --seeds`);
    }
  }
  if (args.sweep && args.resume) throw new ConfigError("--resume: cannot be combined with --sweep");
  if (args.sweep) {
    for (const [flag, given] of [["config", args.config], ["seed", args.seedGiven || undefined]]) {
      if (given !== undefined) {
        throw new ConfigError(
          `--${flag}: not with --sweep (the grid file's "base" and --seeds set these)`,
        );
      }
    }
  }
  if (args.resume) {
    const fixed: [string, unknown][] = [
      ["config", args.config],
      ["seed", args.seedGiven || undefined],
      ["rounds", args.rounds],
      ["replay", args.replay],
      ["out", args.out],
      ["lang", v.lang],
    ];
    for (const [flag, given] of fixed) {
      if (given !== undefined) {
        throw new ConfigError(
          `--${flag}: not with --resume (a run keeps the settings it began with)`,
        );
      }
    }
  }
  const engineFlag = Object.keys(args.engineFlags)[0];
  if (engineFlag !== undefined && (args.resume || args.sweep)) {
    throw new ConfigError(
      `--${engineFlag}: not with --${args.resume ? "resume" : "sweep"} (put it in the config)`,
    );
  }
  if (args.offline && !args.cache) throw new ConfigError("--offline: needs --cache DIR");
  return args;
}

/** The `--help` text. */
export const HELP = `LLM Game Lab: run game-theoretic experiments with LLM and scripted agents.

Usage:
  deno task run [experiment ...] [flags]      run experiments (none named: the default set)
  deno task run --resume DIR                  continue an interrupted run
  deno task run --sweep grid.json --seeds 0..19 [--workers N] [--shard i/n]

Experiments:{experiments}
{commands}
Flags:
  --config F|JSON   engine parameters: a JSON file, or a JSON object inline
                    (e.g. --config '{"kappa": 0.3, "rounds": 30}')
  --agents F        agents file: which LLM or policy plays each seat (see README)
  --seed N          run seed (default 0)
  --rounds N        override the experiment's horizon (blockchain/ipd rounds, society days,
                    delegation T)
  --out DIR         run directory (default data/runs/<experiment>-<UTC>-s<seed>);
                    with --sweep, the sweep directory (default data/sweeps/<grid name>)
  --lang zh|en      prompt language for LLM agents (default en)
  --resume DIR      continue the run in DIR from its last checkpoint
  --cache DIR       record/replay cache of LLM replies
  --offline         fail on a cache miss instead of calling an API (needs --cache)
  --max-tokens N    stop cleanly (resumable) after N LLM tokens
  --max-usd X       stop cleanly (resumable) after X dollars of LLM calls
  --replay F        replay the actions of a recorded run (engine-specific)
  --checkpoint-every N|end
                    checkpoint every N steps or only at the end (default: every step for
                    LLM runs; the experiment's default otherwise)
  --log-decisions all|none|N
                    decision rows for every step, none, or every N-th step
  --max-fallback X  largest share of fallback LLM decisions for valid verdicts (default 0.1)
  --estimate        print the expected LLM calls, tokens and dollars of the runs or sweep
                    (the real prompts, played offline with a stand-in model); run nothing
  --sweep F         run every cell of a grid file x every seed of --seeds
  --rotate-seats    a sweep plays every agent in every seat (K rotations of the agents)
  --seeds A..B      seed range of a sweep, inclusive (at most 100000 seeds); with one
                    experiment and no --sweep,
                    that experiment over those seeds (a one-cell sweep)
  --workers N       parallel worker processes of a sweep (default 1)
  --shard i/n       run only slice i (0-based) of n of a sweep (default: from Slurm's
                    SLURM_ARRAY_TASK_ID/COUNT, or a Kubernetes JOB_COMPLETION_INDEX with
                    LAB_SHARD_COUNT)
  --reports DIR     where reports go (default reports); --no-report to skip them
  -q, --quiet       no progress bar
  --version         the toolkit's version (deno.json), its git commit and Deno's
  -h, --help        this text
{engineFlags}
Exit codes: 0 done, 1 run failed (resumable), 2 bad flag, value or config file,
3 stopped at the --max-tokens/--max-usd budget (resumable).
`;

/**
 * The config object of one experiment of the command line: `--config` (a file or inline
 * JSON) with the experiment's own flags applied.
 *
 * @param args The parsed flags.
 * @param experiment The experiment run.
 * @returns The config object before validation.
 * @throws {ConfigError} Naming `--config` or the engine flag.
 */
export async function configOf(
  args: Pick<CliArgs, "config" | "engineFlags">,
  experiment: Experiment,
): Promise<Record<string, unknown>> {
  const config = await readConfigFlag(args.config);
  return experiment.applyFlags && Object.keys(args.engineFlags).length
    ? experiment.applyFlags({ ...config }, args.engineFlags)
    : config;
}
