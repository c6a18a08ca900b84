/**
 * Sweeps: every cell of a grid file x every seed, each as its own run directory under one
 * sweep directory with an `index.jsonl` (one row per finished run). Runs execute in a pool of
 * long-lived Deno Workers (threads of this process: they die with it). A rerun skips finished
 * runs and resumes interrupted ones; `--shard i/n` (or a Slurm array task / a Kubernetes
 * indexed Job, see {@linkcode shardFromEnv}) runs one slice, so a sweep can be spread over
 * machines.
 *
 * Shards share one sweep directory (on a shared file system): each takes its own lock,
 * `shards/<i>-of-<n>.lock` (pid, host and a heartbeat: `lib/core/run_dir.ts`), records its
 * slice in `shards/<i>-of-<n>.json`, and appends its rows to its own
 * `shards/<i>-of-<n>.jsonl` (one writer per file: appends from several NFS clients to one
 * file can overwrite each other). {@linkcode mergeSweepIndex} folds every shard's rows into
 * `index.jsonl` (atomically, by rename): each shard does it as it goes and when it ends,
 * and `deno task report` does it once more. A shard whose slice overlaps a live shard's
 * (`0/2` and `0/4`, or any shard and an unsharded sweep) is refused.
 * The directory's format (grid files, `index.jsonl` rows, cells) is `lib/core/sweep_dir.ts`.
 *
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import { ConfigError, parseWith, readJsonFile } from "../core/config.ts";
import { ProgressBar } from "../core/progress.ts";
import { SCHEMA_VERSION } from "../core/records.ts";
import { readJsonl, uniqueTempPath, writeJsonAtomic } from "../core/run_log.ts";
import {
  acquireLock,
  describeHolder,
  exists,
  type LockInfo,
  lockTiming,
  readLock,
  RUN_FILES,
  type RunLock,
} from "../core/run_dir.ts";
import {
  cellConfig,
  type GridCell,
  gridCells,
  type GridFile,
  GridFileSchema,
  rotateSeats,
  SWEEP_FILES,
  type SweepIndexRow,
  SweepIndexRowSchema,
  type SweepItem,
  sweepItems,
} from "../core/sweep_dir.ts";
import { type AgentSpec, loadAgentsFile } from "../llm/agents_file.ts";
import { LimitBroker, type LimitLink } from "../llm/limit_broker.ts";
import type { Experiment } from "./experiment.ts";
import { type RunRequest, validateRun } from "./open.ts";
import type { RunPolicyInput } from "./run_policy.ts";

/** The plain-data order a worker receives for one run. */
export interface WorkOrder {
  /** The (cell, seed) item to run. */
  item: SweepItem;
  /** The experiment's name (the worker finds it in the registry). */
  experiment: string;
  /** The cell's config, before validation. */
  config: Record<string, unknown>;
  /** The run directory (absolute or relative to the working directory). */
  dir: string;
  /** `true` to resume the run found in `dir` rather than start it. */
  resume: boolean;
  /** Overrides the experiment's horizon field (`--rounds N`). */
  horizon?: number;
  /** The prompt language. */
  lang: "zh" | "en";
  /** The LLM seats (the agents file), or `null` for the experiment's scripted agents. */
  agents: AgentSpec[] | null;
  /** A replay file to play back instead of running the engine. */
  replay?: string;
  /** The LLM reply cache directory. */
  cacheDir?: string;
  /** `true` to answer from the cache only, never calling a provider. */
  offline: boolean;
  /** The run's token budget (all LLM calls). */
  maxTokens?: number;
  /** The run's cost budget, in US dollars. */
  maxUsd?: number;
  /** The largest share of fallback decisions before verdicts become inconclusive. */
  maxFallbackShare?: number;
  /** Checkpoint and decision-logging policy (`--checkpoint-every`, `--log-decisions`). */
  policy: RunPolicyInput;
}

/** What a worker answers for one order. */
export interface WorkReport {
  /** The item the report is for. */
  item: SweepItem;
  /** How the run ended. */
  status: SweepIndexRow["status"];
  /** The run's `summary.json`, when it has one. */
  summary?: Record<string, unknown>;
  /** The error message, when the run failed. */
  error?: string;
}

