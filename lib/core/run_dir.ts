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
 *       .lock              the pid of the process writing the directory
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

/** A held lock; {@linkcode RunLock.release} removes it. */
export interface RunLock {
  /** The lock file, `<dir>/.lock`. */
  readonly path: string;
  /** Removes the lock file; calling it again does nothing. */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/**
 * Takes the write lock of a run or sweep directory (`<dir>/.lock`, holding the pid).
 *
 * A lock held by a living process (this one included) is refused with a `ConfigError`
 * naming the holder's pid; the lock of a dead process is stale and taken over.
 *
 * @param dir The directory (created when missing).
 * @param what What the directory is, for the message. @default {"run"}
 */
export async function acquireLock(dir: string, what = "run"): Promise<RunLock> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, RUN_FILES.lock);
  const host = Deno.hostname();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await Deno.open(path, { write: true, createNew: true });
      const info: LockInfo = { pid: Deno.pid, host, since: new Date().toISOString() };
      await file.write(new TextEncoder().encode(JSON.stringify(info) + "\n"));
      file.close();
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            Deno.removeSync(path);
          } catch { /* already gone */ }
        },
      };
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    let holder: Partial<LockInfo> = {};
    let young = false;
    try {
      holder = JSON.parse(await Deno.readTextFile(path));
    } catch {
      // Empty or torn: its writer is either writing it right now or died while writing it.
      const mtime = (await Deno.stat(path).catch(() => null))?.mtime?.getTime() ?? 0;
      young = Date.now() - mtime < 5000;
    }
    const held = young ||
      (typeof holder.pid === "number" && (holder.host ?? host) === host && alive(holder.pid));
    if (held) {
      throw new ConfigError(
        `${dir}: this ${what} directory is in use by process ${holder.pid} (since ${holder.since}); wait for it or stop it`,
      );
    }
    await Deno.remove(path).catch(() => {}); // stale: its process is gone
  }
  throw new ConfigError(`${dir}: could not take the ${what} lock`);
}
