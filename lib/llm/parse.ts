/**
 * Robust parsing of the JSON actions that language models put in their replies.
 *
 * Models wrap JSON in code fences and prose, think aloud in `<think>` blocks, write
 * Python dicts, full-width Chinese punctuation, trailing commas, comments, percentages and
 * numbers as strings. {@linkcode extractJson} finds and repairs the JSON, the lenient zod
 * fields {@linkcode numberLike} and {@linkcode vectorLike} accept the usual number
 * spellings, and {@linkcode parseReply} ties both to a caller's schema, returning a one-line
 * error fit for {@linkcode retryPrompt} when the reply cannot be used. Parsing never throws
 * and takes time linear in the reply's length, within documented limits
 * ({@linkcode MAX_REPLY_CHARS}, {@linkcode MAX_JSON_DEPTH}, {@linkcode MAX_SCAN_STEPS}).
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
import type { Schema } from "../core/records.ts";

/** A reply that holds no usable JSON; callers catch it to fall back or retry. */
export class ActionParseError extends Error {
  /** The error's name, `ActionParseError`. */
  override name = "ActionParseError";
  /** Why nothing could be parsed, in one line (without the `Cannot parse` preamble). */
  readonly reason: string;
  /** The model's reply, verbatim. */
  readonly raw: string;

