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
import { type Stream, STREAM_SCHEMAS } from "./records.ts";

const STREAMS: Stream[] = ["decisions", "llm_calls", "events", "checkpoints"];
const encoder = new TextEncoder();

/** A bad line in a log file. */
export class LogFormatError extends Error {
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
  schema: z.ZodType<T>,
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

/** Writes JSON with a trailing newline, atomically (write to a temp file, then rename). */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(value, null, 2) + "\n");
  await Deno.rename(tmp, path);
}

/** The append-only logs of one run directory. */
export class RunLog {
  readonly dir: string;
  #files = new Map<Stream, Deno.FsFile>();
  #schemas: Record<Stream, z.ZodType>;

  private constructor(dir: string) {
    this.dir = dir;
    this.#schemas = STREAM_SCHEMAS;
  }

  /** Opens (creating when needed) the logs of `dir` for appending. */
  static create(dir: string): RunLog {
    Deno.mkdirSync(dir, { recursive: true });
    const log = new RunLog(dir);
    for (const s of STREAMS) {
      log.#files.set(s, Deno.openSync(log.path(s), { append: true, create: true }));
    }
    return log;
  }

  /** The path of a stream's file. */
  path(stream: Stream): string {
    return join(this.dir, `${stream}.jsonl`);
  }

  /** Validates and appends one record; it is on disk when this returns. */
  append(stream: Stream, record: Record<string, unknown>): void {
    const parsed = this.#schemas[stream].safeParse(record);
    if (!parsed.success) {
      throw new LogFormatError(
        `Cannot log ${stream} record: ${describeZodError(parsed.error, "record")}`,
      );
    }
    const file = this.#files.get(stream);
    if (!file) throw new Error(`Cannot log ${stream} record: the run log is closed`);
    const bytes = encoder.encode(JSON.stringify(record) + "\n");
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
  }

  /** Closes every file. */
  close(): void {
    for (const f of this.#files.values()) f.close();
    this.#files.clear();
  }

  /**
   * Cuts every stream back to the records of rounds `<= round` (dropping a torn last line),
   * for resuming from the checkpoint of `round`. Rewrites each file atomically.
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
      for (const line of text.split("\n")) {
        if (!line) continue;
        let rec: { round?: number };
        try {
          rec = JSON.parse(line);
        } catch {
          continue; // torn line from a crash
        }
        if ((rec.round ?? 0) <= round) keep.push(line);
      }
      const tmp = `${path}.tmp`;
      await Deno.writeTextFile(tmp, keep.map((l) => l + "\n").join(""));
      await Deno.rename(tmp, path);
    }
  }
}
