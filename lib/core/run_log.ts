/**
 * The run directory: `config.json`, append-only JSONL logs written line by line as the run
 * goes (`decisions.jsonl`, `llm_calls.jsonl`, `events.jsonl`, `checkpoints.jsonl`) and
 * `summary.json` at the end.
 *
 * Every line is written with one `write` call as soon as it exists, so a crash loses at most
 * the line being written; readers drop a torn last line when asked (`tolerateTornTail`) and
 * resume cuts the logs back to the last checkpoint.
 *
 * @example
 * ```ts
 * import { RunLog, readJsonl } from "./run_log.ts";
 * import { EventRecordSchema } from "./records.ts";
 * const dir = await Deno.makeTempDir();
 * const log = RunLog.create(dir);
 * log.append("events", { v: 1, round: 1, type: "hello" });
 * log.close();
 * console.log((await readJsonl(`${dir}/events.jsonl`, EventRecordSchema)).length); // 1
 * ```
 * @module
 */
import { LineBuffer } from "./line_buffer.ts";
import { type RunningDigest, runningDigest } from "./log_digest.ts";
import { join } from "node:path";
import type { z } from "zod";
import { describeZodError } from "./config.ts";
import {
  type LogMark,
  type Schema,
  type Stream,
  STREAM_SCHEMAS,
  type ZodSchema,
} from "./records.ts";

const STREAMS: Stream[] = ["decisions", "llm_calls", "events", "checkpoints"];
const encoder = new TextEncoder();
/** Bytes a log buffers before it is flushed even without a checkpoint (1 MiB per log). */
const MAX_BUFFERED = 1 << 20;

/** A bad line in a log file. */
export class LogFormatError extends Error {
  /** The error's name, `LogFormatError`. */
  override name = "LogFormatError";
}

/** Options of {@linkcode readJsonl} and {@linkcode streamJsonl}. */
export interface ReadJsonlOptions {
  /** Drop an unparsable last line (a write torn by a crash). @default {false} */
  tolerateTornTail?: boolean;
  /** A missing file reads as no rows. @default {true} */
  allowMissing?: boolean;
}

/** One line of a file as {@linkcode readLines} yields it. */
export interface FileLine {
  /** The line's text, without its newline. */
  text: string;
  /** Its number, from 1. */
  line: number;
  /** The byte offset just after it (after its newline, when it has one). */
  end: number;
  /** `false` for a last line without a newline (perhaps torn by a crash). */
  complete: boolean;
  /** The line's bytes, newline included (a view valid until the next line is read). */
  bytes: Uint8Array;
}

const CHUNK = 1 << 20;
const decoder = new TextDecoder();

/**
 * Reads a file line by line with bounded memory (a 1 MiB buffer plus the longest line),
 * whatever its size. Empty lines are yielded too; `limit` stops after that many bytes;
 * `start` begins at that byte offset (a line boundary: lines are then numbered from there).
 */
export async function* readLines(
  path: string,
  limit = Infinity,
  start = 0,
): AsyncGenerator<FileLine> {
  const file = await Deno.open(path, { read: true });
  try {
    if (start) await file.seek(start, Deno.SeekMode.Start);
    const chunk = new Uint8Array(CHUNK);
    let carry: Uint8Array = new Uint8Array(0);
    let offset = start;
    let line = 0;
    for (;;) {
      const want = Math.min(CHUNK, limit - offset - carry.length);
      const n = want > 0 ? await file.read(chunk.subarray(0, want)) : null;
      if (n === null) break;
      let data = chunk.subarray(0, n);
      if (carry.length) {
        const joined = new Uint8Array(carry.length + n);
        joined.set(carry);
        joined.set(data, carry.length);
        data = joined;
      }
      let from = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, from)) {
        const bytes = data.subarray(from, nl + 1);
        offset += bytes.length;
        yield {
          text: decoder.decode(bytes.subarray(0, -1)),
          line: ++line,
          end: offset,
          complete: true,
          bytes,
        };
        from = nl + 1;
      }
      carry = data.slice(from);
    }
    if (carry.length) {
      offset += carry.length;
      yield {
        text: decoder.decode(carry),
        line: ++line,
        end: offset,
        complete: false,
        bytes: carry,
      };
    }
  } finally {
    file.close();
  }
}

/** `true` when `text` parses as JSON (a last line without its newline may be torn). */
export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses one line of a log, validating it with `schema`.
 *
 * @throws {LogFormatError} Naming `path:line`.
 */
