/**
 * The run directory, owned by one module: its file names, reading `config.json`, and the
 * lock that keeps a second process from writing the same run or sweep directory.
 *
 * ```
 * <run>/config.json        the resolved config (secrets redacted), with provenance
 *       decisions.jsonl    one row per agent per logged step (the engine's schema)
 *       llm_calls.jsonl    one row per LLM call
 *       events.jsonl       engine events
 *       checkpoints.jsonl  engine, agent and budget state: what resume starts from
 *       summary.json       written when the run finishes
 *       .lock              the writer: pid, host and a heartbeat (see acquireLock)
 * ```
 *
 * @example
 * ```ts
 * import { acquireLock, RUN_FILES } from "./run_dir.ts";
 * const dir = await Deno.makeTempDir();
 * const lock = await acquireLock(dir);
 * console.log(RUN_FILES.config); // "config.json"
 * lock.release();
 * ```
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import { ConfigError, readJsonFile } from "./config.ts";
import { type RunConfig, RunConfigSchema } from "./records.ts";

/** The file names of a run directory, by role. */
export const RUN_FILES: Readonly<{
  /** The resolved config (`config.json`). */
  config: "config.json";
  /** The summary written when the run ends (`summary.json`). */
  summary: "summary.json";
  /** One row per agent per round (`decisions.jsonl`). */
  decisions: "decisions.jsonl";
  /** One row per LLM call (`llm_calls.jsonl`). */
  llmCalls: "llm_calls.jsonl";
  /** Engine events (`events.jsonl`). */
  events: "events.jsonl";
  /** The state after each checkpointed round (`checkpoints.jsonl`). */
  checkpoints: "checkpoints.jsonl";
  /**
   * LLM calls of steps that failed, cut from `llm_calls.jsonl` on resume and kept here, so
   * their replies are reused by the replayed step and never paid twice
   * (`llm_calls_abandoned.jsonl`).
   */
  abandonedCalls: "llm_calls_abandoned.jsonl";
  /** The lock file held while a process writes the run (`.lock`). */
  lock: ".lock";
}> = Object.freeze({
  config: "config.json",
  summary: "summary.json",
  decisions: "decisions.jsonl",
  llmCalls: "llm_calls.jsonl",
  events: "events.jsonl",
  checkpoints: "checkpoints.jsonl",
  abandonedCalls: "llm_calls_abandoned.jsonl",
  lock: ".lock",
});

/** `true` when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** `true` when `dir` holds a run (a `config.json`). */
export function isRunDir(dir: string): Promise<boolean> {
  return exists(join(dir, RUN_FILES.config));
}

/**
 * Reads and validates `config.json` of a run directory.
 *
 * @throws {ConfigError} Naming the file when it is missing or is not a run config.
 */
export async function readRunConfig(dir: string): Promise<RunConfig> {
  const path = join(dir, RUN_FILES.config);
  if (!(await exists(path))) throw new ConfigError(`${dir}: not a run directory (no config.json)`);
  const parsed = RunConfigSchema.safeParse(await readJsonFile(path));
  if (!parsed.success) throw new ConfigError(`${path}: not a run config`);
  return parsed.data;
}

/** A UTC time stamp for directory names, e.g. `20261202T172455Z`. */
export function utcStamp(d: Date = new Date()): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** `<root>/<stem>`, or `<stem>-2`, `-3`, ... when taken. */
export async function freshDir(root: string, stem: string): Promise<string> {
  const base = join(root, stem);
  let dir = base;
  for (let i = 2; await exists(dir); i++) dir = `${base}-${i}`;
  return dir;
}

/**
 * How often a lock's holder rewrites its heartbeat (`beat`), in milliseconds. The
 * environment variable `LAB_LOCK_HEARTBEAT_MS` overrides it (tests).
 */
export const LOCK_HEARTBEAT_MS = 10_000;
/**
 * A lock of another host whose heartbeat is older than this is stale (its holder stopped),
 * in milliseconds. The environment variable `LAB_LOCK_STALE_MS` overrides it (tests).
 */
export const LOCK_STALE_MS = 60_000;
/** A lock file with no parseable content (being written, or torn) is held for this long. */
const TORN_LOCK_GRACE_MS = 5_000;

/** The heartbeat interval and the staleness threshold of locks, in milliseconds. */
export interface LockTiming {
  /** How often the holder rewrites its heartbeat. */
  heartbeatMs: number;
  /** A heartbeat older than this marks another host's lock as stale. */
  staleMs: number;
}

function envMs(name: string): number | undefined {
  try {
    const v = Deno.env.get(name);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined; // no --allow-env: the defaults
  }
}

