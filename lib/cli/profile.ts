/**
 * `deno task run profile --agents model.json [--agents other.json ...] --seeds 0..4`: a
 * model's profile across every experiment with a profile part (see `lib/run/profile.ts`),
 * and its card (`reports/<profile>/report.html`). `--estimate` prints the expected calls,
 * tokens and dollars and runs nothing.
 *
 * @module
 */
import { basename, join } from "node:path";
import { collectProfile } from "../analysis/profile.ts";
import { ConfigError } from "../core/config.ts";
import { withFlag } from "../core/flags.ts";
import { type AgentSpec, loadAgentsFile } from "../llm/agents_file.ts";
import type { Command } from "../run/experiment.ts";
import { modelSlug, type ProfileSpec, runProfile } from "../run/profile.ts";
import {
  COMMON_FLAGS,
  type FlagSpec,
  parseBudget,
  parseFlags,
  parseLang,
  parseReports,
  parseSeeds,
  readConfigFlag,
} from "./common_flags.ts";
import { commandFailed } from "./errors.ts";
import { EXIT_BUDGET } from "./exit_codes.ts";
import { EXPERIMENTS, findExperiment } from "./registry.ts";

/** The `--help` text. */
export const PROFILE_HELP =
  `deno task run profile --agents model.json [--agents other.json ...] [flags]

A model's profile across the games: for each model (each entry of each agents file) and
each seed, every experiment's profile conditions (blockchain: one miner / all miners;
society: every citizen / one citizen; delegation: the LLM provider against honest ones),
as run directories under one profile directory, then the card.

Flags:
  --agents F         an agents file; every entry is a model to profile (repeatable)
  --seeds A..B       seeds, inclusive (default 0..4; at most 100000)
  --experiments L    comma-separated experiments (default: every one with a profile part)
  --rounds L         horizons, e.g. blockchain=10,society=4,delegation=200
  --config F|JSON    base configs, a JSON object keyed by experiment name (a file or inline)
  --records DIR      recorded reference task records (delegation; default synthetic)
  --name N           the profile's name (default: the models' names joined by +)
  --out DIR          the profile directory (default data/profiles/<name>)
  --cache DIR        replies cache (default <profile>/cache)
  --offline          fail on a cache miss instead of calling an API
  --max-tokens N     one token budget for the whole profile (stops cleanly, resumable)
  --max-usd X        one dollar budget for the whole profile
  --max-fallback X   largest share of fallback LLM decisions for valid verdicts (default 0.1)
  --lang zh|en       prompt language (default en)
  --estimate         print the expected calls, tokens and dollars; run nothing
  --reports DIR      where the card goes and the index lists the profile (default reports);
                     --no-report to skip them
  -q, --quiet        no per-run lines
  -h, --help         this text

Rerunning the same command skips finished runs and resumes unfinished ones.
Exit codes: 0 done, 1 failed, 2 bad flag, 3 stopped at the budget (resumable), 130 interrupted.
`;

const OPTIONS = {
  ...COMMON_FLAGS,
  agents: { type: "string", multiple: true },
  experiments: { type: "string" },
  rounds: { type: "string" },
  records: { type: "string" },
  name: { type: "string" },
  cache: { type: "string" },
  offline: { type: "boolean" },
  estimate: { type: "boolean" },
} as const satisfies Record<string, FlagSpec>;

/** Parsed flags of the profile command. */
export interface ProfileArgs {
  spec: ProfileSpec;
  name: string;
  out: string;
  cache?: string;
  offline: boolean;
  maxTokens?: number;
  maxUsd?: number;
  maxFallback?: number;
  estimate: boolean;
  reports: string | null;
  quiet: boolean;
}

