/**
 * Sweeps: every cell of a grid file x every seed, each as its own run directory under one
 * sweep directory with an `index.jsonl` (one row per finished run). Runs execute in a pool of
 * long-lived Deno Workers (threads of this process: they die with it). A rerun skips finished
 * runs and resumes interrupted ones; `--shard i/n` runs one slice so a sweep can be spread
 * over machines and merged by copying run directories and concatenating `index.jsonl` files.
 * The directory's format (grid files, `index.jsonl` rows, cells) is `lib/core/sweep_dir.ts`.
 *
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import { ConfigError, parseWith, readJsonFile } from "../core/config.ts";
import { ProgressBar } from "../core/progress.ts";
import { SCHEMA_VERSION } from "../core/records.ts";
import { readJsonl, writeJsonAtomic } from "../core/run_log.ts";
import { acquireLock, exists, RUN_FILES } from "../core/run_dir.ts";
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
  const lock = await acquireLock(dir, "sweep");
  try {
    await Deno.mkdir(join(dir, SWEEP_FILES.runs), { recursive: true });
    await writeJsonAtomic(join(dir, SWEEP_FILES.sweep), { v: SCHEMA_VERSION, grid, seeds, cells });
    const indexPath = join(dir, SWEEP_FILES.index);
    const done = new Set(
      (await readJsonl(indexPath, SweepIndexRowSchema, { tolerateTornTail: true }))
        .filter((r) => r.status === "completed").map((r) => r.run),
    );
    const items = sweepItems(grid, seeds, shard);
    const todo = items.filter((it) => !done.has(it.run));
    const bar = new ProgressBar({ label: `sweep ${stem}`, total: items.length, quiet });
    let finished = items.length - todo.length;
    bar.update({ done: finished });
    const index = await Deno.open(indexPath, { append: true, create: true });
    let failed = 0;
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
      // One write per line, appended: concurrent shards cannot interleave within a line.
      await index.write(new TextEncoder().encode(JSON.stringify(row) + "\n"));
      bar.update({ done: ++finished });
    };
    try {
      await workerPool(todo, Math.min(workers, todo.length), options.workerUrl, orderOf, record);
    } finally {
      bar.finish();
      index.close();
    }
    const ran = todo.length - failed;
    if (!quiet) {
      console.log(
        `sweep ${dir}: ${ran} ran, ${
          items.length - todo.length
        } skipped (done before), ${failed} failed`,
      );
    }
    return { dir, ran, skipped: items.length - todo.length, failed };
  } finally {
    lock.release();
  }
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