export function parseLogLine<T>(
  path: string,
  l: { text: string; line: number },
  schema: Schema<T>,
): T {
  let value: unknown;
  try {
    value = JSON.parse(l.text);
  } catch (e) {
    throw new LogFormatError(`${path}:${l.line}: invalid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new LogFormatError(`${path}:${l.line}: ${describeZodError(parsed.error, "record")}`);
  }
  return parsed.data;
}

/**
 * Streams a JSONL file's records, validating every line with `schema`, with bounded memory
 * whatever the file's size; errors name the file and line.
 *
 * @example
 * ```ts
 * import { RunLog, streamJsonl } from "./run_log.ts";
 * import { EventRecordSchema } from "./records.ts";
 * const dir = await Deno.makeTempDir();
 * const log = RunLog.create(dir);
 * log.append("events", { v: 1, round: 1, type: "hello" });
 * log.close();
 * for await (const e of streamJsonl(`${dir}/events.jsonl`, EventRecordSchema)) console.log(e.type);
 * ```
 */
export async function* streamJsonl<T>(
  path: string,
  schema: Schema<T>,
  options: ReadJsonlOptions = {},
): AsyncGenerator<T> {
  const { tolerateTornTail = false, allowMissing = true } = options;
  let lines: AsyncGenerator<FileLine>;
  try {
    await Deno.stat(path);
    lines = readLines(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && allowMissing) return;
    throw e;
  }
  for await (const l of lines) {
    if (l.text === "" && l.complete) {
      throw new LogFormatError(`${path}:${l.line}: empty line`);
    }
    if (!l.complete && tolerateTornTail && !isJson(l.text)) break; // torn by a crash
    yield parseLogLine(path, l, schema);
  }
}

/** Reads a JSONL file, validating every line with `schema`; errors name the file and line. */
export async function readJsonl<T>(
  path: string,
  schema: Schema<T>,
  options: ReadJsonlOptions = {},
): Promise<T[]> {
  const out: T[] = [];
  for await (const row of streamJsonl(path, schema, options)) out.push(row);
  return out;
}

/** A temp-file name next to `path` that no other writer uses. */
export function uniqueTempPath(path: string): string {
  return `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
}

/** Writes JSON with a trailing newline, atomically (write to a unique temp file, then rename). */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = uniqueTempPath(path);
  try {
    await Deno.writeTextFile(tmp, JSON.stringify(value, null, 2) + "\n");
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Options of {@linkcode RunLog.create}. */
export interface RunLogOptions {
  /**
   * Schemas that replace the shared ones per stream (an engine's decision-row schema extends
   * {@linkcode DecisionRecordSchema}); every appended record is validated with its stream's.
   */
  schemas?: Partial<Record<Stream, ZodSchema>>;
  /**
   * Write every record at once (`true`), or keep records in memory until {@linkcode
   * RunLog.flush} (`false`: the run layer flushes at each checkpoint; a crash loses only what
   * resume would cut back anyway). @default {true}
   */
  autoFlush?: boolean;
  /**
   * Where each stream's file stands (rows, bytes and the running hash of its bytes), as
   * {@linkcode verifyLogs} leaves it on resume; a stream not given is hashed from its file.
   */
  continueFrom?: Partial<Record<Stream, LogCursor>>;
  /**
   * Which appended records are validated: `"all"`, or `"sampled"` (every record of a stream's
   * first {@linkcode SAMPLED_VALIDATION_HEAD}, then one in {@linkcode SAMPLED_VALIDATION_EVERY}).
   * Sampling is for reproducible scripted runs, where validating every row costs about 1 s per
   * million rows: a writer's systematic bug shows in the first rows, and readers and resume
   * validate every row anyway. LLM runs validate all (their rows cannot be made again for free).
   * @default {"all"}
   */
  validate?: "all" | "sampled";
}

/** Under `validate: "sampled"`, every record of a stream's first this many is validated. */
export const SAMPLED_VALIDATION_HEAD = 100;
/** Under `validate: "sampled"`, then one record in this many. */
export const SAMPLED_VALIDATION_EVERY = 100;

/** A log's {@linkcode LogMark} being kept up to date as lines are written. */
export interface LogCursor {
  /** Lines in the file. */
  rows: number;
  /** Its length in bytes. */
  bytes: number;
  /** The running digest of its bytes (the kind new marks use). */
  hash: RunningDigest;
}

/** Hashes what is already in a file (sync: `RunLog.create` is). */
function cursorOfFile(path: string): LogCursor {
  const cursor: LogCursor = { rows: 0, bytes: 0, hash: runningDigest() };
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return cursor;
    throw e;
  }
  try {
    const buf = new Uint8Array(CHUNK);
    for (let n = file.readSync(buf); n !== null; n = file.readSync(buf)) {
      const data = buf.subarray(0, n);
      cursor.hash.update(data);
      cursor.bytes += n;
      for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) cursor.rows++;
    }
  } finally {
    file.close();
  }
  return cursor;
}

/** The append-only logs of one run directory. */
export class RunLog {
  /** The run directory the logs are in. */
  readonly dir: string;
  #files = new Map<Stream, Deno.FsFile>();
  #schemas: Record<Stream, z.ZodType>;
  #buffers = new Map<Stream, LineBuffer>();
  #autoFlush: boolean;
  #cursors = new Map<Stream, LogCursor>();
  #marks = new Map<Stream, LogMark>();
  #sampled: boolean;
  #appended = new Map<Stream, number>();

  private constructor(dir: string, options: RunLogOptions) {
    this.dir = dir;
    this.#schemas = { ...STREAM_SCHEMAS, ...options.schemas };
    this.#autoFlush = options.autoFlush ?? true;
    this.#sampled = options.validate === "sampled";
  }

  /** Opens (creating when needed) the logs of `dir` for appending. */
  static create(dir: string, options: RunLogOptions = {}): RunLog {
    Deno.mkdirSync(dir, { recursive: true });
    const log = new RunLog(dir, options);
    for (const s of STREAMS) {
      log.#cursors.set(s, options.continueFrom?.[s] ?? cursorOfFile(log.path(s)));
      log.#files.set(s, Deno.openSync(log.path(s), { append: true, create: true }));
      log.#buffers.set(s, new LineBuffer());
    }
    return log;
  }

  /** The path of a stream's file. */
  path(stream: Stream): string {
    return join(this.dir, `${stream}.jsonl`);
  }

  /**
   * Validates (see {@linkcode RunLogOptions.validate}) and appends one record (on disk at
   * once, or at the next flush).
   */
  append(stream: Stream, record: Record<string, unknown>): void {
    if (this.#due(stream)) this.#validate(stream, record);
    const out = this.#buffer(stream);
    out.line(JSON.stringify(record));
    this.#added(out);
  }

  /**
   * Appends one record given already serialised: `json` must be what `JSON.stringify`
   * makes of `record()` (one line, no newline). `record` is called only for the records
   * {@linkcode RunLogOptions.validate} validates, and those are checked to serialise to
   * `json` exactly, so a writer's faster serialisation is checked like its schema.
   */
  appendJson(stream: Stream, json: string, record: () => Record<string, unknown>): void {
    if (this.#due(stream)) {
      const r = record();
      this.#validate(stream, r);
      if (JSON.stringify(r) !== json) throw this.#differs(stream);
    }
    const out = this.#buffer(stream);
    out.line(json);
    this.#added(out);
  }

  /**
   * Begins a record to be written piece by piece into the stream's buffer (its JSON, no
   * newline), then ended with {@linkcode RunLog.endLine}: the fastest way to log millions of
   * similar rows. A line begun and not ended is dropped by the next.
   *
   * @example
   * ```ts
   * import { RunLog } from "./run_log.ts";
   * const log = RunLog.create(await Deno.makeTempDir());
   * const event = { v: 1, round: 1, type: "note" };
   * const out = log.beginLine("events");
   * out.text('{"v":1,"round":');
   * out.number(1);
   * out.text(',"type":"note"}');
   * log.endLine("events", () => event); // validated: its JSON is what was written
   * log.close();
   * ```
   */
  beginLine(stream: Stream): LineBuffer {
    const out = this.#buffer(stream);
    out.begin();
    return out;
  }

  /**
   * Ends the record begun with {@linkcode RunLog.beginLine}, as {@linkcode RunLog.appendJson}
   * appends one: `record` is called only for the records validated, which must serialise to
   * the bytes written exactly (else the line is dropped and this throws).
   */
  endLine(stream: Stream, record: () => Record<string, unknown>): void {
    const out = this.#buffer(stream);
    out.end();
    if (this.#due(stream)) {
      try {
        const r = record();
        this.#validate(stream, r);
        if (JSON.stringify(r) !== out.lastLine()) throw this.#differs(stream);
      } catch (e) {
        out.dropLast();
        throw e;
      }
    }
    this.#added(out);
  }

  #differs(stream: Stream): LogFormatError {
    return new LogFormatError(
      `Cannot log ${stream} record: its serialised form differs from the record's JSON`,
    );
  }

  /** Whether the next record of `stream` is validated. */
  #due(stream: Stream): boolean {
    const n = (this.#appended.get(stream) ?? 0) + 1;
    this.#appended.set(stream, n);
    return !this.#sampled || n <= SAMPLED_VALIDATION_HEAD || n % SAMPLED_VALIDATION_EVERY === 0;
  }

  #validate(stream: Stream, record: Record<string, unknown>): void {
    const parsed = this.#schemas[stream].safeParse(record);
    if (!parsed.success) {
      throw new LogFormatError(
        `Cannot log ${stream} record: ${describeZodError(parsed.error, "record")}`,
      );
    }
  }

  #buffer(stream: Stream): LineBuffer {
    const buffer = this.#buffers.get(stream);
    if (!buffer) throw new Error(`Cannot log ${stream} record: the run log is closed`);
    return buffer;
  }

  /** After a line was added to a log's buffer: writes it now, or when enough waits. */
  #added(buffer: LineBuffer): void {
    // A long stretch between checkpoints must not hold its logs in memory.
    if (this.#autoFlush || buffer.length > MAX_BUFFERED) this.flush();
  }

  #write(stream: Stream): void {
    const buffer = this.#buffers.get(stream)!;
    if (buffer.lines === 0) return;
    const bytes = buffer.view();
    const cursor = this.#cursors.get(stream)!;
    cursor.rows += buffer.lines;
    cursor.bytes += bytes.length;
    cursor.hash.update(bytes);
    // emptied before the write (the view stays valid until the buffer is written to again): a
    // failed write is not written or counted twice by a later flush
    buffer.clear();
    const file = this.#files.get(stream)!;
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
  }

  /** Writes every buffered record; they are on disk when this returns. */
  flush(): void {
    for (const s of STREAMS) if (this.#files.has(s)) this.#write(s);
  }

  /**
   * Each log's rows, bytes and digest as written so far (flushes first): what a checkpoint
   * records so that resume can verify the logs before it replays anything.
   */
  marks(): Record<Stream, LogMark> {
    this.flush();
    const out = {} as Record<Stream, LogMark>;
    for (const [s, c] of this.#cursors) {
      // a log unchanged since the last mark keeps its digest (a copy and digest each costs)
      const last = this.#marks.get(s);
      const mark = last?.bytes === c.bytes
        ? last
        : { rows: c.rows, bytes: c.bytes, [c.hash.kind]: c.hash.value() };
      this.#marks.set(s, mark);
      out[s] = { ...mark };
    }
    return out;
  }

  /** Flushes and closes every file. */
  close(): void {
    if (this.#files.size) this.flush();
    for (const f of this.#files.values()) f.close();
    this.#files.clear();
    this.#buffers.clear();
  }

  /**
   * Cuts every stream back to the records of rounds `<= round` (dropping a torn last line),
   * for resuming from the checkpoint of `round`. Rewrites each file atomically.
   *
   * @throws {LogFormatError} When a line other than a torn last one is not JSON, naming
   * `file:line` (corruption that a resume must not hide).
   */
  static async truncateTo(dir: string, round: number): Promise<void> {
    for (const s of STREAMS) {
      const path = join(dir, `${s}.jsonl`);
      if (!(await Deno.stat(path).then(() => true, () => false))) continue;
      const tmp = uniqueTempPath(path);
      const out = await Deno.open(tmp, { write: true, createNew: true });
      try {
        const pending: Uint8Array[] = [];
        let size = 0;
        const drain = async () => {
          for (const b of pending) {
            for (let w = 0; w < b.length;) w += await out.write(b.subarray(w));
          }
          pending.length = 0;
          size = 0;
        };
        for await (const l of readLines(path)) {
          if (!l.text) continue;
          let rec: { round?: number };
          try {
            rec = JSON.parse(l.text);
          } catch (e) {
            // Only the last line, without its newline, may be torn by a crash; anything else
            // is damage that resuming would hide.
            if (!l.complete) continue;
            throw new LogFormatError(`${path}:${l.line}: damaged line: ${(e as Error).message}`);
          }
          if ((rec.round ?? 0) > round) continue;
          pending.push(l.complete ? l.bytes.slice() : encoder.encode(l.text + "\n"));
          size += l.bytes.length;
          if (size > CHUNK) await drain();
        }
        await drain();
        out.close();
        await Deno.rename(tmp, path);
      } catch (e) {
        try {
          out.close();
        } catch { /* closed */ }
        await Deno.remove(tmp).catch(() => {});
        throw e;
      }
    }
  }
}
