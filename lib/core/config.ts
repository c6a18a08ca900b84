/**
 * Config loading with one-line errors that name the file, field or line.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { ConfigError, parseWith } from "./config.ts";
 * try {
 *   parseWith(z.object({ rounds: z.number().int() }).strict(), { rounds: 1.5 }, "config");
 * } catch (e) {
 *   console.log((e as ConfigError).message); // config.rounds: expected int, received number
 * }
 * ```
 * @module
 */
import type { z } from "zod";
import type { Schema } from "./records.ts";

/** A zod validation error (zod 4's `ZodError`): its `issues` say what failed and where. */
export type SchemaError = z.ZodError;

/** A bad config file, flag or field; the CLI prints its message and exits with code 2. */
export class ConfigError extends Error {
  /** The error's name, `ConfigError`. */
  override name = "ConfigError";
}

/** How many characters of a key or value a message echoes; longer ones end in `…`. */
const ECHO_MAX = 80;

/**
 * The one place where messages of this file echo user text (keys, values, zod messages):
 * clipped to `max` characters with an ellipsis, so a 10 MB key makes a one-line message.
 */
function echo(text: string, max = ECHO_MAX): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function pathText(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of path) {
    out += typeof p === "number" ? `[${p}]` : `${out ? "." : ""}${echo(String(p))}`;
  }
  return out;
}

/** The value at `path` in `input`, or `undefined`. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const p of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[p];
  }
  return node;
}

/** One issue's text; a number that is not finite (JSON's `1e400`) gets a message of its own. */
function issueText(
  // deno-lint-ignore no-explicit-any
  issue: any,
  path: readonly PropertyKey[],
  input: unknown,
  hasInput: boolean,
): string {
  if (issue.code === "invalid_type" && issue.expected === "number") {
    const value = hasInput ? valueAt(input, path) : undefined;
    if (typeof value === "number" && !Number.isFinite(value)) {
      return `must be a finite number, got ${value}`;
    }
    if (!hasInput && /received (number|NaN)$/.test(String(issue.message))) {
      return "must be a finite number";
    }
  }
  return echo(String(issue.message).replace(/\s+/g, " "), 2 * ECHO_MAX);
}

/**
 * One line for the first issue of a zod error, prefixed by the field path. Keys and values
 * are clipped to about 80 characters.
 *
 * @param error The zod error.
 * @param prefix The name of what was validated, e.g. `config` or a file name.
 * @param input The validated input, when at hand: it lets a number that is not finite be
 * named (`must be a finite number, got Infinity`).
 */
export function describeZodError(error: SchemaError, prefix: string, input?: unknown): string {
  const hasInput = arguments.length >= 3;
  const issue = error.issues[0];
  if (!issue) return `${prefix}: invalid`;
  // deno-lint-ignore no-explicit-any
  const i = issue as any;
  if (i.code === "unrecognized_keys") {
    const keys: string[] = i.keys;
    const shown = keys.slice(0, 5).map((k) => `'${echo(k)}'`).join(", ");
    const more = keys.length > 5 ? ` (and ${keys.length - 5} more)` : "";
    return `${pathText(prefix, issue.path)}: unknown field${
      keys.length > 1 ? "s" : ""
    } ${shown}${more}`;
  }
  if (i.code === "invalid_union" && Array.isArray(i.errors) && i.errors[0]?.[0]) {
    const inner = i.errors[0][0];
    const path = [...issue.path, ...inner.path];
    return `${pathText(prefix, path)}: ${issueText(inner, path, input, hasInput)}`;
  }
  return `${pathText(prefix, issue.path)}: ${issueText(issue, issue.path, input, hasInput)}`;
}

/** Validates `input` with `schema`, throwing a {@linkcode ConfigError} naming the field. */
export function parseWith<T>(schema: Schema<T>, input: unknown, prefix: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(describeZodError(result.error, prefix, input));
  return result.data;
}

/** Line and column (1-based) of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/**
 * The offset of the first JSON syntax error in `text` and what was expected there, or
 * `undefined` when the text is valid JSON. A small checker with an explicit stack (so any
 * nesting depth works), because the runtime's error messages do not always give a position.
 */
export function jsonErrorAt(text: string): { offset: number; expected: string } | undefined {
  let i = 0;
  const open: string[] = []; // the containers open at `i`: "{" or "["
  const at = (expected: string) => ({ offset: i, expected });
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text[i] === "\n") return at("a closing '\"'");
      i++;
    }
    if (i >= text.length) return at("a closing '\"'");
    i++;
    return undefined;
  };
  /** Reads `"name":` (after whitespace). */
  const key = () => {
    ws();
    if (text[i] !== '"') return at("a double-quoted property name");
    const error = string();
    if (error) return error;
    ws();
    if (text[i] !== ":") return at("':'");
    i++;
    return undefined;
  };
  for (;;) {
    // A value starts here.
    ws();
    const c = text[i];
    if (c === "{" || c === "[") {
      i++;
      ws();
      if (text[i] === (c === "{" ? "}" : "]")) {
        i++;
      } else {
        open.push(c);
        const error = c === "{" ? key() : undefined;
        if (error) return error;
        continue; // the first member's value
      }
    } else if (c === '"') {
      const error = string();
      if (error) return error;
    } else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|^true|^false|^null/.exec(
        text.slice(i, i + 400),
      );
      if (!m) return at("a value");
      i += m[0].length;
    }
    // After a value: close containers, or go on to the next member.
    for (;;) {
      ws();
      const top = open.at(-1);
      if (top === undefined) return i < text.length ? at("end of input") : undefined;
      if (text[i] === ",") {
        i++;
        const error = top === "{" ? key() : undefined;
        if (error) return error;
        break;
      }
      if (text[i] !== (top === "{" ? "}" : "]")) {
        return at(top === "{" ? "',' or '}'" : "',' or ']'");
      }
      i++;
      open.pop();
    }
  }
}

