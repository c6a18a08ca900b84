/**
 * `deno task run profile --agents model.json [--agents other.json ...] --seeds 0..4`: a
 * model's profile across every experiment with a profile part (see `lib/run/profile.ts`),
 * and its card (`reports/<profile>/report.html`). `--estimate` prints the expected calls,
 * tokens and dollars and runs nothing.
 *
 * @module
 */
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, readJsonFile } from "../core/config.ts";
import { redactSecrets } from "../core/redact.ts";
import { type AgentSpec, loadAgentsFile } from "../llm/agents_file.ts";
import type { Command } from "../run/experiment.ts";
import { collectProfile, modelSlug, type ProfileSpec, runProfile } from "../run/profile.ts";
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
  --seeds A..B       seeds, inclusive (default 0..4)
  --experiments L    comma-separated experiments (default: every one with a profile part)
  --rounds L         horizons, e.g. blockchain=10,society=4,delegation=200
  --config F         base configs, a JSON object keyed by experiment name
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
  --reports DIR      where the card goes (default reports); --no-report to skip it
  -q, --quiet        no per-run lines
  -h, --help         this text

Rerunning the same command skips finished runs and resumes unfinished ones.
Exit codes: 0 done, 1 failed, 2 bad flag, 3 stopped at the budget (resumable), 130 interrupted.
`;

const OPTIONS = {
  agents: { type: "string", multiple: true },
  seeds: { type: "string" },
  experiments: { type: "string" },
  rounds: { type: "string" },
  config: { type: "string" },
  records: { type: "string" },
  name: { type: "string" },
  out: { type: "string" },
  cache: { type: "string" },
  offline: { type: "boolean" },
  "max-tokens": { type: "string" },
  "max-usd": { type: "string" },
  "max-fallback": { type: "string" },
  lang: { type: "string" },
  estimate: { type: "boolean" },
  reports: { type: "string" },
  "no-report": { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const;

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

function positive(flag: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new ConfigError(
      `--${flag}: expected a positive ${integer ? "integer" : "number"}, got '${v}'`,
    );
  }
  return n;
}

function seedRange(v: string | undefined): [number, number] {
  if (v === undefined) return [0, 4];
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(v.trim());
  if (!m) throw new ConfigError(`--seeds: expected A..B (e.g. 0..4), got '${v}'`);
  const r: [number, number] = [Number(m[1]), Number(m[2] ?? m[1])];
  if (r[1] < r[0]) throw new ConfigError(`--seeds: ${r[0]}..${r[1]} is empty`);
  if (r[1] - r[0] >= 1000) throw new ConfigError(`--seeds: at most 1000 seeds per profile`);
  return r;
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
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (e) {
    throw new ConfigError((e as Error).message.split("\n")[0]);
  }
  const v = parsed.values;
  if (v.help) return null;
  if (!v.agents?.length) throw new ConfigError("--agents: name at least one agents file");
  const models: AgentSpec[] = [];
  for (const file of v.agents) models.push(...(await loadAgentsFile(file)).agents);
  const profiled = EXPERIMENTS.filter((e) => e.profile).map((e) => e.name);
  const experiments = v.experiments ? v.experiments.split(",").map((s) => s.trim()) : profiled;
  for (const e of experiments) {
    if (!profiled.includes(e)) {
      throw new ConfigError(
        `--experiments: '${e}' is not profiled; expected ${profiled.join(", ")}`,
      );
    }
  }
  const rounds = horizons(v.rounds);
  for (const e of Object.keys(rounds)) {
    if (!experiments.includes(e)) throw new ConfigError(`--rounds: '${e}' is not in the profile`);
  }
  let configs: Record<string, Record<string, unknown>> = {};
  if (v.config) {
    const c = await readJsonFile(v.config);
    if (!c || typeof c !== "object" || Array.isArray(c)) {
      throw new ConfigError(`${v.config}: expected a JSON object keyed by experiment name`);
    }
    configs = c as Record<string, Record<string, unknown>>;
  }
  const lang = v.lang ?? "en";
  if (lang !== "en" && lang !== "zh") {
    throw new ConfigError(`--lang: expected zh or en, got '${lang}'`);
  }
  if (v.offline && !v.cache) throw new ConfigError("--offline: needs --cache DIR");
  const name = v.name ?? (v.out ? basename(v.out) : models.map((m) => modelSlug(m.name)).join("+"));
  const maxFallback = v["max-fallback"] === undefined ? undefined : Number(v["max-fallback"]);
  if (maxFallback !== undefined && !(maxFallback >= 0 && maxFallback <= 1)) {
    throw new ConfigError(`--max-fallback: expected a share between 0 and 1`);
  }
  return {
    spec: {
      models,
      seeds: seedRange(v.seeds),
      experiments,
      configs,
      horizons: rounds,
      options: v.records ? { records: v.records } : {},
      lang,
    },
    name,
    out: v.out ?? join("data", "profiles", name),
    cache: v.cache,
    offline: v.offline ?? false,
    maxTokens: positive("max-tokens", v["max-tokens"], true),
    maxUsd: positive("max-usd", v["max-usd"], false),
    maxFallback,
    estimate: v.estimate ?? false,
    reports: v["no-report"] ? null : v.reports ?? "reports",
    quiet: v.quiet ?? false,
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
    if (e instanceof ConfigError) {
      console.error(`error: ${redactSecrets(e.message)}`);
      return 2;
    }
    console.error(`error: ${redactSecrets((e as Error).message)}`);
    if (Deno.env.get("LAB_DEBUG")) console.error(redactSecrets((e as Error).stack ?? ""));
    return 1;
  }
}

/** The registered command. */
export const profileCommand: Command = {
  description: "a model's profile across the games, and its card (see profile --help)",
  run: profileMain,
};
