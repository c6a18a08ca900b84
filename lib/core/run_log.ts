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
import { join } from "node:path";
import type { z } from "zod";
import { describeZodError } from "./config.ts";
import { type Schema, type Stream, STREAM_SCHEMAS, type ZodSchema } from "./records.ts";

const STREAMS: Stream[] = ["decisions", "llm_calls", "events", "checkpoints"];
const encoder = new TextEncoder();
/** Characters buffered before a flush even without a checkpoint (about 1 MB). */
const MAX_BUFFERED = 1 << 20;

/** A bad line in a log file. */
export class LogFormatError extends Error {
  /** The error's name, `LogFormatError`. */
  override name = "LogFormatError";
}

/** Options of {@linkcode readJsonl}. */
export interface ReadJsonlOptions {
  /** Drop an unparsable last line (a write torn by a crash). @default {false} */
  tolerateTornTail?: boolean;
  /** A missing file reads as no rows. @default {true} */
  allowMissing?: boolean;
}

/** Reads a JSONL file, validating every line with `schema`; errors name the file and line. */
export async function readJsonl<T>(
  path: string,
  schema: Schema<T>,
  options: ReadJsonlOptions = {},
): Promise<T[]> {
  const { tolerateTornTail = false, allowMissing = true } = options;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && allowMissing) return [];
    throw e;
  }
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const out: T[] = [];
  for (let i = 0; i < lines.length; i++) {
    let value: unknown;
    try {
      value = JSON.parse(lines[i]);
    } catch (e) {
      if (tolerateTornTail && i === lines.length - 1 && !text.endsWith("\n")) break;
      throw new LogFormatError(`${path}:${i + 1}: invalid JSON: ${(e as Error).message}`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new LogFormatError(`${path}:${i + 1}: ${describeZodError(parsed.error, "record")}`);
    }
    out.push(parsed.data);
  }
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
}

/** The append-only logs of one run directory. */
export class RunLog {
  /** The run directory the logs are in. */
  readonly dir: string;
  #files = new Map<Stream, Deno.FsFile>();
  #schemas: Record<Stream, z.ZodType>;
  #buffers = new Map<Stream, string[]>();
  #autoFlush: boolean;
  #buffered = 0;

  private constructor(dir: string, options: RunLogOptions) {
    this.dir = dir;
    this.#schemas = { ...STREAM_SCHEMAS, ...options.schemas };
    this.#autoFlush = options.autoFlush ?? true;
  }

  /** Opens (creating when needed) the logs of `dir` for appending. */
  static create(dir: string, options: RunLogOptions = {}): RunLog {
    Deno.mkdirSync(dir, { recursive: true });
    const log = new RunLog(dir, options);
    for (const s of STREAMS) {
      log.#files.set(s, Deno.openSync(log.path(s), { append: true, create: true }));
      log.#buffers.set(s, []);
    }
    return log;
  }

  /** The path of a stream's file. */
  path(stream: Stream): string {
    return join(this.dir, `${stream}.jsonl`);
  }

  /** Validates and appends one record (on disk at once, or at the next flush). */
  append(stream: Stream, record: Record<string, unknown>): void {
    const parsed = this.#schemas[stream].safeParse(record);
    if (!parsed.success) {
      throw new LogFormatError(
        `Cannot log ${stream} record: ${describeZodError(parsed.error, "record")}`,
      );
    }
    const buffer = this.#buffers.get(stream);
    if (!buffer) throw new Error(`Cannot log ${stream} record: the run log is closed`);
    const line = JSON.stringify(record) + "\n";
    buffer.push(line);
    this.#buffered += line.length;
    // A long stretch between checkpoints must not hold its logs in memory.
    if (this.#autoFlush || this.#buffered > MAX_BUFFERED) this.flush();
  }

  #write(stream: Stream): void {
    const buffer = this.#buffers.get(stream)!;
    if (buffer.length === 0) return;
    const bytes = encoder.encode(buffer.join(""));
    buffer.length = 0;
    const file = this.#files.get(stream)!;
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
  }

  /** Writes every buffered record; they are on disk when this returns. */
  flush(): void {
    for (const s of STREAMS) if (this.#files.has(s)) this.#write(s);
    this.#buffered = 0;
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
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) continue;
        throw e;
      }
      const keep: string[] = [];
      const lines = text.split("\n");
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (!line) continue;
        let rec: { round?: number };
        try {
          rec = JSON.parse(line);
        } catch (e) {
          // Only the last line, without its newline, may be torn by a crash; anything else is
          // damage that resuming would hide.
          if (i === lines.length - 1) continue;
          throw new LogFormatError(`${path}:${i + 1}: damaged line: ${(e as Error).message}`);
        }
        if ((rec.round ?? 0) <= round) keep.push(line);
      }
      const tmp = uniqueTempPath(path);
      await Deno.writeTextFile(tmp, keep.map((l) => l + "\n").join(""));
      await Deno.rename(tmp, path);
    }
  }
}
