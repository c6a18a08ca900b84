/**
 * Command-line flags, parsed the same way by every layer: {@linkcode parseFlags}, the one
 * wrapper of `node:util` `parseArgs` whose errors are one line naming the flag (an empty
 * string value is refused), {@linkcode readConfigFlag}, `--config` as a file or inline
 * JSON, and {@linkcode checkFlagFile}, the check every file flag (`--agents`, `--sweep`)
 * makes before its file is read: a regular file of at most 16 MiB, never a FIFO or device. Engines' own commands use these directly; `lib/cli/common_flags.ts` re-exports them
 * beside the flags the `cli` commands share.
 *
 * @example
 * ```ts
 * import { parseFlags, readConfigFlag } from "./flags.ts";
 * const { values } = parseFlags(["--config", '{"rounds": 5}'], { config: { type: "string" } });
 * console.log(await readConfigFlag(values.config as string)); // { rounds: 5 }
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { checkInputFile, ConfigError, parseJsonText, readJsonFile } from "./config.ts";

/** A flag's type, as `node:util` `parseArgs` takes it. */
export interface FlagSpec {
  /** `string`: the flag takes a value; `boolean`: it is a switch. */
  type: "string" | "boolean";
  /** A one-letter alias, e.g. `q` for `-q`. */
  short?: string;
  /** The flag may be given more than once (its values are a list). */
  multiple?: boolean;
}

/** Parsed values: a string, a switch, or a list of strings for a repeatable flag. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/**
 * Parses `argv` with `node:util` `parseArgs` (strict), turning its errors into one-line
 * {@linkcode ConfigError}s naming the flag; a string flag given as an empty string is refused.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./flags.ts";
 * const { values } = parseFlags(["--out", "dir", "-q"], {
 *   out: { type: "string" },
 *   quiet: { type: "boolean", short: "q" },
 * });
 * console.log(values); // { out: "dir", quiet: true }
 * ```
 *
 * @param argv The arguments.
 * @param options The flags taken.
 * @param allowPositionals Whether bare arguments are allowed. @default {false}
 * @param help Where the unknown-flag message points, e.g. `see delegation-study --help`.
 *   @default {"see --help"}
 * @returns The values and the positionals.
 * @throws {ConfigError} For an unknown flag, a missing or empty value, a stray argument.
 */
export function parseFlags(
  argv: string[],
  options: Readonly<Record<string, FlagSpec>>,
  allowPositionals = false,
  help = "see --help",
): { values: FlagValues; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw flagError((e as Error).message, help);
  }
  const values = parsed.values as FlagValues;
  for (const [flag, value] of Object.entries(values)) {
    if (typeof value === "string" && value.trim() === "") {
      throw new ConfigError(`--${flag}: needs a value, got an empty string`);
    }
  }
  return { values, positionals: parsed.positionals };
}

/** A `parseArgs` error as one line naming the flag. */
function flagError(msg: string, help: string): ConfigError {
  const unknown = /Unknown option '([^']+)'/.exec(msg);
  if (unknown) return new ConfigError(`${unknown[1]}: unknown flag (${help})`);
  const ambiguous = /Option '(?:-\w, )?(--[^' ]+)' argument is ambiguous/.exec(msg);
  if (ambiguous) {
    return new ConfigError(
      `${ambiguous[1]}: the value looks like a flag; write ${ambiguous[1]}=VALUE`,
    );
  }
  const missing = /Option '(?:-\w, )?(--[^' ]+)[^']*' argument missing/.exec(msg);
  if (missing) return new ConfigError(`${missing[1]}: needs a value`);
  const positional = /Unexpected argument '([^']+)'/.exec(msg);
  if (positional) return new ConfigError(`${positional[1]}: unexpected argument (${help})`);
  return new ConfigError(msg.split("\n")[0]);
}

/**
 * `--config`: a JSON object given inline (`{"rounds": 5}`) or as a file's path; `{}` without
 * the flag. A value starting with `{` is inline JSON.
 *
 * @example
 * ```ts
 * import { readConfigFlag } from "./flags.ts";
 * console.log(await readConfigFlag('{"rounds": 5}')); // { rounds: 5 }
 * console.log(await readConfigFlag(undefined)); // {}
 * ```
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

/**
 * Runs `read`, prefixing the message of a {@linkcode ConfigError} it throws with `flag`
 * (unless it already starts with it).
 *
 * @param flag The flag, e.g. `--agents`.
 * @param read What reads the flag's file.
 * @returns What `read` returns.
 * @throws {ConfigError} `<flag>: <message>`.
 */
export async function withFlag<T>(flag: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof ConfigError && !e.message.startsWith(`${flag}:`)) {
      throw new ConfigError(`${flag}: ${e.message}`);
    }
    throw e;
  }
}

/**
 * Refuses a file flag's value at once unless it is a regular file of at most 16 MiB (see
 * `checkInputFile`): `--agents /dev/zero` or a FIFO is one line naming the flag, never a
 * hang.
 *
 * @example
 * ```ts
 * import { checkFlagFile } from "./flags.ts";
 * await checkFlagFile("--agents", "/dev/zero").catch((e) => console.log(e.message));
 * // --agents: /dev/zero: not a regular file (a character device)
 * ```
 *
 * @param flag The flag, e.g. `--agents`.
 * @param path Its value.
 * @throws {ConfigError} `<flag>: <path>: ...` for a missing, special, or too large file.
 */
export async function checkFlagFile(flag: string, path: string): Promise<void> {
  await withFlag(flag, () => checkInputFile(path));
}