/** Options of {@linkcode runSweep}. */
export interface SweepOptions {
  /** The grid file's path (its name names the sweep). */
  gridPath: string;
  /**
   * The grid itself, when it comes from no file (`--seeds` on one experiment); `gridPath`
   * then only names the sweep and labels its errors.
   */
  grid?: GridFile;
  /** The first and last seed, inclusive. */
  seeds: [number, number];
  /**
   * Play every agent in every seat: a `seat_rotation` dimension of K values (K seats) is
   * added to the grid. Needs agents (`--agents` or an `agents` grid key). @default {false}
   */
  rotateSeats?: boolean;
  /** `[i, n]`: run only the items whose index is `i` modulo `n`. */
  shard?: [number, number];
  /**
   * Where the shard came from, recorded in `shards/<i>-of-<n>.json` (e.g. `--shard`, or
   * `SLURM_ARRAY_TASK_ID=3 ...`). @default {"--shard"}
   */
  shardSource?: string;
  /** Parallel workers. @default {1} */
  workers?: number;
  /** The sweep directory. @default {"data/sweeps/<grid name>"} */
  out?: string;
  /** Overrides the experiment's horizon field (`--rounds N`). */
  horizon?: number;
  /** The prompt language. @default {"en"} */
  lang?: "zh" | "en";
  /** The LLM seats (the agents file), or `null` for the experiment's scripted agents. */
  agents?: AgentSpec[] | null;
  /** A replay file to play back instead of running the engine. */
  replay?: string;
  /** The LLM reply cache directory. */
  cacheDir?: string;
  /** `true` to answer from the cache only, never calling a provider. @default {false} */
  offline?: boolean;
  /** Each run's token budget (all LLM calls). */
  maxTokens?: number;
  /** Each run's cost budget, in US dollars. */
  maxUsd?: number;
  /** The largest share of fallback decisions before verdicts become inconclusive. */
  maxFallbackShare?: number;
  /** Checkpoint and decision-logging policy. @default {{}} */
  policy?: RunPolicyInput;
  /** `true` for no progress bar and no closing line. @default {false} */
  quiet?: boolean;
  /** Finds an experiment by name (the CLI's registry). */
  lookup(name: string): Experiment | undefined;
  /** The worker script (it imports the registry; see `lib/cli/sweep_worker.ts`). */
  workerUrl: URL;
}

/** What a sweep did. */
export interface SweepResult {
  /** The sweep directory. */
  dir: string;
  /** Runs that finished as `completed` in this call. */
  ran: number;
  /** Runs skipped because they had completed before. */
  skipped: number;
  /** Runs that did not complete (failed, over budget or interrupted). */
  failed: number;
}

function headlineOf(summary: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(summary).filter(([, v]) => ["number", "boolean", "string"].includes(typeof v)),
  );
}

