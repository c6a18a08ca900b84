/**
 * Command-line flags of `deno task run`, parsed with `node:util` `parseArgs` and checked at
 * once: an unknown flag or bad value is a {@linkcode ConfigError} naming the flag.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError, readJsonFile } from "../core/config.ts";

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

/** Seeds are 32-bit: larger ones would alias smaller ones. */
export const MAX_SEED = 0xffffffff;
/** The most seeds one sweep takes. */
export const MAX_SWEEP_SEEDS = 100_000;

const OPTIONS = {
  config: { type: "string" },
  agents: { type: "string" },
  seed: { type: "string" },
  rounds: { type: "string" },
  out: { type: "string" },
  lang: { type: "string" },
  resume: { type: "string" },
  cache: { type: "string" },
  offline: { type: "boolean" },
  "max-tokens": { type: "string" },
  "max-usd": { type: "string" },
  replay: { type: "string" },
  sweep: { type: "string" },
  seeds: { type: "string" },
  workers: { type: "string" },
  shard: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  "rotate-seats": { type: "boolean" },
  reports: { type: "string" },
  "no-report": { type: "boolean" },
  "checkpoint-every": { type: "string" },
  "log-decisions": { type: "string" },
  "max-fallback": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
  estimate: { type: "boolean" },
} as const;

function int(
  flag: string,
  v: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v)) || Number(v) < min) {
    throw new ConfigError(`--${flag}: expected an integer >= ${min}, got '${v}'`);
  }
  if (Number(v) > max) throw new ConfigError(`--${flag}: must be at most ${max}, got '${v}'`);
  return Number(v);
}

const DECIMAL = /^\s*(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function positive(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!DECIMAL.test(v) || !Number.isFinite(n) || n <= 0) {
    throw new ConfigError(`--${flag}: expected a positive decimal number, got '${v}'`);
  }
  return n;
}

function share(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!DECIMAL.test(v) || !(n >= 0 && n <= 1)) {
    throw new ConfigError(`--${flag}: expected a share between 0 and 1, got '${v}'`);
  }
  return n;
}

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
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    if (unknown) throw new ConfigError(`${unknown[1]}: unknown flag (see --help)`);
    const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(msg);
    const ambiguous = /Option '([^']+?)' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      const flag = ambiguous[1].replace(/^-\w, /, "");
      throw new ConfigError(`${flag}: the value looks like a flag; write ${flag}=VALUE`);
    }
    if (missing) throw new ConfigError(`${missing[1].replace(/^-\w, /, "")}: needs a value`);
    throw new ConfigError(msg.split("\n")[0]);
  }
  const v = parsed.values as typeof parsed.values & { [k: string]: string | boolean | undefined };
  for (const [flag, value] of Object.entries(v)) {
    if (typeof value === "string" && value.trim() === "") {
      throw new ConfigError(`--${flag}: needs a value, got an empty string`);
    }
  }
  const lang = v.lang ?? "en";
  if (lang !== "zh" && lang !== "en") {
    throw new ConfigError(`--lang: expected zh or en, got '${lang}'`);
  }
  let seeds: [number, number] | undefined;
  if (v.seeds !== undefined) {
    const m = /^(\d+)(?:\.\.(\d+))?$/.exec(v.seeds.trim());
    if (!m) throw new ConfigError(`--seeds: expected A..B (e.g. 0..19), got '${v.seeds}'`);
    seeds = [Number(m[1]), Number(m[2] ?? m[1])];
    if (seeds[1] < seeds[0]) throw new ConfigError(`--seeds: ${seeds[0]}..${seeds[1]} is empty`);
    if (seeds[1] > MAX_SEED) throw new ConfigError(`--seeds: seeds must be at most ${MAX_SEED}`);
    if (seeds[1] - seeds[0] >= MAX_SWEEP_SEEDS) {
      throw new ConfigError(`--seeds: at most ${MAX_SWEEP_SEEDS} seeds per sweep`);
    }
  }
  let shard: [number, number] | undefined;
  if (v.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(v.shard.trim());
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) {
      throw new ConfigError(`--shard: expected i/n with 0 <= i < n (e.g. 0/4), got '${v.shard}'`);
    }
    shard = [Number(m[1]), Number(m[2])];
  }
  const args: CliArgs = {
    experiments: parsed.positionals,
    config: v.config,
    agents: v.agents,
    seed: int("seed", v.seed, 0, MAX_SEED) ?? 0,
    seedGiven: v.seed !== undefined,
    rounds: int("rounds", v.rounds, 1),
    out: v.out,
    lang,
    resume: v.resume,
    cache: v.cache,
    offline: v.offline ?? false,
    maxTokens: int("max-tokens", v["max-tokens"], 1),
    maxUsd: positive("max-usd", v["max-usd"]),
    replay: v.replay,
    sweep: v.sweep,
    seeds,
    workers: int("workers", v.workers, 1) ?? 1,
    shard,
    quiet: v.quiet ?? false,
    rotateSeats: v["rotate-seats"] ?? false,
    help: v.help ?? false,
    version: v.version ?? false,
    estimate: v.estimate ?? false,
    reports: v["no-report"] ? null : (v.reports ?? "reports"),
    checkpointEvery: v["checkpoint-every"],
    logDecisions: v["log-decisions"],
    maxFallback: share("max-fallback", v["max-fallback"]),
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

Experiments: {experiments}
{commands}
Flags:
  --config F        engine parameters, a JSON object (e.g. {"kappa": 0.3, "rounds": 30})
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
  --seeds A..B      seed range of a sweep, inclusive; with one experiment and no --sweep,
                    that experiment over those seeds (a one-cell sweep)
  --workers N       parallel worker processes of a sweep (default 1)
  --shard i/n       run only slice i (0-based) of n of a sweep
  --reports DIR     where reports go (default reports); --no-report to skip them
  -q, --quiet       no progress bar
  --version         the toolkit's version (deno.json), its git commit and Deno's
  -h, --help        this text
{engineFlags}
Exit codes: 0 done, 1 run failed (resumable), 2 bad flag, value or config file,
3 stopped at the --max-tokens/--max-usd budget (resumable).
`;

/**
 * Reads `--config F`: a JSON object of engine parameters (`{}` without the flag).
 *
 * @throws {ConfigError} Naming the file, when it is not a JSON object.
 */
export async function loadConfigFile(path: string | undefined): Promise<Record<string, unknown>> {
  if (!path) return {};
  const value = await readJsonFile(path);
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`${path}: expected a JSON object of engine parameters`);
  }
  return value as Record<string, unknown>;
}
