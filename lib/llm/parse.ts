/**
 * Robust parsing of the JSON actions that language models put in their replies.
 *
 * Models wrap JSON in code fences and prose, think aloud in `<think>` blocks, write
 * Python dicts, full-width Chinese punctuation, trailing commas, comments, percentages and
 * numbers as strings. {@linkcode extractJson} finds and repairs the JSON, the lenient zod
 * fields {@linkcode numberLike} and {@linkcode vectorLike} accept the usual number
 * spellings, and {@linkcode parseReply} ties both to a caller's schema, returning a one-line
 * error fit for {@linkcode retryPrompt} when the reply cannot be used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { parseReply, vectorLike } from "./parse.ts";
 *
 * const schema = z.object({ thought: z.string().optional(), action: vectorLike(3) });
 * const reply = '<think>…</think>好的：{"Thought": "对手是攻击者", "action": [0.6，0.3，0.1]}';
 * assert.deepEqual(parseReply(reply, schema), {
 *   ok: true,
 *   value: { thought: "对手是攻击者", action: [0.6, 0.3, 0.1] },
 * });
 * ```
 * @module
 */
import { z } from "zod";

/** A reply that holds no usable JSON; callers catch it to fall back or retry. */
export class ActionParseError extends Error {
  override name = "ActionParseError";
  /** Why nothing could be parsed, in one line (without the `Cannot parse` preamble). */
  readonly reason: string;
  /** The model's reply, verbatim. */
  readonly raw: string;

  /**
   * @param reason Why nothing could be parsed.
   * @param raw The model's reply, verbatim.
   * @param options Standard error options, e.g. `cause`.
   */
  constructor(reason: string, raw: string, options?: ErrorOptions) {
    super(`Cannot parse the model's reply: ${reason}`, options);
    this.reason = reason;
    this.raw = raw;
  }
}

// ---------------------------------------------------------------------------------------
// Lexing helpers shared by the scanner and the repairer.

const DOUBLE_QUOTES = '"“”＂';
const SINGLE_QUOTES = "'‘’＇";
const LITERALS = new Map([
  ...["true", "True", "TRUE"].map((w) => [w, "true"] as const),
  ...["false", "False", "FALSE"].map((w) => [w, "false"] as const),
  ...["null", "None", "NULL", "undefined"].map((w) => [w, "null"] as const),
]);
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?/;
const IDENT_START = /[\p{L}_$]/u;
const IDENT_PART = /[\p{L}\p{N}_$-]/u;

/** Maps a full-width ASCII variant (U+FF01–U+FF5E) and the ideographic comma to ASCII. */
function toAscii(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
  if (ch === "、") return ",";
  return ch;
}

function isSpace(ch: string): boolean {
  return /\s/.test(ch) || ch === "\u200b";
}

function quoteGroup(ch: string): string | undefined {
  if (DOUBLE_QUOTES.includes(ch)) return DOUBLE_QUOTES;
  if (SINGLE_QUOTES.includes(ch)) return SINGLE_QUOTES;
  return undefined;
}

function skipSpaces(text: string, i: number, newlines = true): number {
  while (i < text.length && isSpace(text[i]) && (newlines || !/[\n\r]/.test(text[i]))) i++;
  return i;
}

function readIdent(text: string, i: number): string {
  let j = i;
  while (j < text.length && IDENT_PART.test(text[j])) j++;
  return text.slice(i, j);
}

/** Whether an unquoted word at `i` is a key, i.e. followed by a colon. */
function isKeyAt(text: string, i: number): boolean {
  if (!IDENT_START.test(text[i] ?? "")) return false;
  const j = skipSpaces(text, i + readIdent(text, i).length);
  return toAscii(text[j] ?? "") === ":";
}

function isCommentAt(text: string, i: number): boolean {
  return text[i] === "/" && (text[i + 1] === "/" || text[i + 1] === "*");
}

/**
 * Whether a quote at `k - 1` that matches the open string's delimiter really ends it: in
 * real JSON a closing quote is followed by `:`, `,`, a closing bracket, a line end or the
 * end of text. Anything else (`"he said "hi" to me"`, `'don't'`) keeps it literal.
 */