function horizons(v: string | undefined): Record<string, number> {
  if (v === undefined) return {};
  const out: Record<string, number> = {};
  for (const part of v.split(",")) {
    const m = /^\s*([\w-]+)=(\d+)\s*$/.exec(part);
    if (!m || Number(m[2]) < 1) {
      throw new ConfigError(`--rounds: expected name=N,... (e.g. society=4), got '${part}'`);
    }
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Parses the flags (after `profile`); reads the agents and config files. */
export async function parseProfileArgs(argv: string[]): Promise<ProfileArgs | null> {
  const { values: v } = parseFlags(argv, OPTIONS);
  const str = (flag: string) => v[flag] as string | undefined;
  if (v.help) return null;
  const seeds: [number, number] = v.seeds === undefined ? [0, 4] : parseSeeds(str("seeds")!);
  const files = (v.agents as string[] | undefined) ?? [];
  if (!files.length) throw new ConfigError("--agents: name at least one agents file");
  const models: AgentSpec[] = [];
  for (const file of files) {
    models.push(...(await withFlag("--agents", () => loadAgentsFile(file))).agents);
  }
  const profiled = EXPERIMENTS.filter((e) => e.profile).map((e) => e.name);
  const experiments = v.experiments
    ? str("experiments")!.split(",").map((s) => s.trim())
    : profiled;
  for (const e of experiments) {
    if (!profiled.includes(e)) {
      throw new ConfigError(
        `--experiments: '${e}' is not profiled; expected ${profiled.join(", ")}`,
      );
    }
  }
  const rounds = horizons(str("rounds"));
  for (const e of Object.keys(rounds)) {
    if (!experiments.includes(e)) throw new ConfigError(`--rounds: '${e}' is not in the profile`);
  }
  const configs = await readConfigFlag(
    str("config"),
    "base configs keyed by experiment name",
  ) as Record<string, Record<string, unknown>>;
  const lang = parseLang(str("lang"));
  if (v.offline && !v.cache) throw new ConfigError("--offline: needs --cache DIR");
  const out = str("out");
  const name = str("name") ??
    (out ? basename(out) : models.map((m) => modelSlug(m.name)).join("+"));
  const budget = parseBudget(v);
  return {
    spec: {
      models,
      seeds,
      experiments,
      configs,
      horizons: rounds,
      options: v.records ? { records: str("records")! } : {},
      lang,
    },
    name,
    out: out ?? join("data", "profiles", name),
    cache: str("cache"),
    offline: v.offline === true,
    maxTokens: budget.maxTokens,
    maxUsd: budget.maxUsd,
    maxFallback: budget.maxFallback,
    estimate: v.estimate === true,
    reports: parseReports(v),
    quiet: v.quiet === true,
  };
}

/** Runs the profile command; returns the exit code. */
export async function profileMain(argv: string[]): Promise<number> {
  try {
    const args = await parseProfileArgs(argv);
    if (!args) {
      console.log(PROFILE_HELP);
      return 0;
    }
    if (args.estimate) {
      const { estimateRuns, formatEstimate } = await import("../run/estimate.ts");
      const { profileRequests } = await import("../run/profile.ts");
      const e = await estimateRuns(profileRequests(args.spec, findExperiment));
      console.log(formatEstimate(e, `profile ${args.name}`));
      return 0;
    }
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    Deno.addSignalListener("SIGINT", onSignal);
    let result;
    try {
      result = await runProfile({
        spec: args.spec,
        dir: args.out,
        lookup: findExperiment,
        cacheDir: args.cache,
        offline: args.offline,
        maxTokens: args.maxTokens,
        maxUsd: args.maxUsd,
        maxFallbackShare: args.maxFallback,
        argv: ["deno", "task", "run", "profile", ...argv],
        log: args.quiet ? undefined : (line) => console.log(line),
        signal: abort.signal,
      });
    } finally {
      Deno.removeSignalListener("SIGINT", onSignal);
    }
    if (result.status !== "completed") {
      console.error(`profile ${args.out}: stopped: ${result.reason ?? result.status}`);
      console.error(
        `  rerun the same command to resume${
          result.status === "stopped_budget" ? " (with a larger --max-tokens/--max-usd)" : ""
        }`,
      );
      return result.status === "interrupted" ? 130 : EXIT_BUDGET;
    }
    const card = await collectProfile(args.out, args.spec, findExperiment, basename(args.out));
    console.log(`profile ${args.out}: ${result.ran} runs played, ${result.skipped} found done`);
    if (args.reports !== null) {
      const { writeProfileCard } = await import("../reports/profile_card.ts");
      const path = await writeProfileCard(card, join(args.reports, card.name));
      const { rebuildIndex } = await import("./report.ts");
      const index = await rebuildIndex({ reportsRoot: args.reports, extra: [args.out] });
      console.log(`  card: ${path}\nindex: ${index}`);
    }
    return 0;
  } catch (e) {
    return commandFailed(e);
  }
}

/** The registered command. */
export const profileCommand: Command = {
  description: "a model's profile across the games, and its card (see profile --help)",
  run: profileMain,
};