/** How a character is shown in a message: quoted, or as `U+XXXX` when it is invisible. */
function showChar(ch: string): string {
  if (/^[\p{Cc}\p{Cf}\p{Z}]$/u.test(ch) && ch !== " ") {
    return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} (invisible)`;
  }
  return JSON.stringify(ch);
}

/**
 * Parses JSON text, turning a syntax error into a {@linkcode ConfigError} with the line. A
 * leading byte-order mark is dropped.
 */
export function parseJsonText(text: string, source: string): unknown {
  // A UTF-8 byte-order mark, as some editors write, is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    if (!at) {
      throw new ConfigError(`${source}: invalid JSON: ${echo((e as Error).message, 2 * ECHO_MAX)}`);
    }
    const { line, column } = lineColumn(text, at.offset);
    const found = at.offset >= text.length ? "end of file" : showChar(text[at.offset]);
    throw new ConfigError(
      `${source}: invalid JSON at line ${line} column ${column}: expected ${at.expected}, found ${found}`,
    );
  }
}

/** The largest input file (a config, agents or grid file) read: 16 MiB. */
export const MAX_INPUT_FILE_BYTES = 16 * 1024 * 1024;

/** What a non-regular file is, for a message. */
function fileKind(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a directory";
  if (info.isFifo) return "a FIFO";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

/**
 * Checks that `path` is a regular file (symlinks followed) of at most `maxBytes`, without
 * opening it: a FIFO, a device such as `/dev/zero`, a socket or a directory is refused at
 * once instead of blocking or reading forever.
 *
 * @example
 * ```ts
 * import { checkInputFile } from "./config.ts";
 * await checkInputFile("/dev/zero").catch((e) => console.log(e.message));
 * // /dev/zero: not a regular file (a character device)
 * ```
 *
 * @param path The file.
 * @param maxBytes The largest size accepted. @default {MAX_INPUT_FILE_BYTES}
 * @returns The file's size in bytes.
 * @throws {ConfigError} `<path>: file not found`, `<path>: is a directory`,
 *   `<path>: not a regular file (...)`, `<path>: larger than ... bytes`.
 */
export async function checkInputFile(
  path: string,
  maxBytes: number = MAX_INPUT_FILE_BYTES,
): Promise<number> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new ConfigError(`${path}: file not found`);
    throw new ConfigError(`${path}: cannot read: ${(e as Error).message}`);
  }
  if (info.isDirectory) throw new ConfigError(`${path}: is a directory`);
  if (!info.isFile) throw new ConfigError(`${path}: not a regular file (${fileKind(info)})`);
  if (info.size > maxBytes) {
    throw new ConfigError(`${path}: larger than ${sizeText(maxBytes)} (${info.size} bytes)`);
  }
  return info.size;
}

function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/**
 * Reads an input file as UTF-8 text after {@linkcode checkInputFile}; never reads more than
 * `maxBytes` (a file that grows after the check is refused too).
 *
 * @param path The file.
 * @param maxBytes The largest size accepted. @default {MAX_INPUT_FILE_BYTES}
 * @returns The text.
 * @throws {ConfigError} As {@linkcode checkInputFile}, or when the read fails.
 */
export async function readInputText(
  path: string,
  maxBytes: number = MAX_INPUT_FILE_BYTES,
): Promise<string> {
  const size = await checkInputFile(path, maxBytes);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new ConfigError(`${path}: file not found`);
    throw new ConfigError(`${path}: cannot read: ${(e as Error).message}`);
  }
  try {
    // Sized from the check (files under /proc say 0), grown as needed up to maxBytes + 1.
    let buf = new Uint8Array(Math.min(Math.max(size, 4096), maxBytes) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > maxBytes) break;
        const bigger = new Uint8Array(Math.min(buf.length * 2, maxBytes + 1));
        bigger.set(buf);
        buf = bigger;
      }
      const got = await file.read(buf.subarray(n));
      if (got === null) break;
      n += got;
    }
    if (n > maxBytes) throw new ConfigError(`${path}: larger than ${sizeText(maxBytes)}`);
    return new TextDecoder().decode(buf.subarray(0, n));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${path}: cannot read: ${(e as Error).message}`);
  } finally {
    file.close();
  }
}

/**
 * Reads and parses a JSON file (see {@linkcode readInputText}: a regular file of at most
 * 16 MiB); missing files, special files and syntax errors become {@linkcode ConfigError}s.
 */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readInputText(path);
  if (text.trim() === "") throw new ConfigError(`${path}: file is empty`);
  return parseJsonText(text, path);
}
