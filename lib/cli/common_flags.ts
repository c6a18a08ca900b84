/**
 * The flags the commands share, parsed in one place: `--seeds A..B`, `--out`, `--reports` /
 * `--no-report`, `--config` (a file or inline JSON), the budget flags (`--max-tokens`,
 * `--max-usd`, `--max-fallback`), `--lang`, `--version`; and, re-exported from
 * `lib/core/flags.ts` (where engines take them), {@linkcode parseFlags}, the one wrapper of
 * `node:util` `parseArgs` whose errors are one line naming the flag, and
 * {@linkcode readConfigFlag}. Used by
 * `deno task run` (runs, sweeps, `study`, `profile`), `deno task report`, `deno task export`
 * and `deno task serve`. A bad value is a {@linkcode ConfigError} naming the flag (exit 2).
 *
 * @example
 * ```ts
 * import { parseSeeds, readConfigFlag } from "./common_flags.ts";
 * console.log(parseSeeds("0..4")); // [0, 4]
 * console.log(await readConfigFlag('{"rounds": 5}')); // { rounds: 5 }
 * ```
 * @module
 */
import { ConfigError } from "../core/config.ts";
import type { FlagSpec, FlagValues } from "../core/flags.ts";
export { MAX_SEED, MAX_SEEDS, parseSeedList, parseSeeds } from "../core/seeds.ts";
export { type FlagSpec, type FlagValues, parseFlags, readConfigFlag } from "../core/flags.ts";

/** The specs of the shared flags; a command picks the ones it takes. */
export const COMMON_FLAGS = {
  seeds: { type: "string" },
  out: { type: "string" },
  reports: { type: "string" },
  "no-report": { type: "boolean" },
  config: { type: "string" },
  "max-tokens": { type: "string" },
  "max-usd": { type: "string" },
  "max-fallback": { type: "string" },
  lang: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const satisfies Record<string, FlagSpec>;

/**
 * An integer flag in `[min, max]`; `undefined` when not given.
 *
 * @throws {ConfigError} Naming the flag.
 */
export function parseInteger(
  flag: string,
  value: string | undefined,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new ConfigError(`--${flag}: expected an integer >= ${min}, got '${value}'`);
  }
  if (n > max) throw new ConfigError(`--${flag}: must be at most ${max}, got '${value}'`);
  return n;
}

const DECIMAL = /^\s*(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * A positive decimal flag (e.g. `--max-usd 0.5`); `undefined` when not given.
 *
 * @throws {ConfigError} Naming the flag.
 */
export function parsePositive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!DECIMAL.test(value) || !Number.isFinite(n) || n <= 0) {
    throw new ConfigError(`--${flag}: expected a positive decimal number, got '${value}'`);
  }
  return n;
}

/**
 * A share in [0, 1] (e.g. `--max-fallback 0.1`); `undefined` when not given.
 *
 * @throws {ConfigError} Naming the flag.
 */
export function parseShare(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!DECIMAL.test(value) || !(n >= 0 && n <= 1)) {
    throw new ConfigError(`--${flag}: expected a share between 0 and 1, got '${value}'`);
  }
  return n;
}

/** The budget flags, parsed. */
export interface BudgetFlags {
  /** `--max-tokens N`: input plus output tokens. */
  maxTokens?: number;
  /** `--max-usd X`: dollars of LLM calls. */
  maxUsd?: number;
  /** `--max-fallback X`: the largest share of fallback LLM decisions of a valid run. */
  maxFallback?: number;
}

/**
 * `--max-tokens`, `--max-usd` and `--max-fallback`.
 *
 * @throws {ConfigError} Naming the flag.
 */
export function parseBudget(values: FlagValues): BudgetFlags {
  return {
    maxTokens: parseInteger("max-tokens", values["max-tokens"] as string | undefined, 1),
    maxUsd: parsePositive("max-usd", values["max-usd"] as string | undefined),
    maxFallback: parseShare("max-fallback", values["max-fallback"] as string | undefined),
  };
}

/**
 * `--reports DIR` (default `reports`), or `null` for `--no-report`.
 *
 * @throws {ConfigError} When both are given.
 */
export function parseReports(values: FlagValues): string | null {
  if (values["no-report"] && values.reports !== undefined) {
    throw new ConfigError("--reports: not with --no-report");
  }
  return values["no-report"] ? null : (values.reports as string | undefined) ?? "reports";
}

/**
 * `--lang zh|en` (default `en`).
 *
 * @throws {ConfigError} Naming `--lang`.
 */
export function parseLang(value: string | undefined): "zh" | "en" {
  const lang = value ?? "en";
  if (lang !== "zh" && lang !== "en") {
    throw new ConfigError(`--lang: expected zh or en, got '${lang}'`);
  }
  return lang;
}

/** The `--version` line: the toolkit's version (deno.json), its git commit and Deno's. */
export async function versionLine(): Promise<string> {
  const { provenance } = await import("../run/provenance.ts");
  const p = await provenance({});
  const commit = p.commit ? ` (commit ${p.commit.slice(0, 12)}${p.dirty ? ", modified" : ""})` : "";
  return `LLM Game Lab ${p.toolkit}${commit}; Deno ${p.deno}`;
}

/**
 * Prints the `--version` line when `argv` asks for it (before any `--`).
 *
 * @param argv The command's arguments.
 * @returns `true` when it printed the line (the command then exits 0).
 */
export async function printVersionIfAsked(argv: readonly string[]): Promise<boolean> {
  const end = argv.indexOf("--");
  if (!(end < 0 ? argv : argv.slice(0, end)).includes("--version")) return false;
  console.log(await versionLine());
  return true;
}
