/**
 * The flags the commands share, parsed in one place: `--seeds A..B`, `--out`, `--reports` /
 * `--no-report`, `--config` (a file or inline JSON), the budget flags (`--max-tokens`,
 * `--max-usd`, `--max-fallback`), `--lang`, `--version`; and {@linkcode parseFlags}, the one
 * wrapper of `node:util` `parseArgs` whose errors are one line naming the flag. Used by
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
import { parseArgs } from "node:util";
import { ConfigError, parseJsonText, readJsonFile } from "../core/config.ts";
export { MAX_SEED, MAX_SEEDS, parseSeedList, parseSeeds } from "../core/seeds.ts";

/** A flag's type, as `node:util` `parseArgs` takes it. */
export interface FlagSpec {
  /** `string`: the flag takes a value; `boolean`: it is a switch. */
  type: "string" | "boolean";
  /** A one-letter alias, e.g. `q` for `-q`. */
  short?: string;
  /** The flag may be given more than once (its values are a list). */
  multiple?: boolean;
}

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

/** Parsed values: a string, a switch, or a list of strings for a repeatable flag. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/**
 * Parses `argv` with `node:util` `parseArgs` (strict), turning its errors into one-line
 * {@linkcode ConfigError}s naming the flag; a string flag given as an empty string is refused.
 *
 * @param argv The arguments.
 * @param options The flags taken.
 * @param allowPositionals Whether bare arguments are allowed. @default {false}
 * @returns The values and the positionals.
 * @throws {ConfigError} For an unknown flag, a missing or empty value, a stray argument.
 */
export function parseFlags(
  argv: string[],
  options: Readonly<Record<string, FlagSpec>>,
  allowPositionals = false,
): { values: FlagValues; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    const msg = (e as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    if (unknown) throw new ConfigError(`${unknown[1]}: unknown flag (see --help)`);
    const ambiguous = /Option '(?:-\w, )?(--[^' ]+)' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      throw new ConfigError(
        `${ambiguous[1]}: the value looks like a flag; write ${ambiguous[1]}=VALUE`,
      );
    }
    const missing = /Option '(?:-\w, )?(--[^' ]+)[^']*' argument missing/.exec(msg);
    if (missing) throw new ConfigError(`${missing[1]}: needs a value`);
    const positional = /Unexpected argument '([^']+)'/.exec(msg);
    if (positional) throw new ConfigError(`${positional[1]}: unexpected argument (see --help)`);
    throw new ConfigError(msg.split("\n")[0]);
  }
  const values = parsed.values as FlagValues;
  for (const [flag, value] of Object.entries(values)) {
    if (typeof value === "string" && value.trim() === "") {
      throw new ConfigError(`--${flag}: needs a value, got an empty string`);
    }
  }
  return { values, positionals: parsed.positionals };
}

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

/**
 * `--config`: a JSON object given inline (`{"rounds": 5}`) or as a file's path; `{}` without
 * the flag. A value starting with `{` is inline JSON.
 *
 * @param value The flag's value.
 * @param what What the object holds, for the message. @default {"engine parameters"}
 * @returns The object.
 * @throws {ConfigError} One line naming `--config` (and the file, or the JSON's line).
 */
export async function readConfigFlag(
  value: string | undefined,
  what = "engine parameters",
): Promise<Record<string, unknown>> {
  if (value === undefined) return {};
  const inline = value.trimStart().startsWith("{");
  let parsed: unknown;
  try {
    parsed = inline ? parseJsonText(value, "inline JSON") : await readJsonFile(value);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`--config: ${e.message}`);
    throw e;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    const source = inline ? "inline JSON" : value;
    throw new ConfigError(`--config: ${source}: expected a JSON object of ${what}`);
  }
  return parsed as Record<string, unknown>;
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
