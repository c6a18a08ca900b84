/**
 * Resume verifies before it replays: every checkpoint records, per log, its rows, bytes and
 * a digest of those bytes ({@linkcode LogMark}, see `log_digest.ts`); {@linkcode verifyLogs} reads each log up to
 * the last checkpoint's mark, validating every row's schema and hashing it, and refuses a log
 * that was cut, edited, or had lines added or removed, naming the file and line, before
 * anything is replayed or paid for. It changes nothing on disk: {@linkcode VerifiedLogs.cut}
 * then cuts each log back to the mark (what the interrupted step wrote after it).
 *
 * Everything streams: memory stays bounded whatever the size of the logs.
 *
 * @example
 * ```ts
 * import { RunLog } from "./run_log.ts";
 * import { verifyLogs } from "./verify_logs.ts";
 * import { STREAM_SCHEMAS } from "./records.ts";
 * const dir = await Deno.makeTempDir();
 * const log = RunLog.create(dir);
 * log.append("events", { v: 1, round: 1, type: "hello" });
 * const cp = { v: 1, round: 1, engine: {}, agents: {}, budget: { tokens: 0, usd: 0 } };
 * log.append("checkpoints", { ...cp, logs: log.marks() });
 * log.close();
 * const verified = await verifyLogs(dir, STREAM_SCHEMAS);
 * console.log(verified?.checkpoint.round); // 1
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { MARK_DIGEST, markDigest, type RunningDigest, runningDigest } from "./log_digest.ts";
import {
  type CheckpointRecord,
  CheckpointRecordSchema,
  type LogMark,
  type Schema,
  type Stream,
} from "./records.ts";
import { isJson, type LogCursor, LogFormatError, parseLogLine, readLines } from "./run_log.ts";

const STREAMS: readonly Stream[] = ["decisions", "llm_calls", "events", "checkpoints"];

/**
 * The digest a checkpoint carries of itself (`check`, its last field): the sha256 of its JSON
 * without that field, so resume can tell an edited checkpoint (the state it would restore).
 *
 * @param record The checkpoint without `check`.
 * @returns The record's JSON with `check` added last.
 */
export function sealCheckpoint(record: Record<string, unknown>): Record<string, unknown> {
  const check = createHash("sha256").update(JSON.stringify(record)).digest("hex");
  return { ...record, check };
}

/** `true` when a checkpoint line matches its `check` (or has none: written before it existed). */
export function checkpointIntact(line: string): boolean {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line);
  } catch {
    return false;
  }
  if (!("check" in value)) return true;
  const { check, ...rest } = value;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex") === check;
}

/** What {@linkcode verifyLogs} found: the checkpoint to resume from and where each log stands. */
export interface VerifiedLogs {
  /** The last whole checkpoint. */
  checkpoint: CheckpointRecord;
  /** Each log's rows, bytes and running hash up to the checkpoint (for `RunLog.create`). */
  cursors: Record<Stream, LogCursor>;
  /** The lines of `llm_calls.jsonl` after the checkpoint (paid calls of the cut step). */
  tail: Record<Stream, string[]>;
  /** Cuts every log back to the checkpoint (call after keeping what `tail` must keep). */
  cut(): Promise<void>;
}

interface LastCheckpoint {
  record: CheckpointRecord;
  start: number;
  end: number;
  line: number;
}

/** The last whole checkpoint line of `path` (each one validated), or `null` for none. */
async function lastCheckpoint(path: string): Promise<LastCheckpoint | null> {
  let last: LastCheckpoint | null = null;
  let start = 0;
  for await (const l of readLines(path)) {
    if (!l.complete) break; // torn by a crash: cut
    last = {
      record: parseLogLine(path, l, CheckpointRecordSchema),
      start,
      end: l.end,
      line: l.line,
    };
    start = l.end;
  }
  return last;
}

/**
 * Reads `path` up to `mark.bytes`, validating and hashing; the cursor it ends at (its digest
 * the kind new marks use) and the digest of the mark's kind (the same one unless the mark is
 * older).
 */