/** Runs a sweep (validating every cell first: a bad grid leaves nothing behind). */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const { gridPath, seeds, shard, workers = 1, lookup, quiet = false } = options;
  const grid = parseWith(
    GridFileSchema,
    options.grid ?? await readJsonFile(gridPath),
    gridPath,
  );
  const experiment = lookup(grid.experiment);
  if (!experiment) {
    throw new ConfigError(`${gridPath}: experiment: '${grid.experiment}' is unknown`);
  }
  // Agents files named by the grid, read once; paths relative to the grid file's folder.
  const agentFiles = new Map<string, AgentSpec[]>();
  const gridDir = options.grid ? "." : dirname(gridPath);
  for (const value of grid.grid.agents ?? []) {
    if (typeof value !== "string") {
      throw new ConfigError(`${gridPath}: grid.agents: each value is an agents file's path`);
    }
    const path = isAbsolute(value) ? value : join(gridDir, value);
    agentFiles.set(value, (await loadAgentsFile(path)).agents);
  }
  const agentsOf = (params: Record<string, unknown>): AgentSpec[] | null => {
    const list = typeof params.agents === "string"
      ? agentFiles.get(params.agents)!
      : options.agents ?? null;
    const r = params.seat_rotation;
    return list && typeof r === "number" ? rotateSeats(list, r) : list;
  };
  if (options.rotateSeats) {
    if ("seat_rotation" in grid.grid) {
      throw new ConfigError(`${gridPath}: grid.seat_rotation: set by --rotate-seats, not by hand`);
    }
    const sizes = new Set(
      agentFiles.size ? [...agentFiles.values()].map((a) => a.length) : [options.agents?.length],
    );
    const [k] = sizes;
    if (k === undefined) throw new ConfigError("--rotate-seats: needs --agents or grid.agents");
    if (sizes.size > 1) {
      throw new ConfigError(`${gridPath}: grid.agents: --rotate-seats needs one number of seats`);
    }
    grid.grid = { ...grid.grid, seat_rotation: Array.from({ length: k }, (_, r) => r) };
  }
  let cells: GridCell[];
  try {
    cells = gridCells(grid);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${gridPath}: ${e.message}`);
    throw e;
  }
  const base: Omit<RunRequest, "config"> = {
    experiment,
    seed: seeds[0],
    horizon: options.horizon,
    lang: options.lang,
    agents: options.agents ?? null,
    replay: options.replay,
    cacheDir: options.cacheDir,
    offline: options.offline,
    maxTokens: options.maxTokens,
    maxUsd: options.maxUsd,
    maxFallbackShare: options.maxFallbackShare,
    policy: options.policy,
  };
  const configs = new Map<string, Record<string, unknown>>();
  for (const cell of cells) {
    try {
      const config = cellConfig(grid, cell.params);
      // a dry build: config, seats, policies, keys
      await validateRun({ ...base, config, agents: agentsOf(cell.params) });
      configs.set(cell.name, config);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      throw new ConfigError(`${gridPath}: cell ${cell.name}: ${e.message}`);
    }
  }
  const stem = gridPath.split("/").pop()!.replace(/\.json$/, "");
  const dir = options.out ?? join("data", "sweeps", stem);
  const slice: [number, number] = shard ?? [0, 1];
  const lock = await acquireShardLock(dir, slice);
  try {
    await Deno.mkdir(join(dir, SWEEP_FILES.runs), { recursive: true });
    await writeJsonAtomic(join(dir, SWEEP_FILES.sweep), { v: SCHEMA_VERSION, grid, seeds, cells });
    const items = sweepItems(grid, seeds, shard);
    await writeJsonAtomic(shardPath(dir, slice, ".json"), {
      v: SCHEMA_VERSION,
      shard: slice,
      source: shard ? options.shardSource ?? "--shard" : "unsharded",
      items: items.length,
      host: lock.info.host,
      pid: lock.info.pid,
      started_at: lock.info.since,
    });
    const done = new Set(
      (await sweepIndexRows(dir)).filter((r) => r.status === "completed").map((r) => r.run),
    );
    const todo = items.filter((it) => !done.has(it.run));
    const bar = new ProgressBar({ label: `sweep ${stem}`, total: items.length, quiet });
    let finished = items.length - todo.length;
    bar.update({ done: finished });
    // This shard's rows: only this shard (it holds the shard's lock) writes the file.
    const index = await Deno.open(shardPath(dir, slice, ".jsonl"), { append: true, create: true });
    let failed = 0;
    let merged = Date.now();
    const orderOf = async (item: SweepItem): Promise<WorkOrder> => {
      const runDir = join(dir, item.run);
      return {
        item,
        experiment: grid.experiment,
        config: configs.get(item.cell)!,
        dir: runDir,
        resume: await exists(join(runDir, RUN_FILES.config)),
        horizon: options.horizon,
        lang: options.lang ?? "en",
        agents: agentsOf(item.params),
        replay: options.replay,
        cacheDir: options.cacheDir,
        offline: options.offline ?? false,
        maxTokens: options.maxTokens,
        maxUsd: options.maxUsd,
        maxFallbackShare: options.maxFallbackShare,
        policy: options.policy ?? {},
      };
    };
    const record = async (r: WorkReport) => {
      if (r.status !== "completed") failed++;
      const row: SweepIndexRow = {
        v: SCHEMA_VERSION,
        cell: r.item.cell,
        params: r.item.params,
        seed: r.item.seed,
        run: r.item.run,
        status: r.status,
        ...(r.summary
          ? {
            valid: (r.summary.validity as { valid?: boolean } | undefined)?.valid ?? true,
            verdicts: (r.summary.verdicts as Record<string, unknown> | undefined) ?? {},
            summary: headlineOf(r.summary),
          }
          : {}),
        ...(r.error ? { error: r.error } : {}),
      };
      // One write per line, appended.
      await index.write(new TextEncoder().encode(JSON.stringify(row) + "\n"));
      bar.update({ done: ++finished });
      if (Date.now() - merged >= INDEX_MERGE_MS) {
        merged = Date.now();
        await mergeQuietly(dir);
      }
    };
    try {
      await workerPool(todo, Math.min(workers, todo.length), options.workerUrl, orderOf, record);
    } finally {
      bar.finish();
      index.close();
      await mergeQuietly(dir);
    }
    const ran = todo.length - failed;
    if (!quiet) {
      console.log(
        `sweep ${dir}${shard ? ` (shard ${shard[0]}/${shard[1]})` : ""}: ${ran} ran, ${
          items.length - todo.length
        } skipped (done before), ${failed} failed`,
      );
    }
    return { dir, ran, skipped: items.length - todo.length, failed };
  } finally {
    lock.release();
  }
}

/** The folder of a sweep directory holding the shards' locks, slices and rows. */
export const SHARDS_DIR = "shards";

/** How often (at most) a running shard folds the shards' rows into `index.jsonl`, in ms. */
export const INDEX_MERGE_MS = 15_000;

/** `<sweep>/shards/<i>-of-<n><ext>`. */
export function shardPath(dir: string, [i, n]: [number, number], ext: string): string {
  return join(dir, SHARDS_DIR, `${i}-of-${n}${ext}`);
}

/** `true` when slices `a` and `b` share an item (i = j modulo the gcd of n and m). */
export function slicesOverlap(a: [number, number], b: [number, number]): boolean {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  const g = gcd(a[1], b[1]);
  return a[0] % g === b[0] % g;
}

/** The shard lock files of a sweep directory, with their slices. */
async function shardLocks(dir: string): Promise<{ path: string; slice: [number, number] }[]> {
  const out: { path: string; slice: [number, number] }[] = [];
  try {
    for await (const e of Deno.readDir(join(dir, SHARDS_DIR))) {
      const m = /^(\d+)-of-(\d+)\.lock$/.exec(e.name);
      if (m) out.push({ path: join(dir, SHARDS_DIR, e.name), slice: [+m[1], +m[2]] });
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The live writers of a sweep directory: the holders of its shards' locks (and of the
 * whole-sweep `.lock` of earlier versions) whose process is live. Empty when none writes it.
 */
export async function sweepWriters(
  dir: string,
): Promise<{ slice: [number, number] | null; holder: Partial<LockInfo> }[]> {
  const out: { slice: [number, number] | null; holder: Partial<LockInfo> }[] = [];
  const legacy = await readLock(join(dir, RUN_FILES.lock));
  if (legacy?.live) out.push({ slice: null, holder: legacy.holder });
  for (const { path, slice } of await shardLocks(dir)) {
    const state = await readLock(path);
    if (state?.live) out.push({ slice, holder: state.holder });
  }
  return out;
}

/**
 * Takes shard `slice`'s lock of a sweep directory; refused (a `ConfigError` naming the
 * holder) while the same shard, or a live shard whose slice overlaps, is being run. The lock
 * is taken first and the others checked after, so two overlapping shards starting at once
 * cannot both run (at worst both are refused).
 */
async function acquireShardLock(dir: string, slice: [number, number]): Promise<RunLock> {
  const [i, n] = slice;
  await Deno.mkdir(join(dir, SHARDS_DIR), { recursive: true });
  const what = n === 1 ? "sweep" : `sweep (shard ${i}/${n})`;
  const file = join(SHARDS_DIR, `${i}-of-${n}.lock`);
  const { heartbeatMs, staleMs } = lockTiming();
  let lock: RunLock | undefined;
  let told = false;
  for (let attempt = 0; !lock; attempt++) {
    try {
      lock = await acquireLock(dir, what, { file });
    } catch (e) {
      // Another host's holder that missed two heartbeats has likely died (a node lost, a pod
      // or a requeued task restarted elsewhere): wait until its lock is stale, and one
      // heartbeat more, so its run directories' locks are stale too; a live one is refused.
      const state = e instanceof ConfigError ? await readLock(join(dir, file)) : null;
      if (e instanceof ConfigError && (!state || !state.live) && attempt < 5) continue; // gone
      const silent = Date.now() - (state?.lastBeat ?? 0);
      if (!state?.live || state.sameHost || silent < 2 * heartbeatMs) throw e;
      if (!told) {
        told = true;
        console.error(
          `sweep ${dir}: shard ${i}/${n}: waiting for ${describeHolder(state.holder)} (silent for ${
            Math.round(silent / 1000)
          } s) to go stale`,
        );
      }
      await new Promise((r) => setTimeout(r, Math.max(50, staleMs + heartbeatMs - silent)));
    }
  }
  try {
    for (const w of await sweepWriters(dir)) {
      if (w.slice && w.slice[0] === i && w.slice[1] === n) continue; // ours
      if (w.slice && !slicesOverlap(slice, w.slice)) continue;
      const theirs = w.slice ? `shard ${w.slice[0]}/${w.slice[1]}` : "the whole sweep";
      throw new ConfigError(
        `${dir}: ${n === 1 ? "the sweep" : `shard ${i}/${n}`} overlaps ${theirs}, in use by ${
          describeHolder(w.holder)
        }; wait for it or stop it`,
      );
    }
  } catch (e) {
    lock.release();
    throw e;
  }
  return lock;
}

/**
 * A shard's merge: when another merge holds the lock too long, this one is left out (the
 * rows stay in the shard's file; the next merge, or `deno task report`, adds them).
 */
async function mergeQuietly(dir: string): Promise<void> {
  try {
    await mergeSweepIndex(dir);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
  }
}

/** The complete lines of a text (a last line with no newline is being written: left out). */
function completeLines(text: string): string[] {
  const lines = text.split("\n");
  lines.pop();
  return lines.filter((l) => l.trim() !== "");
}

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "";
    throw e;
  }
}

async function shardRowFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(join(dir, SHARDS_DIR))) {
      if (/^\d+-of-\d+\.jsonl$/.test(e.name)) out.push(join(dir, SHARDS_DIR, e.name));
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}

/**
 * Folds every shard's rows (`shards/*.jsonl`) into the sweep's `index.jsonl`: the rows it
 * lacks are added after the ones it has, and the file is replaced atomically (write, then
 * rename), so readers never see it half written. Safe to call at any time, from any
 * process: merges take turns (the lock `shards/merge.lock`), so none writes back an index
 * older than another's; a row is never lost from a shard's file. A torn last line of
 * `index.jsonl` (a crash of an earlier version mid-append) is dropped.
 *
 * @param waitMs How long to wait for another process's merge to end. @default {30000}
 * @returns How many rows `index.jsonl` holds.
 * @throws {ConfigError} When another merge holds the lock longer than `waitMs`.
 */
export async function mergeSweepIndex(dir: string, waitMs = 30_000): Promise<number> {
  await Deno.mkdir(join(dir, SHARDS_DIR), { recursive: true });
  const end = Date.now() + waitMs;
  let lock: RunLock | undefined;
  while (!lock) {
    try {
      lock = await acquireLock(dir, "sweep index", { file: join(SHARDS_DIR, "merge.lock") });
    } catch (e) {
      if (!(e instanceof ConfigError) || Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
  try {
    return await mergeLocked(dir);
  } finally {
    lock.release();
  }
}

async function mergeLocked(dir: string): Promise<number> {
  const indexPath = join(dir, SWEEP_FILES.index);
  const text = await readText(indexPath);
  const lines = text.split("\n");
  const tail = lines.pop()!; // after the last newline: "" or a torn line
  let dropped = tail.trim() !== "";
  if (!dropped && lines.length) {
    try {
      JSON.parse(lines[lines.length - 1]);
    } catch {
      lines.pop(); // a torn last line (its newline written by a later append)
      dropped = true;
    }
  }
  const kept = lines.filter((l) => l.trim() !== "");
  const seen = new Set(kept);
  const added: string[] = [];
  for (const file of await shardRowFiles(dir)) {
    for (const line of completeLines(await readText(file))) {
      if (seen.has(line)) continue;
      try {
        JSON.parse(line);
      } catch {
        continue; // damaged: left in the shard's file
      }
      seen.add(line);
      added.push(line);
    }
  }
  if (added.length === 0 && !dropped) return kept.length;
  const all = [...kept, ...added];
  const tmp = uniqueTempPath(indexPath);
  try {
    await Deno.writeTextFile(tmp, all.map((l) => l + "\n").join(""));
    await Deno.rename(tmp, indexPath);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  return all.length;
}

/** Every row of a sweep: `index.jsonl` and the shards' rows not merged into it yet. */
export async function sweepIndexRows(dir: string): Promise<SweepIndexRow[]> {
  const rows = await readJsonl(join(dir, SWEEP_FILES.index), SweepIndexRowSchema, {
    tolerateTornTail: true,
  });
  const seen = new Set(rows.map((r) => JSON.stringify(r)));
  for (const file of await shardRowFiles(dir)) {
    for (const line of completeLines(await readText(file))) {
      try {
        const parsed = SweepIndexRowSchema.safeParse(JSON.parse(line));
        if (parsed.success && !seen.has(JSON.stringify(parsed.data))) {
          seen.add(JSON.stringify(parsed.data));
          rows.push(parsed.data);
        }
      } catch { /* damaged: skipped */ }
    }
  }
  return rows;
}

/** A shard and where it came from (see {@linkcode shardFromEnv}). */
export interface EnvShard {
  /** `[i, n]`: slice i (0-based) of n. */
  shard: [number, number];
  /** The variables it was read from, e.g. `SLURM_ARRAY_TASK_ID=3 (min 1, count 8)`. */
  source: string;
}

/**
 * The shard of a Slurm array task or a Kubernetes indexed Job, from the environment, or
 * `undefined` outside either (then the sweep runs whole unless `--shard` is given).
 *
 * - Slurm (`sbatch --array=A-B[:S]`): slice `(SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / S`
 *   of `SLURM_ARRAY_TASK_COUNT` (S is `SLURM_ARRAY_TASK_STEP`, default 1), so `--array=0-7`
 *   and `--array=1-8` both give slices 0..7 of 8. An array that is not one regular range
 *   (`--array=1,4,9`) is refused: pass `--shard` then.
 * - Kubernetes (an indexed Job): slice `JOB_COMPLETION_INDEX` of `LAB_SHARD_COUNT`.
 *   Kubernetes gives pods only their index, so the manifest sets `LAB_SHARD_COUNT` to the
 *   Job's `completions`; an index without it is refused.
 *
 * @throws {ConfigError} Naming the variables, for values that give no valid slice.
 */
export function shardFromEnv(env: Record<string, string | undefined>): EnvShard | undefined {
  const int = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v.trim() === "") return undefined;
    if (!/^\d+$/.test(v.trim())) throw new ConfigError(`${name}: expected an integer, got '${v}'`);
    return Number(v);
  };
  const id = int("SLURM_ARRAY_TASK_ID");
  if (id !== undefined) {
    const count = int("SLURM_ARRAY_TASK_COUNT");
    const min = int("SLURM_ARRAY_TASK_MIN") ?? 0;
    const max = int("SLURM_ARRAY_TASK_MAX");
    const step = int("SLURM_ARRAY_TASK_STEP") ?? 1;
    const vars = `SLURM_ARRAY_TASK_ID=${id} (min ${min}, max ${
      max ?? "?"
    }, step ${step}, count ${count})`;
    if (count === undefined || count < 1) {
      throw new ConfigError(`${vars}: SLURM_ARRAY_TASK_COUNT is missing; pass --shard i/n`);
    }
    const regular = step >= 1 && (max === undefined || (max - min) / step + 1 === count);
    const i = (id - min) / step;
    if (!regular || !Number.isInteger(i) || i < 0 || i >= count) {
      throw new ConfigError(
        `${vars}: not one regular range (e.g. --array=0-7); pass --shard i/n instead`,
      );
    }
    return { shard: [i, count], source: vars };
  }
  const index = int("JOB_COMPLETION_INDEX");
  if (index !== undefined) {
    const count = int("LAB_SHARD_COUNT");
    if (count === undefined) {
      throw new ConfigError(
        `JOB_COMPLETION_INDEX=${index}: set LAB_SHARD_COUNT to the Job's completions (or pass --shard i/n)`,
      );
    }
    if (count < 1 || index >= count) {
      throw new ConfigError(
        `JOB_COMPLETION_INDEX=${index}: not below LAB_SHARD_COUNT=${count}`,
      );
    }
    return {
      shard: [index, count],
      source: `JOB_COMPLETION_INDEX=${index}, LAB_SHARD_COUNT=${count}`,
    };
  }
  return undefined;
}

/** What a sweep's main thread sends a worker: first its end of the limits channel, then orders. */
export type ToWorker =
  | { kind: "limits"; port: MessagePort }
  | { kind: "order"; order: WorkOrder };

/**
 * Feeds `items` to `size` long-lived workers, one order at a time each. The rate limits of
 * every worker are leased from one {@linkcode LimitBroker} here, so the workers share each
 * quota rather than having one each. A worker that dies is replaced, and its leases freed.
 */
async function workerPool(
  items: SweepItem[],
  size: number,
  url: URL,
  orderOf: (item: SweepItem) => Promise<WorkOrder>,
  record: (report: WorkReport) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const broker = new LimitBroker();
  const live = new Set<{ worker: Worker; link: LimitLink }>();
  const start = () => {
    const worker = new Worker(url, { type: "module" });
    const { port1, port2 } = new MessageChannel();
    const w = { worker, link: broker.connect(port1) };
    live.add(w);
    worker.postMessage({ kind: "limits", port: port2 } satisfies ToWorker, [port2]);
    return w;
  };
  const stop = (w: { worker: Worker; link: LimitLink }) => {
    w.worker.terminate();
    w.link.close();
    live.delete(w);
  };
  try {
    await Promise.all(Array.from({ length: size }, async () => {
      let w: { worker: Worker; link: LimitLink } | undefined;
      for (let item = queue.shift(); item; item = queue.shift()) {
        const order = await orderOf(item);
        const { worker } = w ??= start();
        const report = await new Promise<WorkReport>((resolve) => {
          worker.onmessage = (e: MessageEvent<WorkReport>) => resolve(e.data);
          worker.onerror = (e: ErrorEvent) => {
            e.preventDefault();
            // An uncaught error ends the worker: free its leases; the next item gets a new one.
            stop(w!);
            w = undefined;
            resolve({ item: order.item, status: "failed", error: e.message });
          };
          worker.postMessage({ kind: "order", order } satisfies ToWorker);
        });
        await record(report);
      }
    }));
  } finally {
    for (const w of live) stop(w);
  }
}

/**
 * Who is writing a run or sweep directory now: one description per live lock holder (a run's
 * `.lock`; a sweep's shard locks), empty when nobody is. Readers (`deno task report`,
 * `deno task export`) refuse such a directory unless asked for a partial result.
 */
export async function dirWriters(dir: string): Promise<string[]> {
  if (await exists(join(dir, SWEEP_FILES.sweep))) {
    return (await sweepWriters(dir)).map((w) =>
      `${w.slice ? `shard ${w.slice[0]}/${w.slice[1]}` : "the sweep"}: ${describeHolder(w.holder)}`
    );
  }
  const state = await readLock(join(dir, RUN_FILES.lock));
  return state?.live ? [describeHolder(state.holder)] : [];
}
