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

/** A bad config file, flag or field; the CLI prints its message and exits with code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

function pathText(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out ? "." : ""}${String(p)}`;
  return out;
}

/** One line for the first issue of a zod error, prefixed by the field path. */
export function describeZodError(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  if (!issue) return `${prefix}: invalid`;
  // deno-lint-ignore no-explicit-any
  const i = issue as any;
  if (i.code === "unrecognized_keys") {
    return `${pathText(prefix, issue.path)}: unknown field${i.keys.length > 1 ? "s" : ""} ${
      i.keys.map((k: string) => `'${k}'`).join(", ")
    }`;
  }
  if (i.code === "invalid_union" && Array.isArray(i.errors) && i.errors[0]?.[0]) {
    const inner = i.errors[0][0];
    return `${pathText(prefix, [...issue.path, ...inner.path])}: ${inner.message}`;
  }
  return `${pathText(prefix, issue.path)}: ${issue.message}`;
}

/** Validates `input` with `schema`, throwing a {@linkcode ConfigError} naming the field. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, prefix: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(describeZodError(result.error, prefix));
  return result.data;
}

/** Line and column (1-based) of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** Parses JSON text, turning a syntax error into a {@linkcode ConfigError} with the line. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    const where = lc
      ? `line ${lc[1]} column ${lc[2]}`
      : pos
      ? (({ line, column }) => `line ${line} column ${column}`)(lineColumn(text, Number(pos[1])))
      : "end of file";
    const what = msg.replace(/\s*\(line \d+ column \d+\)/, "").replace(/ in JSON at position \d+/, "")
      .replace(/^JSON\.parse: /, "");
    throw new ConfigError(`${source}: invalid JSON at ${where}: ${what}`);
  }
}

/** Reads and parses a JSON file; missing files and syntax errors become {@linkcode ConfigError}s. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new ConfigError(`${path}: file not found`);
    if (e instanceof Deno.errors.IsADirectory) throw new ConfigError(`${path}: is a directory`);
    throw new ConfigError(`${path}: cannot read: ${(e as Error).message}`);
  }
  if (text.trim() === "") throw new ConfigError(`${path}: file is empty`);
  return parseJsonText(text, path);
}