  /**
   * A reply with nothing usable in it.
   *
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
// Limits.

/**
 * Replies longer than this many UTF-16 code units are not searched: {@linkcode extractJson}
 * fails at once, saying so. Far above any action reply (the agents ask for a few hundred
 * tokens), it bounds the time and memory spent on a runaway reply.
 */
export const MAX_REPLY_CHARS = 200_000;

/**
 * JSON nested deeper than this many brackets fails the parse with a clear error instead of
 * being read: no action schema nests more than a few levels, and the limit keeps every later
 * step (key normalisation, validation) far from the call-stack limit.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The work budget of one {@linkcode extractJson} call, in scanner steps (about one step per
 * character visited, per table built and per character of repaired JSON). The search is
 * linear in the reply's length, so a reply within {@linkcode MAX_REPLY_CHARS} uses well
 * under this; the budget is the backstop that turns any input the search handles badly into
 * a parse failure naming the budget, never a hang.
 */
export const MAX_SCAN_STEPS = 8_000_000;

/** A work counter for {@linkcode extractJson}: `steps` grows by the scanner steps it took. */
export interface ScanWork {
  /** Scanner steps so far; compare with {@linkcode MAX_SCAN_STEPS}. */
  steps: number;
}

class BudgetExceeded extends Error {}

function spend(work: ScanWork, steps: number): void {
  work.steps += steps;
  if (work.steps > MAX_SCAN_STEPS) throw new BudgetExceeded();
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
  const code = ch.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(ch) || ch === "\u200b";
}

/** `IDENT_START` (`part = false`) or `IDENT_PART`, with a fast path for ASCII. */
function isIdent(ch: string | undefined, part: boolean): boolean {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  if (code >= 128) return (part ? IDENT_PART : IDENT_START).test(ch);
  const c = code | 0x20; // ASCII letters to lower case
  if ((c >= 97 && c <= 122) || ch === "_" || ch === "$") return true;
  return part && ((code >= 48 && code <= 57) || ch === "-");
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9" && c.length === 1;
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
  while (j < text.length && isIdent(text[j], true)) j++;
  return text.slice(i, j);
}

/** Whether an unquoted word at `i` is a key, i.e. followed by a colon. */
function isKeyAt(text: string, i: number): boolean {
  if (!isIdent(text[i], false)) return false;
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

/**
 * The end of the number at `i` (`[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?%?`, full-width
 * digits and signs read as ASCII), or -1 when none starts there.
 */
function numberEnd(text: string, i: number): number {
  const at = (k: number) => k < text.length ? toAscii(text[k]) : "";
  let j = i;
  if (at(j) === "+" || at(j) === "-") j++;
  const digitsFrom = (k: number) => {
    while (isDigit(at(k))) k++;
    return k;
  };
  const intEnd = digitsFrom(j);
  if (intEnd > j) {
    j = at(intEnd) === "." ? digitsFrom(intEnd + 1) : intEnd;
  } else if (at(j) === ".") {
    const fracEnd = digitsFrom(j + 1);
    if (fracEnd === j + 1) return -1;
    j = fracEnd;
  } else {
    return -1;
  }
  if (at(j) === "e" || at(j) === "E") {
    let k = j + 1;
    if (at(k) === "+" || at(k) === "-") k++;
    const expEnd = digitsFrom(k);
    if (expEnd > k) j = expEnd;
  }
  return at(j) === "%" ? j + 1 : j;
}

/** Token kinds of the scanner. */
const enum T {
  Space,
  Comment,
  Open,
  Close,
  Comma,
  Colon,
  Str,
  Num,
  Lone, // a sign or dot that starts no number: copied as it is
  Word,
  Stray, // other punctuation: copied, for JSON.parse to reject
  Unclosed, // a string or block comment that never ends
}

/** Memo kinds: where the walk from a token at relative depth 0 ends. */
const enum M {
  Unknown,
  Closer, // at the closing bracket in `memoPos`
  Unclosed, // at the end of the text, with brackets still open
  Mismatch, // inside a nested group, at the mismatched bracket in `memoPos`
}

type Scan =
  | { kind: "closed"; end: number }
  | { kind: "unclosed" }
  | { kind: "mismatched"; at: number }
  | { kind: "deep" };

/**
 * A lenient JSON lexer over one text, linear in its length. Tables built once give every
 * string, comment and line end in O(1), and a memo records, for each token already walked,
 * where the walk from it at its own depth ends; so scanning from every bracket of the text
 * (the search tries each as a candidate) walks each token at most once in all.
 *
 * Tokenising from a token boundary depends only on the text after it (a string's end is the
 * first unescaped quote of its kind that {@linkcode closesString} accepts, else its first
 * quote), which is what makes both the tables and the memo valid for every start.
 */
class Scanner {
  readonly text: string;
  readonly work: ScanWork;
  /** The token just read by `token()`: its kind and end. */
  kind: T = T.Space;
  end = 0;
  private readonly lineEnd: Int32Array;
  private readonly blockEnd: Int32Array;
  private readonly closeQuote: Record<string, Int32Array> = {};
  private readonly anyQuote: Record<string, Int32Array> = {};
  private readonly memoKind: Uint8Array;
  private readonly memoPos: Int32Array;
  /**
   * Openers whose repaired value is known not to parse: when a repair stops at an error,
   * every bracket still open there sees the same error (the grammar's state inside a bracket
   * depends only on the text from that bracket on).
   */
  readonly failing = new Set<number>();

  constructor(text: string, work: ScanWork) {
    this.text = text;
    this.work = work;
    const n = text.length;
    spend(work, 4 * n + 1);
    this.memoKind = new Uint8Array(n + 1);
    this.memoPos = new Int32Array(n + 1);
    this.lineEnd = new Int32Array(n + 1);
    this.blockEnd = new Int32Array(n + 2);
    this.lineEnd[n] = n;
    this.blockEnd[n] = this.blockEnd[n + 1] = -1;
    for (let k = n - 1; k >= 0; k--) {
      const ch = text[k];
      this.lineEnd[k] = ch === "\n" || ch === "\r" ? k : this.lineEnd[k + 1];
      this.blockEnd[k] = ch === "*" && text[k + 1] === "/" ? k : this.blockEnd[k + 1];
    }
    // A quote after an odd run of backslashes is escaped: the run lies inside any string
    // that contains the quote, since the string opened at a quote, not a backslash.
    const escaped = new Uint8Array(n);
    for (let k = 0, run = 0; k < n; k++) {
      escaped[k] = run % 2;
      run = text[k] === "\\" ? run + 1 : 0;
    }
    for (const group of [DOUBLE_QUOTES, SINGLE_QUOTES]) {
      const close = new Int32Array(n + 1);
      const any = new Int32Array(n + 1);
      close[n] = any[n] = -1;
      for (let k = n - 1; k >= 0; k--) {
        const quote = group.includes(text[k]) && escaped[k] === 0;
        any[k] = quote ? k : any[k + 1];
        close[k] = quote && closesString(text, k + 1) ? k : close[k + 1];
      }
      this.closeQuote[group] = close;
      this.anyQuote[group] = any;
    }
  }

  /**
   * Reads the token at `i` into `kind` and `end`. A string ends at its closing quote, or,
   * when no quote fits as a closing one, at its first quote after all.
   */
  token(i: number): void {
    const text = this.text;
    const ch = text[i];
    const c = toAscii(ch);
    this.end = i + 1;
    if (isSpace(ch)) {
      this.kind = T.Space;
    } else if (c === "/" && text[i + 1] === "/" || c === "#") {
      this.kind = T.Comment;
      this.end = this.lineEnd[i];
    } else if (c === "/" && text[i + 1] === "*") {
      const close = this.blockEnd[i + 2];
      this.kind = close < 0 ? T.Unclosed : T.Comment;
      this.end = close + 2;
    } else if ("{[(".includes(c)) {
      this.kind = T.Open;
    } else if ("}])".includes(c)) {
      this.kind = T.Close;
    } else if (c === "," || c === ";") {
      this.kind = T.Comma;
    } else if (c === ":") {
      this.kind = T.Colon;
    } else if (quoteGroup(ch)) {
      const group = quoteGroup(ch)!;
      const close = this.closeQuote[group][i + 1];
      const first = this.anyQuote[group][i + 1];
      this.kind = close < 0 && first < 0 ? T.Unclosed : T.Str;
      this.end = (close >= 0 ? close : first) + 1;
    } else if (/[0-9+\-.]/.test(c)) {
      const end = numberEnd(text, i);
      this.kind = end < 0 ? T.Lone : T.Num;
      if (end >= 0) this.end = end;
    } else if (isIdent(ch, false)) {
      this.kind = T.Word;
      this.end = i + readIdent(text, i).length;
    } else {
      this.kind = T.Stray;
    }
  }

  /** Records where the walk from each token of `levels` ends, as a scan returns. */
  private settle(tokens: number[], kind: M, pos: number): void {
    for (const t of tokens) {
      this.memoKind[t] = kind;
      this.memoPos[t] = pos;
    }
  }

  /**
   * Finds the end of the bracketed value opening at `start` (a `{`, `[` or `(`, ASCII or
   * full-width): closed, never closed, a closing bracket of the wrong kind, or nested
   * deeper than {@linkcode MAX_JSON_DEPTH}.
   */
  bounds(start: number): Scan {
    const n = this.text.length;
    const closers: string[] = [];
    const levels: number[][] = []; // the tokens walked at each open depth
    let i = start;
    let walked = 0;
    try {
      for (;;) {
        if (i >= n) {
          for (const level of levels) this.settle(level, M.Unclosed, n);
          return { kind: "unclosed" };
        }
        const memo = this.memoKind[i];
        if (
          levels.length > 0 && memo !== M.Unknown && !(memo === M.Closer && this.memoPos[i] === i)
        ) {
          if (memo === M.Closer) {
            i = this.memoPos[i];
            continue;
          }
          const kind = memo === M.Unclosed ? M.Unclosed : M.Mismatch;
          for (const level of levels) this.settle(level, kind, this.memoPos[i]);
          return memo === M.Unclosed
            ? { kind: "unclosed" }
            : { kind: "mismatched", at: this.memoPos[i] };
        }
        walked++;
        this.token(i);
        levels.at(-1)?.push(i);
        if (this.kind === T.Open) {
          if (closers.length >= MAX_JSON_DEPTH) return { kind: "deep" };
          closers.push(toAscii(this.text[i]) === "{" ? "}" : "]");
          levels.push([]);
        } else if (this.kind === T.Close) {
          const c = toAscii(this.text[i]);
          const closer = c === ")" ? "]" : c;
          this.settle(levels.pop() ?? [], M.Closer, i);
          if (closers.pop() !== closer) {
            for (const level of levels) this.settle(level, M.Mismatch, i);
            return { kind: "mismatched", at: i };
          }
          if (closers.length === 0) return { kind: "closed", end: i + 1 };
        } else if (this.kind === T.Unclosed) {
          for (const level of levels) this.settle(level, M.Unclosed, n);
          return { kind: "unclosed" };
        }
        i = this.end;
      }
    } finally {
      spend(this.work, walked);
    }
  }

  /**
   * Rewrites the closed bracketed value `[start, end)` into strict JSON: full-width
   * punctuation and digits outside strings become ASCII, any quotes become `"`, keys and bare
   * words get quoted, Python literals become JSON ones, comments and trailing commas go,
   * missing commas between values are added, percentages become strings and tuples `(…)`
   * become arrays. Text inside strings is kept as written.
   *
   * The output is checked against the JSON grammar on the way; with `stopEarly` the rewrite
   * stops at the first error and returns `undefined`, so a candidate that is not JSON costs
   * as much as the text up to its first error rather than its whole length.
   */
  repair(start: number, end: number, stopEarly = false): string | undefined {
    const text = this.text;
    const out: string[] = [];
    const grammar = new JsonGrammar();
    const openers: number[] = [];
    let depth = 0;
    let last = ""; // the last structural token emitted: one of `{[,:` or `v` for a value
    let lastComma = -1; // where in `out` a comma emitted as the last structural token went
    const value = (token: string, kind: G) => {
      if (last === "v" && depth > 0) emit(",", G.Comma);
      emit(token, kind);
      last = "v";
    };
    const emit = (piece: string, kind: G) => {
      if (kind === G.Comma) lastComma = out.length;
      else lastComma = -1;
      out.push(piece);
      grammar.feed(kind);
    };
    let i = start;
    for (; i < end && !(stopEarly && grammar.failed); i = this.end) {
      this.token(i);
      const ch = text[i];
      const c = toAscii(ch);
      switch (this.kind) {
        case T.Space:
          out.push(/[ \t\n\r]/.test(ch) ? ch : " ");
          break;
        case T.Open:
          if (last === "v") emit(",", G.Comma);
          depth++;
          emit(c === "(" ? "[" : c, c === "{" ? G.OpenObject : G.OpenArray);
          if (!grammar.failed) openers.push(i);
          last = c === "(" ? "[" : c;
          break;
        case T.Close:
          if (last === "," && lastComma >= 0) {
            out[lastComma] = "";
            grammar.dropComma();
          }
          depth--;
          emit(c === ")" ? "]" : c, c === "}" ? G.CloseObject : G.CloseArray);
          if (!grammar.failed) openers.pop();
          last = "v";
          break;
        case T.Comma:
          if (last !== "," && last !== "[" && last !== "{") emit(",", G.Comma);
          last = ",";
          break;
        case T.Colon:
          emit(":", G.Colon);
          last = ":";
          break;
        case T.Str:
          value(`"${stringBody(text, i + 1, this.end - 1)}"`, G.String);
          break;
        case T.Num: {
          let token = "";
          for (let k = i; k < this.end; k++) token += toAscii(text[k]);
          const x = Number(token.replace(/%$/, ""));
          const asString = token.endsWith("%") || !Number.isFinite(x);
          value(asString ? JSON.stringify(token) : String(x), asString ? G.String : G.Scalar);
          break;
        }
        case T.Lone:
          out.push(c);
          grammar.feed(G.Bad);
          break;
        case T.Word: {
          const word = text.slice(i, this.end);
          const literal = isKeyAt(text, i) ? undefined : LITERALS.get(word);
          value(literal ?? JSON.stringify(word), literal ? G.Scalar : G.String);
          break;
        }
        case T.Stray:
          emit(ch, G.Bad);
          last = "v";
          break;
        default: // comments go; a closed value holds no unclosed token
          break;
      }
    }
    spend(this.work, i - start);
    if (grammar.failed) { for (const k of openers) this.failing.add(k); }
    return stopEarly && grammar.failed ? undefined : out.join("");
  }
}

/** What {@linkcode JsonGrammar} is fed: the kinds of strict-JSON pieces. */
const enum G {
  OpenObject,
  OpenArray,
  CloseObject,
  CloseArray,
  Comma,
  Colon,
  String,
  Scalar, // a number or a literal
  Bad, // anything JSON.parse rejects wherever it stands
}

/**
 * The JSON grammar as a pushdown automaton over pieces, so a repair can tell that its output
 * will not parse as soon as it is written. Whitespace is not fed. Exact for what
 * {@linkcode Scanner.repair} writes (its strings and numbers are always well formed).
 */
class JsonGrammar {
  failed = false;
  private readonly stack: G[] = [];
  private expect: "value" | "key" | "colon" | "next" | "end" = "value";
  private first = false; // right after an opening bracket, where a closing one may follow

  /** Takes back the last piece, a comma, which the repair removed. */
  dropComma(): void {
    if (!this.failed && this.expect !== "end") {
      this.expect = "next";
      this.first = false;
    }
  }

  feed(kind: G): void {
    if (this.failed) return;
    const top = this.stack.at(-1);
    const wasFirst = this.first;
    this.first = false;
    switch (kind) {
      case G.OpenObject:
      case G.OpenArray:
        if (this.expect !== "value") return this.fail();
        this.stack.push(kind);
        this.expect = kind === G.OpenObject ? "key" : "value";
        this.first = true;
        return;
      case G.CloseObject:
      case G.CloseArray: {
        const opener = kind === G.CloseObject ? G.OpenObject : G.OpenArray;
        if (top !== opener || !(this.expect === "next" || wasFirst)) return this.fail();
        this.stack.pop();
        return this.afterValue();
      }
      case G.Comma:
        if (this.expect !== "next") return this.fail();
        this.expect = top === G.OpenObject ? "key" : "value";
        return;
      case G.Colon:
        if (this.expect !== "colon") return this.fail();
        this.expect = "value";
        return;
      case G.String:
        if (this.expect === "key") {
          this.expect = "colon";
          return;
        }
        if (this.expect !== "value") return this.fail();
        return this.afterValue();
      case G.Scalar:
        if (this.expect !== "value") return this.fail();
        return this.afterValue();
      default:
        return this.fail();
    }
  }

  private afterValue(): void {
    this.expect = this.stack.length === 0 ? "end" : "next";
  }

  private fail(): void {
    this.failed = true;
  }
}

/** The JSON-escaped body of the string whose text is `[from, to)`. */
function stringBody(text: string, from: number, to: number): string {
  let s = "";
  let j = from;
  while (j < to) {
    const d = text[j];
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
  return s;
}

/** Whether the bracket at `i` starts what is plainly meant as JSON (`{"key"`, `[0.5`, …). */
function looksLikeJson(text: string, i: number): boolean {
  const j = skipSpaces(text, i + 1);
  const ch = text[j] ?? "";
  if (toAscii(text[i]) === "{") return quoteGroup(ch) !== undefined || isKeyAt(text, j);
  return quoteGroup(ch) !== undefined || /[-0-9.{[]/.test(toAscii(ch));
}

function snippet(text: string, i: number): string {
  const s = text.slice(i, i + 80).replace(/\s+/g, " ");
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

interface Found {
  value: unknown;
  isObject: boolean;
}

interface Search {
  found?: Found;
  /** A failure that ends the search: truncated JSON, JSON too deep. */
  fatal?: string;
  /** Whether `fatal` is about JSON nested too deep. */
  deep?: boolean;
  error?: string;
}

/** Scans text for bracketed candidates and keeps the last object (else array) that parses. */
function searchText(text: string, work: ScanWork): Search {
  const found: Found[] = [];
  const scanner = new Scanner(text, work);
  let error: string | undefined;
  let i = 0;
  spend(work, text.length);
  while (i < text.length) {
    if (!"{[".includes(toAscii(text[i]))) {
      i++;
      continue;
    }
    const jsonish = looksLikeJson(text, i);
    const r = scanner.bounds(i);
    if (r.kind === "deep") {
      return { fatal: tooDeep(text, i), deep: true };
    }
    if (r.kind === "closed") {
      const parsed = tryParse(
        strictStart(text, i) ? text.slice(i, r.end) : undefined,
        () => !jsonish && scanner.failing.has(i) ? undefined : scanner.repair(i, r.end, !jsonish),
      );
      if (parsed.ok) {
        if (depthOf(parsed.value) > MAX_JSON_DEPTH) return { fatal: tooDeep(text, i), deep: true };
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
      return { fatal: `the JSON starting '${snippet(text, i)}' is never closed (truncated?)` };
    } else if (r.kind === "mismatched" && jsonish) {
      error = `mismatched brackets in '${snippet(text, i)}': unexpected '${text[r.at]}'`;
    }
    i++;
  }
  const pick = found.findLast((f) => f.isObject) ?? found.at(-1);
  return { found: pick, error };
}

function tooDeep(text: string, i: number): string {
  return `the JSON starting '${snippet(text, i)}' is nested deeper than ${MAX_JSON_DEPTH} levels`;
}

/** The nesting depth of a parsed JSON value (a scalar is 0, `[1]` is 1), without recursion. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    max = Math.max(max, d + 1);
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/**
 * Whether the bracket at `i` could open strict JSON: a quote, value or closing bracket must
 * come next. Saves `JSON.parse` on text that cannot parse as it stands.
 */
function strictStart(text: string, i: number): boolean {
  const ch = text[skipSpaces(text, i + 1)] ?? "";
  return text[i] === "{" ? '"}'.includes(ch) : '"{[]-0123456789tfn'.includes(ch);
}

/**
 * Parses `raw` as it stands, else as repaired. `repair` returns `undefined` when it found
 * the candidate is no JSON before finishing (no message is needed then).
 */
function tryParse(raw: string | undefined, repair: () => string | undefined): {
  ok: true;
  value: unknown;
} | {
  ok: false;
  error: string;
} {
  try {
    if (raw !== undefined) return { ok: true, value: JSON.parse(raw) };
  } catch {
    // try the repaired text
  }
  {
    try {
      const repaired = repair();
      if (repaired === undefined) return { ok: false, error: "not JSON" };
      return { ok: true, value: JSON.parse(repaired) };
    } catch (e) {
      if (e instanceof BudgetExceeded) throw e;
      return { ok: false, error: clip(e instanceof Error ? e.message : String(e), 120) };
    }
  }
}

/** Searches one region: the last fenced block that parses wins, then the bare text. */
function searchRegion(region: string, work: ScanWork): Search {
  const whole = searchText(region, work);
  if (whole.fatal) return whole;
  const fences = [...region.matchAll(/```[\w+-]*([\s\S]*?)(?:```|$)/g)].map((m) => m[1]);
  for (const body of fences.reverse()) {
    const fenced = searchText(body, work);
    if (fenced.found) return fenced;
  }
  return whole;
}

/**
 * Splits a reply into its answer and the bodies of its `<think>` blocks, in one pass over
 * the tags (a regular expression that looks for each opening tag's closing one takes time
 * quadratic in the number of unclosed tags).
 */
function splitThinking(text: string): { answer: string; thoughts: string[] } {
  const thoughts: string[] = [];
  const tags = [...text.matchAll(/<(\/?)(think|thinking)>/gi)].map((m) => ({
    at: m.index,
    end: m.index + m[0].length,
    close: m[1] === "/",
    name: m[2].toLowerCase(),
  }));
  // A block runs from an opening tag to the next closing tag of the same name.
  const closes = { think: [] as number[], thinking: [] as number[] };
  tags.forEach((t, k) => t.close && closes[t.name as keyof typeof closes].push(k));
  const next = { think: 0, thinking: 0 };
  const parts: string[] = [];
  let cursor = 0;
  for (const open of tags) {
    if (open.close || open.at < cursor) continue;
    const name = open.name as keyof typeof closes;
    const list = closes[name];
    while (next[name] < list.length && tags[list[next[name]]].at < open.end) next[name]++;
    if (next[name] >= list.length) continue;
    const close = tags[list[next[name]]];
    parts.push(text.slice(cursor, open.at), "\n");
    thoughts.push(text.slice(open.end, close.at));
    cursor = close.end;
  }
  parts.push(text.slice(cursor));
  let answer = parts.join("");
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

/** Clips `s` to at most `max` characters, marking a cut with an ellipsis. */
function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
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
 * Limits: the time taken is linear in the reply's length; a reply longer than
 * {@linkcode MAX_REPLY_CHARS}, JSON nested deeper than {@linkcode MAX_JSON_DEPTH} and a
 * search past {@linkcode MAX_SCAN_STEPS} each fail with an {@linkcode ActionParseError}
 * saying which limit was hit. No other error escapes.
 *
 * @param text The model's reply.
 * @param work A counter that the scanner steps taken are added to (for tests and benches).
 * @returns The parsed JSON value.
 * @throws {ActionParseError} When the reply is empty, too long, truncated, nested too deep or
 * holds no JSON that parses.
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
export function extractJson(text: string, work: ScanWork = { steps: 0 }): unknown {
  if (text.trim() === "") throw new ActionParseError("the reply is empty", text);
  if (text.length > MAX_REPLY_CHARS) {
    throw new ActionParseError(
      `the reply is too long: ${text.length} characters, at most ${MAX_REPLY_CHARS} are searched`,
      text,
    );
  }
  try {
    const { answer, thoughts } = splitThinking(text);
    const main = searchRegion(answer, work);
    if (main.found) return main.found.value;
    if (main.fatal) throw new ActionParseError(main.fatal, text);
    let error = main.error;
    for (const thought of thoughts.reverse()) {
      const r = searchRegion(thought, work);
      if (r.found) return r.found.value;
      error ??= r.error ?? (r.deep ? r.fatal : undefined);
    }
    throw new ActionParseError(error ?? "no JSON object found in the reply", text);
  } catch (e) {
    if (e instanceof ActionParseError) throw e;
    if (e instanceof BudgetExceeded) {
      throw new ActionParseError(
        `gave up searching the reply for JSON after ${MAX_SCAN_STEPS} scanner steps`,
        text,
      );
    }
    throw new ActionParseError(`the reply could not be searched: ${clip(String(e), 120)}`, text, {
      cause: e,
    });
  }
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
export const numberLike: Schema<number> = z.unknown().transform((value, ctx) => {
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
export function vectorLike(n: number, options?: VectorLikeOptions): Schema<number[]> {
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
  // Iterative, so a deeply nested value cannot overflow the call stack.
  const root: Record<string, unknown> = {};
  const todo: [
    source: unknown,
    target: Record<string, unknown> | unknown[],
    key: string | number,
  ][] = [
    [value, root, "v"],
  ];
  while (todo.length > 0) {
    const [source, target, key] = todo.pop()!;
    let copy: unknown = source;
    if (Array.isArray(source)) {
      const items = new Array(source.length);
      source.forEach((v, i) => todo.push([v, items, i]));
      copy = items;
    } else if (isPlainObject(source)) {
      const chosen = new Map<string, unknown>();
      for (const [k0, v] of Object.entries(source)) {
        const k = k0.trim().toLowerCase();
        if (k0 === k || !chosen.has(k)) chosen.set(k, v);
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of chosen) {
        Object.defineProperty(out, k, {
          value: undefined,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        todo.push([v, out, k]);
      }
      copy = out;
    }
    (target as Record<string | number, unknown>)[key] = copy;
  }
  return root.v;
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

/** Each part (path, message) of a one-line error is clipped to this many characters. */
const MAX_ERROR_PART = 200;

function formatError(error: z.ZodError, value: unknown): string {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const message = isMissing(value, issue.path)
      ? "missing required field"
      : clip(issue.message.replace(/^Invalid input: /, ""), MAX_ERROR_PART);
    return `${clip(formatPath(issue.path), MAX_ERROR_PART)}: ${message}`;
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
export function parseReply<T>(text: string, schema: Schema<T>): ParseResult<T> {
  let value: unknown;
  try {
    value = extractJson(text);
  } catch (e) {
    if (e instanceof ActionParseError) return { ok: false, error: e.reason, raw: text };
    return { ok: false, error: unexpected(e), raw: text };
  }
  try {
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
  } catch (e) {
    // A schema that throws (a transform's bug, a recursive schema on a deep value) must not
    // end the run: the reply counts as unparseable, with the cause in the error.
    return { ok: false, error: unexpected(e), raw: text };
  }
}

function unexpected(e: unknown): string {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return `the reply could not be validated: ${clip(message.replace(/\s+/g, " "), MAX_ERROR_PART)}`;
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