async function readPrefix(
  path: string,
  mark: LogMark,
  schema: Schema<unknown> | null,
): Promise<{ cursor: LogCursor; marked: RunningDigest; whole: boolean }> {
  const cursor: LogCursor = { rows: 0, bytes: 0, hash: runningDigest(MARK_DIGEST) };
  const kind = markDigest(mark).kind;
  const marked = kind === MARK_DIGEST ? cursor.hash : runningDigest(kind);
  let whole = true;
  try {
    for await (const l of readLines(path, mark.bytes)) {
      if (!l.complete) {
        whole = false; // the mark falls inside a line
        break;
      }
      if (schema) parseLogLine(path, l, schema);
      cursor.hash.update(l.bytes);
      if (marked !== cursor.hash) marked.update(l.bytes);
      cursor.rows++;
      cursor.bytes = l.end;
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return { cursor, marked, whole };
}

function agrees(c: LogCursor, marked: RunningDigest, whole: boolean, mark: LogMark): boolean {
  return whole && c.bytes === mark.bytes && c.rows === mark.rows &&
    marked.value() === markDigest(mark).value;
}

/**
 * Where a log first departs from what the checkpoints recorded: the line after the last
 * checkpoint it still agrees with (a second pass, only when the last check failed).
 */
async function firstBadLine(dir: string, stream: Stream, path: string): Promise<number> {
  if (!(await Deno.stat(path).then(() => true, () => false))) return 1; // the file is gone
  const cps = readLines(join(dir, "checkpoints.jsonl"));
  const rows = readLines(path);
  // marks of both kinds can follow each other (a run written before CRC-32, resumed after)
  const digests = { crc32: runningDigest("crc32"), sha256: runningDigest("sha256") };
  let n = 0;
  let bytes = 0;
  let goodRows = 0;
  for await (const c of cps) {
    if (!c.complete) break;
    const mark = (JSON.parse(c.text) as CheckpointRecord).logs?.[stream];
    if (!mark) continue;
    while (bytes < mark.bytes) {
      const r = await rows.next();
      if (r.done) return n + 1;
      digests.crc32.update(r.value.bytes);
      digests.sha256.update(r.value.bytes);
      bytes = r.value.end;
      n++;
    }
    const { kind, value } = markDigest(mark);
    if (bytes !== mark.bytes || n !== mark.rows || digests[kind].value() !== value) {
      return goodRows + 1;
    }
    goodRows = n;
  }
  return n + 1;
}

/** The lines of `path` after byte `from` (a torn last line dropped). */
async function tailOf(path: string, from: number): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const l of readLines(path, Infinity, from)) {
      if (!l.text) continue;
      if (!l.complete && !isJson(l.text)) break; // torn by a crash
      out.push(l.text);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

/**
 * Verifies the logs of a run directory against its last checkpoint's marks; `null` when
 * the run has no checkpoint, or one from before marks were recorded (the caller falls back).
 *
 * @param schemas The schema of each stream (the experiment's decision rows included).
 * @throws {LogFormatError} Naming `file:line`: a row that is not valid JSON or fails its
 * schema, or a log that differs from what the checkpoint recorded.
 */
export async function verifyLogs(
  dir: string,
  schemas: Record<Stream, Schema<unknown>>,
): Promise<VerifiedLogs | null> {
  const cpPath = join(dir, "checkpoints.jsonl");
  const last = await lastCheckpoint(cpPath).catch((e) => {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  });
  const logs = last?.record.logs;
  if (!last || !logs) return null;
  const { record, end } = last;
  const own = await readBytes(cpPath, last.start, end);
  if (!checkpointIntact(new TextDecoder().decode(own).trimEnd())) {
    throw new LogFormatError(
      `${cpPath}:${last.line}: the checkpoint of round ${record.round} does not match its own digest (edited); refusing to resume`,
    );
  }
  const cursors = {} as Record<Stream, LogCursor>;
  const tail = {} as Record<Stream, string[]>;
  const cutAt = {} as Record<Stream, number>;
  for (const s of STREAMS) {
    const path = join(dir, `${s}.jsonl`);
    const mark = logs[s];
    if (!mark) {
      throw new LogFormatError(
        `${cpPath}:${last.line}: the checkpoint of round ${record.round} records no mark for ${s}.jsonl; refusing to resume`,
      );
    }
    // the checkpoints were validated by lastCheckpoint
    const { cursor, marked, whole } = await readPrefix(
      path,
      mark,
      s === "checkpoints" ? null : schemas[s],
    );
    if (!agrees(cursor, marked, whole, mark)) {
      const line = await firstBadLine(dir, s, path);
      throw new LogFormatError(
        `${path}:${line}: differs from what the checkpoint of round ${record.round} recorded (${mark.rows} rows, ${mark.bytes} bytes): lines were edited, removed or added; refusing to resume`,
      );
    }
    if (s === "checkpoints") {
      // the last checkpoint's own line continues the log
      cursor.hash.update(own);
      cursor.rows++;
      cursor.bytes = end;
    }
    cursors[s] = cursor;
    cutAt[s] = cursor.bytes;
    tail[s] = s === "checkpoints" ? [] : await tailOf(path, cursor.bytes);
  }
  return {
    checkpoint: record,
    cursors,
    tail,
    async cut() {
      for (const s of STREAMS) {
        await Deno.truncate(join(dir, `${s}.jsonl`), cutAt[s]).catch((e) => {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
        });
      }
    },
  };
}

async function readBytes(path: string, start: number, end: number): Promise<Uint8Array> {
  const file = await Deno.open(path, { read: true });
  try {
    await file.seek(start, Deno.SeekMode.Start);
    const buf = new Uint8Array(end - start);
    let at = 0;
    while (at < buf.length) {
      const n = await file.read(buf.subarray(at));
      if (n === null) break;
      at += n;
    }
    return buf;
  } finally {
    file.close();
  }
}
