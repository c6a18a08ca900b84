/**
 * Sweeps: every cell of a grid file x every seed, each as its own run directory under one
 * sweep directory with an `index.jsonl` (one row per finished run). A rerun skips finished
 * runs and resumes interrupted ones; `--shard i/n` runs one slice so a sweep can be spread
 * over machines (e.g. a job array: `--shard $TASK_ID/$N`) and merged by copying the run
 * directories and concatenating the `index.jsonl` files.
 *
 * A grid file:
 * ```json
 * { "experiment": "ipd", "base": { "rounds": 20 },
 *   "grid": { "payoffs.T": [5, 7], "policies": [["tit_for_tat", "random"], ["grim", "random"]] } }
 * ```
 * Dotted keys set nested parameters. Workers are separate processes, so a crash in one run
 * does not take the sweep down.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { ConfigError, parseWith, readJsonFile } from "../core/config.ts";
import { ProgressBar } from "../core/progress.ts";
import { SCHEMA_VERSION } from "../core/records.ts";
import { readJsonl, writeJsonAtomic } from "../core/run_log.ts";
import type { CliArgs } from "./args.ts";
import { findExperiment } from "./registry.ts";
import { EXIT_BUDGET } from "./exit_codes.ts";
import { validateRun } from "./run_one.ts";
import { loadAgentsFile } from "../llm/agents_file.ts";

/** A grid file. */
export const GridFileSchema = z.object({
  experiment: z.string(),
  base: z.record(z.string(), z.unknown()).default({}),
  grid: z.record(z.string(), z.array(z.unknown()).min(1, "needs at least one value")),
}).strict();
export type GridFile = z.infer<typeof GridFileSchema>;

/** A row of `index.jsonl`. */
export const SweepIndexRowSchema = z.object({
  v: z.literal(SCHEMA_VERSION),
  cell: z.string(),
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  run: z.string(),
  status: z.enum(["completed", "failed", "stopped_budget"]),
  summary: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
});
export type SweepIndexRow = z.infer<typeof SweepIndexRowSchema>;

/** Sets `obj[a][b][c] = value` for the key `a.b.c`, copying along the path. */
export function setPath(
  obj: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const [head, ...rest] = key.split(".");
  if (rest.length === 0) return { ...obj, [head]: value };
  const inner = (obj[head] && typeof obj[head] === "object" ? obj[head] : {}) as Record<
    string,
    unknown
  >;
  return { ...obj, [head]: setPath(inner, rest.join("."), value) };
}

/** The cells of a grid: the cartesian product, in key order, with ids `c000`, `c001`, ... */
export function gridCells(grid: GridFile): { id: string; params: Record<string, unknown> }[] {
  let cells: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid.grid)) {
    cells = cells.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return cells.map((params, i) => ({ id: `c${String(i).padStart(3, "0")}`, params }));
}

/** One unit of sweep work. */
export interface SweepItem {
  cell: string;
  params: Record<string, unknown>;
  seed: number;
  run: string;
}

/** Every (cell, seed) item in a fixed order, and the slice a shard owns. */
export function sweepItems(
  grid: GridFile,
  seeds: [number, number],
  shard?: [number, number],
): SweepItem[] {
  const items: SweepItem[] = [];
  for (const cell of gridCells(grid)) {
    for (let s = seeds[0]; s <= seeds[1]; s++) {
      items.push({ cell: cell.id, params: cell.params, seed: s, run: `${cell.id}-s${s}` });
    }
  }
  return shard ? items.filter((_, i) => i % shard[1] === shard[0]) : items;
}

function headlineOf(summary: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(summary).filter(([, v]) => ["number", "boolean", "string"].includes(typeof v)),
  );
}

