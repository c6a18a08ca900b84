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

/**
 * The offset of the first JSON syntax error in `text` and what was expected there, or
 * `undefined` when the text is valid JSON. A small recursive-descent checker, because the
 * runtime's error messages do not always give a position.
 */
export function jsonErrorAt(text: string): { offset: number; expected: string } | undefined {
  let i = 0;
  const fail = (expected: string): never => {
    throw { offset: i, expected };
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail("a double-quoted property name");
        string();
        ws();
        if (text[i] !== ":") fail("':'");
        i++;
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") return void i++;
        fail("',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") return void i++;
        fail("',' or ']'");
      }
    }
    if (c === '"') return string();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|^true|^false|^null/.exec(
      text.slice(i, i + 400),
    );
    if (!m) fail("a value");
    i += m![0].length;
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text[i] === "\n") fail("a closing '\"'");
      i++;
    }
    if (i >= text.length) fail("a closing '\"'");
    i++;
  };
  try {
    value();
    ws();
    if (i < text.length) fail("end of input");
    return undefined;
  } catch (e) {
    return e as { offset: number; expected: string };
  }
}

/** Parses JSON text, turning a syntax error into a {@linkcode ConfigError} with the line. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    if (!at) throw new ConfigError(`${source}: invalid JSON: ${(e as Error).message}`);
    const { line, column } = lineColumn(text, at.offset);
    const found = at.offset >= text.length ? "end of file" : JSON.stringify(text[at.offset]);
    throw new ConfigError(
      `${source}: invalid JSON at line ${line} column ${column}: expected ${at.expected}, found ${found}`,
    );
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