/**
 * The lock timing in force: {@linkcode LOCK_HEARTBEAT_MS} and {@linkcode LOCK_STALE_MS},
 * unless `LAB_LOCK_HEARTBEAT_MS` / `LAB_LOCK_STALE_MS` are set.
 */
export function lockTiming(): LockTiming {
  return {
    heartbeatMs: envMs("LAB_LOCK_HEARTBEAT_MS") ?? LOCK_HEARTBEAT_MS,
    staleMs: envMs("LAB_LOCK_STALE_MS") ?? LOCK_STALE_MS,
  };
}

/** What a lock file holds. */
export interface LockInfo {
  /** The holder's process id (on its host). */
  pid: number;
  /** The holder's host name. */
  host: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** The holder's last heartbeat (ISO 8601); rewritten every heartbeat interval. */
  beat?: string;
  /** A random id of this holding (so a holder never removes a lock taken over from it). */
  id?: string;
}

/** A held lock; {@linkcode RunLock.release} removes it. */
export interface RunLock {
  /** The lock file, `<dir>/.lock`. */
  readonly path: string;
  /** What the lock file says about its holder (this process). */
  readonly info: LockInfo;
  /** Stops the heartbeat and removes the lock file; calling it again does nothing. */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
  return !zombie(pid);
}

/** `true` for a process that has exited but not been reaped (Linux `/proc`; else `false`). */
function zombie(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // "pid (comm) S ...": the state follows the last ")" (comm may hold spaces or parens)
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}

/** Options of {@linkcode acquireLock}. */
export interface LockOptions extends Partial<LockTiming> {
  /** The lock file's name inside the directory. @default {".lock"} */
  file?: string;
}

/** A lock file as found: its holder, and whether that holder is still writing. */
export interface LockState {
  /** The lock file. */
  path: string;
  /** Its content (empty when torn or unreadable). */
  holder: Partial<LockInfo>;
  /** `true` when the holder is live (see {@linkcode acquireLock} for the rules). */
  live: boolean;
  /** The raw text read (to recognise the same lock later). */
  text: string;
  /** `true` when the holder is on this host (its pid is checked). */
  sameHost: boolean;
  /** The holder's last sign of life (epoch ms): the newer of its `beat` and the file's mtime. */
  lastBeat: number;
}

/**
 * Reads a lock file and judges it: `null` when there is none. A lock of this host is live
 * while its pid is; a lock of another host is live while its heartbeat (the newer of its
 * `beat` and the file's mtime) is younger than the staleness threshold; a lock with no
 * readable content is live for a few seconds after it was last written.
 */
export async function readLock(
  path: string,
  timing: LockTiming = lockTiming(),
): Promise<LockState | null> {
  let text: string;
  let mtime: number;
  try {
    text = await Deno.readTextFile(path);
    mtime = (await Deno.stat(path)).mtime?.getTime() ?? 0;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  let holder: Partial<LockInfo> = {};
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object") holder = parsed;
  } catch { /* torn */ }
  const now = Date.now();
  const beat = Date.parse(holder.beat ?? holder.since ?? "");
  const lastBeat = Math.max(mtime, Number.isNaN(beat) ? 0 : beat);
  const sameHost = (holder.host ?? Deno.hostname()) === Deno.hostname();
  let live: boolean;
  if (typeof holder.pid !== "number") {
    // Empty or torn: its writer is either writing it right now or died while writing it.
    live = now - mtime < TORN_LOCK_GRACE_MS;
  } else if (sameHost) {
    live = alive(holder.pid); // this host: the pid says it, at once
  } else {
    // Another host: its pid means nothing here; only the heartbeat does.
    live = now - lastBeat < timing.staleMs;
  }
  return { path, holder, live, text, sameHost, lastBeat };
}

/** The one-line description of a lock's holder, for messages. */
export function describeHolder(h: Partial<LockInfo>): string {
  const beat = h.beat ? `, last heartbeat ${h.beat}` : "";
  return `process ${h.pid} on ${h.host ?? "?"} (since ${h.since}${beat})`;
}

/**
 * The live holder of `<dir>/.lock` (a process writing the run), or `null` when no live
 * process holds it.
 */
export async function liveLockHolder(
  dir: string,
  file: string = RUN_FILES.lock,
): Promise<Partial<LockInfo> | null> {
  const state = await readLock(join(dir, file));
  return state?.live ? state.holder : null;
}