function closesString(text: string, k: number): boolean {
  const j = skipSpaces(text, k, false);
  if (j >= text.length || /[\n\r]/.test(text[j])) return true;
  const c = toAscii(text[j]);
  if (":}])#".includes(c) || isCommentAt(text, j)) return true;
  if (c !== ",") return false;
  const n = skipSpaces(text, j + 1);
  if (n >= text.length) return true;
  const d = toAscii(text[n]);
  if (quoteGroup(text[n]) || "{[]}-.#".includes(d) || /[0-9]/.test(d)) return true;
  if (isCommentAt(text, n)) return true;
  return isKeyAt(text, n) || LITERALS.has(readIdent(text, n));
}

type Scan =
  | { kind: "closed"; end: number; repaired: string }
  | { kind: "unclosed" }
  | { kind: "mismatched"; at: number };

/**
 * Scans the bracketed value opening at `start`, string-aware, and rewrites it into strict
 * JSON on the way: full-width punctuation and digits outside strings become ASCII, any
 * quotes become `"`, keys and bare words get quoted, Python literals become JSON ones,
 * comments and trailing commas go, missing commas between values are added, percentages
 * become strings and tuples `(…)` become arrays. Text inside strings is kept as written.
 */
function scan(text: string, start: number): Scan {
  const out: string[] = [];
  const stack: string[] = [];
  let last = ""; // the last structural token emitted: one of `{[,:` or `v` for a value
  const value = (token: string) => {
    if (last === "v" && stack.length > 0) out.push(",");
    out.push(token);
    last = "v";
  };
  let i = start;
  while (i < text.length) {
    const ch = text[i];
    const c = toAscii(ch);
    if (isSpace(ch)) {
      out.push(/[ \t\n\r]/.test(ch) ? ch : " ");
      i++;
    } else if (c === "/" && text[i + 1] === "/" || c === "#") {
      while (i < text.length && !/[\n\r]/.test(text[i])) i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) return { kind: "unclosed" };
      i = end + 2;
    } else if ("{[(".includes(c)) {
      if (last === "v") out.push(",");
      stack.push(c === "{" ? "}" : "]");
      out.push(c === "(" ? "[" : c);
      last = c === "(" ? "[" : c;
      i++;
    } else if ("}])".includes(c)) {
      const closer = c === ")" ? "]" : c;
      if (stack.pop() !== closer) return { kind: "mismatched", at: i };
      if (last === ",") out.splice(out.lastIndexOf(","), 1);
      out.push(closer);
      last = "v";
      i++;
      if (stack.length === 0) return { kind: "closed", end: i, repaired: out.join("") };
    } else if (c === "," || c === ";") {
      if (last !== "," && last !== "[" && last !== "{") out.push(",");
      last = ",";
      i++;
    } else if (c === ":") {
      out.push(":");
      last = ":";
      i++;
    } else if (quoteGroup(ch)) {
      const group = quoteGroup(ch)!;
      let s = "";
      let j = i + 1;
      let closed = false;
      let firstQuote = -1; // where a plain lexer would have ended the string, in `text`
      let firstContent = "";
      while (j < text.length) {
        const d = text[j];
        if (group.includes(d) && firstQuote < 0) [firstQuote, firstContent] = [j, s];
        if (group.includes(d) && closesString(text, j + 1)) {
          closed = true;
          j++;
          break;
        }
        if (d === "\\") {
          const e = text[j + 1];
          if (e === undefined) s += "\\\\";
          else if ('"\\/bfnrt'.includes(e)) s += "\\" + e;
          else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) s += "\\u";
          else if (e === "\n" || e === "\r") s += "\\n";
          else s += e === "'" ? "'" : "\\\\" + e;
          j += 2;
          continue;
        }
        if (d === '"') s += '\\"';
        else if (d === "\n") s += "\\n";
        else if (d === "\r") s += "\\r";
        else if (d === "\t") s += "\\t";
        else if (d < " ") s += "\\u" + d.charCodeAt(0).toString(16).padStart(4, "0");
        else s += d;
        j++;
      }
      if (!closed && firstQuote < 0) return { kind: "unclosed" };
      if (closed) {
        value(`"${s}"`);
        i = j;
      } else {
        // No quote fits as a closing one: end the string at the first quote after all.
        value(`"${firstContent}"`);
        i = firstQuote + 1;
      }
    } else if (/[0-9+\-.]/.test(c)) {
      let run = "";
      for (let j = i; j < text.length && /[0-9.eE+\-%]/.test(toAscii(text[j])); j++) {
        run += toAscii(text[j]);
      }
      const token = NUMBER.exec(run)?.[0];
      if (token === undefined) {
        out.push(c);
        i++;
        continue;
      }
      const n = Number(token.replace(/%$/, ""));
      value(token.endsWith("%") || !Number.isFinite(n) ? JSON.stringify(token) : String(n));
      i += token.length;
    } else if (IDENT_START.test(ch)) {
      const word = readIdent(text, i);
      value(isKeyAt(text, i) ? JSON.stringify(word) : LITERALS.get(word) ?? JSON.stringify(word));
      i += word.length;
    } else {
      out.push(ch); // stray punctuation: left for JSON.parse to reject
      last = "v";
      i++;
    }
  }
  return { kind: "unclosed" };
}