/** Runs a sweep; returns counts. */
export async function runSweep(
  args: CliArgs & { sweep: string; argv: string[] },
): Promise<{ ran: number; skipped: number; failed: number; dir: string }> {
  if (!args.seeds) throw new ConfigError("--sweep: needs --seeds A..B");
  if (args.experiments.length) {
    throw new ConfigError(
      "--sweep: the grid file names the experiment; name none on the command line",
    );
  }
  const grid = parseWith(GridFileSchema, await readJsonFile(args.sweep), args.sweep);
  const experiment = findExperiment(grid.experiment);
  if (!experiment) {
    throw new ConfigError(`${args.sweep}: experiment: '${grid.experiment}' is unknown`);
  }
  const cells = gridCells(grid);
  const agents = args.agents ? (await loadAgentsFile(args.agents)).agents : null;
  // Validate every cell before any work, so a bad grid leaves nothing behind.
  const cellConfigs = new Map<string, Record<string, unknown>>();
  for (const cell of cells) {
    let cfg: Record<string, unknown> = { ...grid.base };
    for (const [k, v] of Object.entries(cell.params)) cfg = setPath(cfg, k, v);
    if (args.rounds !== undefined) cfg.rounds = args.rounds;
    try {
      // a dry build: config, agents against the seats, replay file, policy names, API keys
      await validateRun({
        experiment,
        config: cfg,
        seed: args.seeds[0],
        lang: args.lang,
        agents,
        replay: args.replay,
        cacheDir: args.cache,
        offline: args.offline,
        maxTokens: args.maxTokens,
        maxUsd: args.maxUsd,
      });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      throw new ConfigError(
        `${args.sweep}: cell ${cell.id} ${JSON.stringify(cell.params)}: ${(e as Error).message}`,
      );
    }
    cellConfigs.set(cell.id, cfg);
  }
  const stem = args.sweep.split("/").pop()!.replace(/\.json$/, "");
  const dir = args.out ?? join("data", "sweeps", stem);
  await Deno.mkdir(join(dir, "cells"), { recursive: true });
  await writeJsonAtomic(join(dir, "sweep.json"), {
    v: SCHEMA_VERSION,
    grid,
    seeds: args.seeds,
    cells,
  });
  for (const [id, cfg] of cellConfigs) await writeJsonAtomic(join(dir, "cells", `${id}.json`), cfg);

  const indexPath = join(dir, "index.jsonl");
  const done = new Set(
    (await readJsonl(indexPath, SweepIndexRowSchema, { tolerateTornTail: true }))
      .filter((r) => r.status === "completed").map((r) => r.run),
  );
  const items = sweepItems(grid, args.seeds, args.shard);
  const todo = items.filter((it) => !done.has(join("runs", it.run)));
  const bar = new ProgressBar({ label: `sweep ${stem}`, total: items.length, quiet: args.quiet });
  let finished = items.length - todo.length;
  bar.update({ done: finished });
  const index = await Deno.open(indexPath, { append: true, create: true });
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  let failed = 0;

  async function runItem(it: SweepItem) {
    const runDir = join(dir, "runs", it.run);
    let resume = false;
    try {
      await Deno.stat(join(runDir, "config.json"));
      resume = true;
    } catch { /* fresh */ }
    const flags = resume
      ? ["--resume", runDir, ...(args.agents ? ["--agents", args.agents] : [])]
      : [
        grid.experiment,
        "--config",
        join(dir, "cells", `${it.cell}.json`),
        "--seed",
        String(it.seed),
        "--out",
        runDir,
        "--lang",
        args.lang,
        ...(args.agents ? ["--agents", args.agents] : []),
        ...(args.replay ? ["--replay", args.replay] : []),
      ];
    if (args.cache) flags.push("--cache", args.cache);
    if (args.offline) flags.push("--offline");
    if (args.maxTokens) flags.push("--max-tokens", String(args.maxTokens));
    if (args.maxUsd) flags.push("--max-usd", String(args.maxUsd));
    const cmd = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-net",
        "--allow-env",
        "--allow-ffi",
        "--allow-sys",
        main,
        ...flags,
        "--quiet",
        "--no-report",
      ],
      stdout: "null",
      stderr: "piped",
    });
    const out = await cmd.output();
    let row: SweepIndexRow;
    if (out.code === 0) {
      const summary = JSON.parse(await Deno.readTextFile(join(runDir, "summary.json")));
      row = {
        v: SCHEMA_VERSION,
        cell: it.cell,
        params: it.params,
        seed: it.seed,
        run: join("runs", it.run),
        status: "completed",
        summary: headlineOf(summary),
      };
    } else {
      failed++;
      const lines = new TextDecoder().decode(out.stderr).trim().split("\n");
      const err = lines.filter((l) =>
        l.startsWith("error") || l.includes("stopped after")
      ).at(-1) ??
        `exit code ${out.code}`;
      row = {
        v: SCHEMA_VERSION,
        cell: it.cell,
        params: it.params,
        seed: it.seed,
        run: join("runs", it.run),
        status: out.code === EXIT_BUDGET ? "stopped_budget" : "failed",
        error: err,
      };
    }
    await index.write(new TextEncoder().encode(JSON.stringify(row) + "\n"));
    finished++;
    bar.update({ done: finished });
  }

  const queue = [...todo];
  const workers = Array.from({ length: Math.min(args.workers, queue.length) }, async () => {
    for (let it = queue.shift(); it; it = queue.shift()) await runItem(it);
  });
  try {
    await Promise.all(workers);
  } finally {
    bar.finish();
    index.close();
  }
  if (!args.quiet) {
    console.log(
      `sweep ${dir}: ${todo.length - failed} ran, ${
        items.length - todo.length
      } skipped (done before), ${failed} failed`,
    );
  }
  return { ran: todo.length - failed, skipped: items.length - todo.length, failed, dir };
}