/**
 * Takes the write lock of a run or sweep directory (`<dir>/.lock`, or `options.file`),
 * holding the pid, the host and a heartbeat the holder rewrites every
 * {@linkcode LOCK_HEARTBEAT_MS} until {@linkcode RunLock.release}.
 *
 * A live lock is refused with a `ConfigError` naming its holder (pid and host). A lock of
 * this host whose process is gone is stale at once; a lock of another host (its pid cannot be
 * checked from here) is stale when its heartbeat is older than {@linkcode LOCK_STALE_MS}, so
 * a live writer on another machine of a shared file system is never taken over. A stale lock
 * is taken over (moved aside atomically, so two takers cannot both win).
 *
 * @param dir The directory (created when missing).
 * @param what What the directory is, for the message. @default {"run"}
 * @param options The lock file's name and the timing (default {@linkcode lockTiming}).
 */
export async function acquireLock(
  dir: string,
  what = "run",
  options: LockOptions = {},
): Promise<RunLock> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, options.file ?? RUN_FILES.lock);
  const timing = { ...lockTiming(), ...withoutUndefined(options) };
  const host = Deno.hostname();
  const id = crypto.randomUUID();
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = new Date().toISOString();
    const info: LockInfo = { pid: Deno.pid, host, since: now, beat: now, id };
    // Written whole beside the lock, then linked into place: no reader sees a torn lock,
    // and the link fails when a lock exists (atomic, on NFS too).
    const tmp = `${path}.${id}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(info) + "\n");
    try {
      await Deno.link(tmp, path);
      return heldLock(path, info, timing);
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) {
        // a file system without hard links: create it exclusively, then write it
        if (await createExclusive(path, info)) return heldLock(path, info, timing);
      }
    } finally {
      await Deno.remove(tmp).catch(() => {});
    }
    const state = await readLock(path, timing);
    if (!state) continue; // released meanwhile
    if (state.live) {
      throw new ConfigError(
        `${dir}: this ${what} directory is in use by ${
          describeHolder(state.holder)
        }; wait for it or stop it`,
      );
    }
    await takeOver(path, state, id);
  }
  throw new ConfigError(`${dir}: could not take the ${what} lock`);
}

/** Creates `path` holding `info`; `false` when it exists. */
async function createExclusive(path: string, info: LockInfo): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, createNew: true });
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    throw e;
  }
  try {
    await file.write(new TextEncoder().encode(JSON.stringify(info) + "\n"));
  } finally {
    file.close();
  }
  return true;
}

function withoutUndefined(o: Partial<LockTiming>): Partial<LockTiming> {
  const out: Partial<LockTiming> = {};
  if (o.heartbeatMs !== undefined) out.heartbeatMs = o.heartbeatMs;
  if (o.staleMs !== undefined) out.staleMs = o.staleMs;
  return out;
}

/**
 * Removes a stale lock: renames it aside (only one taker's rename finds it), then checks the
 * file moved is the stale one judged; a fresh lock moved by mistake is linked back.
 */
async function takeOver(path: string, stale: LockState, id: string): Promise<void> {
  const grave = `${path}.${id}.stale`;
  try {
    await Deno.rename(path, grave);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return; // another taker moved it
    throw e;
  }
  const moved = await Deno.readTextFile(grave).catch(() => "");
  if (moved !== stale.text) {
    // A new holder's lock: put it back unless yet another lock took its place.
    await Deno.link(grave, path).catch(() => {});
  }
  await Deno.remove(grave).catch(() => {});
}

/** Whose the lock file is: ours, another holder's, gone, or unknown for now. */
function owner(path: string, id: string): "ours" | "other" | "gone" | "unknown" {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? "gone" : "unknown";
  }
  try {
    return JSON.parse(text).id === id ? "ours" : "other";
  } catch {
    return "unknown"; // being written by someone right now
  }
}

function heldLock(path: string, info: LockInfo, timing: LockTiming): RunLock {
  let released = false;
  // Synchronous, so a release() can never run between a beat's check and its rename.
  let gone = 0;
  const beat = () => {
    if (released) return;
    const who = owner(path, info.id!);
    if (who === "unknown") return; // a read error or a file being written: the next beat
    if (who === "gone" && ++gone < 2) return; // maybe moved aside a moment by a taker checking it
    if (who !== "ours") {
      clearInterval(timer); // taken over (we were silent too long): stop beating
      return;
    }
    gone = 0;
    // The beat touches the file (readers take the newer of its mtime and `beat`): nothing is
    // replaced, so an old holder's beat can never overwrite a new holder's lock.
    try {
      const now = new Date();
      Deno.utimeSync(path, now, now);
    } catch { /* a missed beat; the next one retries */ }
  };
  const timer = setInterval(beat, timing.heartbeatMs);
  Deno.unrefTimer(timer); // the heartbeat never keeps the process alive
  return {
    path,
    info,
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      if (owner(path, info.id!) !== "ours") return; // taken over: not ours to remove
      try {
        Deno.removeSync(path);
      } catch { /* already gone */ }
    },
  };
}