/** Whether the bracket at `i` starts what is plainly meant as JSON (`{"key"`, `[0.5`, …). */
function looksLikeJson(text: string, i: number): boolean {
  const j = skipSpaces(text, i + 1);
  const ch = text[j] ?? "";
  if (toAscii(text[i]) === "{") return quoteGroup(ch) !== undefined || isKeyAt(text, j);
  return quoteGroup(ch) !== undefined || /[-0-9.{[]/.test(toAscii(ch));
}

function snippet(text: string, i: number): string {
  const s = text.slice(i).replace(/\s+/g, " ");
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

interface Found {
  value: unknown;
  isObject: boolean;
}

interface Search {
  found?: Found;
  truncated?: string;
  error?: string;
}

/** Scans text for bracketed candidates and keeps the last object (else array) that parses. */
function searchText(text: string): Search {
  const found: Found[] = [];
  let error: string | undefined;
  let i = 0;
  while (i < text.length) {
    if (!"{[".includes(toAscii(text[i]))) {
      i++;
      continue;
    }
    const jsonish = looksLikeJson(text, i);
    const r = scan(text, i);
    if (r.kind === "closed") {
      const parsed = tryParse(text.slice(i, r.end), r.repaired);
      if (parsed.ok) {
        found.push({ value: parsed.value, isObject: !Array.isArray(parsed.value) });
        i = r.end;
        continue;
      }
      if (jsonish) {
        error = `malformed JSON in '${snippet(text, i)}': ${parsed.error.replace(/\s+/g, " ")}`;
        i = r.end;
        continue;
      }
    } else if (r.kind === "unclosed" && jsonish) {
      return { truncated: `the JSON starting '${snippet(text, i)}' is never closed (truncated?)` };
    } else if (r.kind === "mismatched" && jsonish) {
      error = `mismatched brackets in '${snippet(text, i)}': unexpected '${text[r.at]}'`;
    }
    i++;
  }
  const pick = found.findLast((f) => f.isObject) ?? found.at(-1);
  return { found: pick, error };
}

function tryParse(raw: string, repaired: string): { ok: true; value: unknown } | {
  ok: false;
  error: string;
} {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    try {
      return { ok: true, value: JSON.parse(repaired) };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
}

/** Searches one region: the last fenced block that parses wins, then the bare text. */
function searchRegion(region: string): Search {
  const whole = searchText(region);
  if (whole.truncated) return whole;
  const fences = [...region.matchAll(/```[\w+-]*([\s\S]*?)(?:```|$)/g)].map((m) => m[1]);
  for (const body of fences.reverse()) {
    const fenced = searchText(body);
    if (fenced.found) return fenced;
  }
  return whole;
}

/** Splits a reply into its answer and the bodies of its `<think>` blocks. */
function splitThinking(text: string): { answer: string; thoughts: string[] } {
  const thoughts: string[] = [];
  let answer = text.replace(/<(think|thinking)>([\s\S]*?)<\/\1>/gi, (_m, _tag, body) => {
    thoughts.push(body);
    return "\n";
  });
  const orphanClose = [...answer.matchAll(/<\/(?:think|thinking)>/gi)].at(-1);
  if (orphanClose) {
    thoughts.unshift(answer.slice(0, orphanClose.index));
    answer = answer.slice(orphanClose.index + orphanClose[0].length);
  }
  const open = /<(?:think|thinking)>/i.exec(answer);
  if (open) {
    thoughts.push(answer.slice(open.index + open[0].length));
    answer = answer.slice(0, open.index);
  }
  return { answer, thoughts };
}

/**
 * Finds the JSON object (or array) in a model's reply and returns it parsed.
 *
 * Where it looks, in order: the answer outside `<think>`/`<thinking>` blocks (the last
 * fenced block that parses, else the last object in the text, else the last array); then
 * the thinking, only when the answer has none. A JSON object left open at the end of the
 * answer fails the parse (the reply was cut off) rather than falling back on an earlier one.
 *
 * Repairs: trailing commas, single or smart quotes, unquoted keys, bare words, Python
 * `True`/`False`/`None`, `//`, `/* *\/` and `#` comments, full-width punctuation and digits
 * outside strings, raw newlines inside strings, unescaped inner quotes (a quote ends a
 * string only where a closing quote could), missing commas, tuples, a BOM. Percentages
 * outside strings (`50%`) become strings, for {@linkcode numberLike} to read.
 *
 * @param text The model's reply.
 * @returns The parsed JSON value.
 * @throws {ActionParseError} When the reply is empty, truncated or holds no JSON that parses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { extractJson } from "./parse.ts";
 *
 * const reply = "<think>maybe {'action': 'D'}</think>I will cooperate: {action: 'C', sure: True,}";
 * assert.deepEqual(extractJson(reply), { action: "C", sure: true });
 * assert.throws(() => extractJson('{"action": [0.5, 0.3'), /never closed/);
 * ```
 */
export function extractJson(text: string): unknown {
  if (text.trim() === "") throw new ActionParseError("the reply is empty", text);
  const { answer, thoughts } = splitThinking(text);
  const main = searchRegion(answer);
  if (main.found) return main.found.value;
  if (main.truncated) throw new ActionParseError(main.truncated, text);
  let error = main.error;
  for (const thought of thoughts.reverse()) {
    const r = searchRegion(thought);
    if (r.found) return r.found.value;
    error ??= r.error;
  }
  throw new ActionParseError(error ?? "no JSON object found in the reply", text);
}

// ---------------------------------------------------------------------------------------
// Lenient zod fields.

function describe(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value);
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return String(value);
  return typeof value;
}

function fullWidthToAscii(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, toAscii);
}

/** Reads a number from a number or a numeric string ("0.3", "30%", "０.３"); else undefined. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = /^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(%?)$/.exec(
    fullWidthToAscii(value).trim(),
  );
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] ? n / 100 : n;
}

/**
 * A zod field for a number as models write one: a finite number, a numeric string
 * (`"0.3"`, `" 0.3 "`), a percentage (`"30%"` reads as `0.3`) or full-width digits
 * (`"０.３"`, `"３０％"`). `NaN`, infinities and anything else are rejected.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberLike } from "./parse.ts";
 *
 * assert.equal(numberLike.parse(" 0.3 "), 0.3);
 * assert.equal(numberLike.parse("30%"), 0.3);
 * assert.equal(numberLike.safeParse("abc").success, false);
 * ```
 */
export const numberLike: z.ZodType<number, unknown> = z.unknown().transform((value, ctx) => {
  const n = toNumber(value);
  if (n !== undefined) return n;
  ctx.issues.push({
    code: "custom",
    input: value,
    message: `expected a number, got ${describe(value)}`,
  });
  return z.NEVER;
});

/** Options for {@linkcode vectorLike}. */
export interface VectorLikeOptions {
  /**
   * Read a vector of non-negative numbers, some above 1, that sums to 100 ± 1 as
   * percentages and divide it by 100 (`[50, 30, 20]` becomes `[0.5, 0.3, 0.2]`).
   *
   * @default {true}
   */
  percentages?: boolean;
}

/**
 * A zod field for a vector of `n` numbers as models write one: an array of
 * {@linkcode numberLike} entries, or a string such as `"[0.5, 0.3, 0.2]"`,
 * `"0.5,0.3,0.2"`, `"50%/30%/20%"` or `"０.５，０.３，０.２"`. A vector that reads as
 * percentages (see {@linkcode VectorLikeOptions.percentages}) is divided by 100.
 *
 * @param n The number of entries, a positive integer.
 * @param options Whether to read percentages.
 * @returns The zod schema, whose output is a `number[]` of length `n`.
 * @throws {RangeError} When `n` is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vectorLike } from "./parse.ts";
 *
 * assert.deepEqual(vectorLike(3).parse("50%/30%/20%"), [0.5, 0.3, 0.2]);
 * assert.deepEqual(vectorLike(3).parse([60, 30, 10]), [0.6, 0.3, 0.1]);
 * assert.equal(vectorLike(3).safeParse([0.5, 0.5]).error?.issues[0].message, "expected 3 numbers, got 2");
 * ```
 */
export function vectorLike(n: number, options?: VectorLikeOptions): z.ZodType<number[], unknown> {
  const { percentages = true } = options ?? {};
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot build a vector schema: 'n' must be a positive integer, got ${n}`);
  }
  return z.unknown().transform((value, ctx) => {
    let items: unknown[];
    if (Array.isArray(value)) {
      items = value;
    } else if (typeof value === "string") {
      const inner = fullWidthToAscii(value).trim().replace(/^[[(]\s*|\s*[\])]$/g, "");
      items = inner === "" ? [] : inner.split(/[\s,，、;；/|]+/).filter((s) => s !== "");
    } else {
      ctx.issues.push({
        code: "custom",
        input: value,
        message: `expected a list of ${n} numbers, got ${describe(value)}`,
      });
      return z.NEVER;
    }
    if (items.length !== n) {
      ctx.issues.push({
        code: "custom",
        input: value,
        message: `expected ${n} numbers, got ${items.length}`,
      });
      return z.NEVER;
    }
    const numbers = items.map(toNumber);
    numbers.forEach((x, i) => {
      if (x === undefined) {
        ctx.issues.push({
          code: "custom",
          input: items[i],
          path: [i],
          message: `expected a number, got ${describe(items[i])}`,
        });
      }
    });
    if (numbers.some((x) => x === undefined)) return z.NEVER;
    const xs = numbers as number[];
    const sum = xs.reduce((a, b) => a + b, 0);
    if (
      percentages && xs.every((x) => x >= 0) && xs.some((x) => x > 1) && Math.abs(sum - 100) <= 1
    ) {
      return xs.map((x) => x / 100);
    }
    return xs;
  });
}

// ---------------------------------------------------------------------------------------
// Replies.

/** The outcome of {@linkcode parseReply}: the validated value, or a one-line error. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string; raw: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Lower-cases and trims every object key, recursively, so `{"Action": …, "THOUGHT": …}`
 * matches a schema with `action` and `thought`. When two keys collide, the one already
 * written in lower case wins, else the first.
 *
 * @param value A parsed JSON value.
 * @returns A copy with normalised keys; other values are returned as they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeKeys } from "./parse.ts";
 *
 * assert.deepEqual(normalizeKeys({ Action: "C", " THOUGHT ": { Why: 1 } }), {
 *   action: "C",
 *   thought: { why: 1 },
 * });
 * ```
 */
export function normalizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeKeys);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const k = key.trim().toLowerCase();
    if (key === k || !Object.hasOwn(out, k)) out[k] = normalizeKeys(v);
  }
  return out;
}

const WRAPPERS = ["decision", "response", "answer", "output", "result", "reply"];

/** `{"decision": {...inner}, ...rest}` becomes `{...rest, ...inner}`; else undefined. */
function unwrap(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) return undefined;
  const key = WRAPPERS.find((k) => isPlainObject(value[k]));
  if (key === undefined) return undefined;
  const { [key]: inner, ...rest } = value;
  return { ...rest, ...(inner as Record<string, unknown>) };
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) {
    s += typeof p === "number" ? `[${p}]` : `${s === "" ? "" : "."}${String(p)}`;
  }
  return s === "" ? "reply" : s;
}

/** Whether the issue's path names a key absent from its object. */
function isMissing(value: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let node = value;
  for (const p of path.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return false;
    node = (node as Record<PropertyKey, unknown>)[p];
  }
  return isPlainObject(node) && !Object.hasOwn(node, path.at(-1)!);
}

function formatError(error: z.ZodError, value: unknown): string {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const message = isMissing(value, issue.path)
      ? "missing required field"
      : issue.message.replace(/^Invalid input: /, "");
    return `${formatPath(issue.path)}: ${message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : "";
  return (issues.join("; ") + more).replace(/\s+/g, " ");
}

/**
 * Extracts the JSON from a model's reply ({@linkcode extractJson}) and validates it with
 * `schema`. Keys are matched case-insensitively: the value is tried with
 * {@linkcode normalizeKeys} first, so give the schema lower-case keys (a schema with
 * camelCase keys still matches a reply that spells them exactly). One level of wrapper is
 * also accepted: `{"decision": {"action": …}}` (likewise `response`, `answer`, `output`,
 * `result`, `reply`) is tried as `{"action": …}` merged with the wrapper's siblings.
 * Missing or extra fields are the schema's business (`.optional()`, defaults, `.strict()`).
 *
 * @param text The model's reply.
 * @param schema The zod schema of the expected JSON.
 * @returns `{ ok: true, value }`, or `{ ok: false, error, raw }` where `error` is one line
 * naming the field and the problem (e.g. `action: expected 3 numbers, got 2`), fit for
 * {@linkcode retryPrompt}, and `raw` is the reply.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { parseReply, vectorLike } from "./parse.ts";
 *
 * const schema = z.object({ action: vectorLike(3) });
 * assert.deepEqual(parseReply('{"Action": "50%/30%/20%"}', schema), {
 *   ok: true,
 *   value: { action: [0.5, 0.3, 0.2] },
 * });
 * const bad = parseReply("Sure! {'action': [0.5, 0.5]}", schema);
 * assert.equal(bad.ok ? "" : bad.error, "action: expected 3 numbers, got 2");
 * ```
 */
export function parseReply<T>(text: string, schema: z.ZodType<T>): ParseResult<T> {
  let value: unknown;
  try {
    value = extractJson(text);
  } catch (e) {
    if (e instanceof ActionParseError) return { ok: false, error: e.reason, raw: text };
    throw e;
  }
  const normalized = normalizeKeys(value);
  let attempt = schema.safeParse(normalized);
  if (attempt.success) return { ok: true, value: attempt.data };
  const asWritten = schema.safeParse(value);
  if (asWritten.success) return { ok: true, value: asWritten.data };
  let tried = normalized;
  const inner = unwrap(normalized);
  if (inner !== undefined) {
    attempt = schema.safeParse(inner);
    if (attempt.success) return { ok: true, value: attempt.data };
    tried = inner;
  }
  return { ok: false, error: formatError(attempt.error, tried), raw: text };
}

/**
 * The message shown to a model on its one retry after an unparseable reply.
 *
 * @param error The one-line error from {@linkcode parseReply}.
 * @returns A short instruction to answer again with only the JSON object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryPrompt } from "./parse.ts";
 *
 * assert.match(retryPrompt("action: expected 3 numbers, got 2"), /expected 3 numbers, got 2/);
 * ```
 */
export function retryPrompt(error: string): string {
  return `Your previous reply could not be parsed: ${error}\n` +
    "Reply again with only the JSON object in the requested format, and nothing else.";
}
