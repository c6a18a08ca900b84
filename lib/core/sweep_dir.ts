/**
 * The format of a sweep directory, owned by one module: the grid file, the rows of
 * `index.jsonl`, the file names, and how a grid expands into cells and (cell, seed) run
 * directories. The sweep runner (`lib/run/sweep.ts`) writes this format; the catalog, the
 * analysis (`lib/analysis/sweep.ts`) and the reports read it.
 *
 * ```
 * <sweep>/sweep.json                 the grid, the seeds and the cells
 *         index.jsonl                one row per finished run ({@linkcode SweepIndexRow}),
 *                                    merged from the shards' own files
 *         runs/<cell>-s<seed>/       one run directory per (cell, seed)
 *         shards/<i>-of-<n>.lock     the shard's lock: pid, host, heartbeat
 *         shards/<i>-of-<n>.json     the slice the shard took (from --shard, Slurm or k8s)
 *         shards/<i>-of-<n>.jsonl    the index rows the shard wrote
 * ```
 *
 * A grid file:
 * ```json
 * { "experiment": "ipd", "base": { "rounds": 20 },
 *   "grid": { "payoffs.T": [5, 7], "policies": [["tit_for_tat", "random"], ["grim", "random"]] } }
 * ```
 * Dotted keys set nested parameters; a numeric part indexes an array (`providers.0.strategy`).
 * Cells are named by their parameters (`kappa=0.3,rounds=50`).
 *
 * @example
 * ```ts
 * import { gridCells } from "./sweep_dir.ts";
 * const cells = gridCells({ grid: { kappa: [0.1, 0.3], rounds: [50] } });
 * console.log(cells.map((c) => c.name)); // ["kappa=0.1,rounds=50", "kappa=0.3,rounds=50"]
 * ```
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { ConfigError } from "./config.ts";
import { type Schema, SCHEMA_VERSION } from "./records.ts";

/** The file names of a sweep directory, by role. */
export const SWEEP_FILES: Readonly<{
  /** The grid, the seeds and the cells (`sweep.json`). */
  sweep: "sweep.json";
  /** One row per finished run (`index.jsonl`). */
  index: "index.jsonl";
  /** The folder of the run directories (`runs`). */
  runs: "runs";
}> = Object.freeze({ sweep: "sweep.json", index: "index.jsonl", runs: "runs" });

/** A grid file, as {@linkcode GridFileSchema} parses it. */
export interface GridFile {
  /** The experiment's name, e.g. `ipd`. */
  experiment: string;
  /** The config every cell starts from (`{}` when absent). */
  base: Record<string, unknown>;
  /** Dotted parameter keys, each with its values (at least one); cells are the product. */
  grid: Record<string, unknown[]>;
}

const gridFileObject = z.object({
  experiment: z.string(),
  base: z.record(z.string(), z.unknown()).default({}),
  grid: z.record(z.string(), z.array(z.unknown()).min(1, "needs at least one value")),
}).strict();

/** A row of a sweep's `index.jsonl`, as {@linkcode SweepIndexRowSchema} parses it. */
export interface SweepIndexRow {
  /** The schema version. */
  v: typeof SCHEMA_VERSION;
  /** The cell's readable name, e.g. `kappa=0.3,rounds=50`. */
  cell: string;
  /** The cell's parameters: dotted key to value. */
  params: Record<string, unknown>;
  /** The run's seed. */
  seed: number;
  /** The run directory, relative to the sweep directory. */
  run: string;
  /** How the run ended. */
  status: "completed" | "failed" | "stopped_budget" | "interrupted";
  /** `false` when the run's verdicts are inconclusive (too many fallbacks). */
  valid?: boolean;
  /** The run's verdicts (`summary.verdicts`). */
  verdicts?: Record<string, unknown>;
  /** The summary's top-level numbers, booleans and strings. */
  summary?: Record<string, unknown>;
  /** The error message of a failed run. */
  error?: string;
}

const sweepIndexRowObject = z.object({
  v: z.literal(SCHEMA_VERSION),
  cell: z.string(),
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  run: z.string(),
  status: z.enum(["completed", "failed", "stopped_budget", "interrupted"]),
  /** `false` when the run's verdicts are inconclusive (too many fallbacks). */
  valid: z.boolean().optional(),
  /** The run's verdicts (`summary.verdicts`). */
  verdicts: z.record(z.string(), z.unknown()).optional(),
  summary: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
});

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The interfaces agree with their schemas (a compile error otherwise).
const _agree: [
  Agree<GridFile, z.output<typeof gridFileObject>>,
  Agree<SweepIndexRow, z.output<typeof sweepIndexRowObject>>,
] = [true, true];

/** The schema of a grid file (unknown keys rejected; `base` defaults to `{}`). */
export const GridFileSchema: Schema<GridFile> = gridFileObject;

/** The schema of a row of `index.jsonl`. */
export const SweepIndexRowSchema: Schema<SweepIndexRow> = sweepIndexRowObject;

/** The most cells a grid may expand to. */
export const MAX_GRID_CELLS = 10_000;

const FORBIDDEN_KEYS = new Set(["__proto__", "prototype", "constructor"]);

/**
 * Sets the value at a dotted key, copying along the path: `a.b.c` sets `obj.a.b.c`; a
 * numeric part indexes an array (`providers.0.strategy`), which stays an array.
 *
 * @throws {ConfigError} For a key part such as `__proto__`.
 */
export function setPath<T extends Record<string, unknown> | unknown[]>(
  obj: T,
  key: string,
  value: unknown,
): T {
  const [head, ...rest] = key.split(".");
  if (FORBIDDEN_KEYS.has(head)) throw new ConfigError(`grid: key '${key}' is not allowed`);
  const inner = (obj as Record<string, unknown>)[head];
  const next = rest.length === 0 ? value : setPath(
    (inner && typeof inner === "object" ? inner : /^\d+$/.test(rest[0]) ? [] : {}) as Record<
      string,
      unknown
    >,
    rest.join("."),
    value,
  );
  if (Array.isArray(obj)) {
    if (!/^\d+$/.test(head)) {
      throw new ConfigError(`grid: key '${key}': '${head}' indexes an array; use a number`);
    }
    const copy = [...obj];
    copy[Number(head)] = next;
    return copy as T;
  }
  return { ...obj, [head]: next } as T;
}

function valueName(v: unknown): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** A cell's readable name: `kappa=0.3,rounds=50` (the base config only: `base`). */
export function cellName(params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${valueName(v)}`);
  return parts.length ? parts.join(",") : "base";
}

/** A file-system-safe form of a cell name, unique within its grid (`i` breaks ties). */
function cellSlug(name: string, i: number, taken: Set<string>): string {
  let slug = name.replace(/[^A-Za-z0-9._=,+-]+/g, "_").slice(0, 80);
  if (taken.has(slug)) slug = `${slug.slice(0, 74)}~${i}`;
  taken.add(slug);
  return slug;
}

/** A grid cell. */
export interface GridCell {
  /** The run directories' prefix: the readable name made file-system safe. */
  id: string;
  /** The readable name, e.g. `kappa=0.3,rounds=50`. */
  name: string;
  /** The cell's parameters: dotted key to value. */
  params: Record<string, unknown>;
}

/**
 * The cells of a grid: the cartesian product, in key order.
 *
 * @throws {ConfigError} When the grid would have more than {@linkcode MAX_GRID_CELLS} cells
 * (checked before expanding).
 */
export function gridCells(grid: Pick<GridFile, "grid">): GridCell[] {
  const size = Object.values(grid.grid).reduce((n, values) => n * values.length, 1);
  if (size > MAX_GRID_CELLS) {
    throw new ConfigError(`grid: ${size} cells is more than the maximum of ${MAX_GRID_CELLS}`);
  }
  for (const key of Object.keys(grid.grid)) {
    for (const part of key.split(".")) {
      if (FORBIDDEN_KEYS.has(part)) throw new ConfigError(`grid: key '${key}' is not allowed`);
    }
  }
  let cells: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid.grid)) {
    cells = cells.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  const taken = new Set<string>();
  return cells.map((params, i) => {
    const name = cellName(params);
    return { id: cellSlug(name, i, taken), name, params };
  });
}

/** One unit of sweep work. */
export interface SweepItem {
  /** The cell's readable name (see {@linkcode cellName}). */
  cell: string;
  /** The cell's parameters: dotted key to value. */
  params: Record<string, unknown>;
  /** The run's seed. */
  seed: number;
  /** The run directory, relative to the sweep directory. */
  run: string;
}

/** Every (cell, seed) item in a fixed order, and the slice a shard owns. */
export function sweepItems(
  grid: Pick<GridFile, "grid">,
  seeds: [number, number],
  shard?: [number, number],
): SweepItem[] {
  const items: SweepItem[] = [];
  for (const cell of gridCells(grid)) {
    for (let s = seeds[0]; s <= seeds[1]; s++) {
      items.push({
        cell: cell.name,
        params: cell.params,
        seed: s,
        run: join(SWEEP_FILES.runs, `${cell.id}-s${s}`),
      });
    }
  }
  return shard ? items.filter((_, i) => i % shard[1] === shard[0]) : items;
}

/**
 * Grid keys that vary the design rather than the engine's config: `agents` (an agents file
 * per value, its path relative to the grid file's folder) and `seat_rotation` (added by
 * `--rotate-seats`: rotation r seats agent (i + r) mod K in seat i).
 */
export const DESIGN_KEYS: readonly string[] = ["agents", "seat_rotation"];

/** The config of a cell: the grid's base with the cell's parameters set (design keys aside). */
export function cellConfig(
  grid: GridFile,
  params: Record<string, unknown>,
): Record<string, unknown> {
  let cfg: Record<string, unknown> = structuredClone(grid.base);
  for (const [k, v] of Object.entries(params)) {
    if (!DESIGN_KEYS.includes(k)) cfg = setPath(cfg, k, v);
  }
  return cfg;
}

/**
 * The agents of seat rotation `r`: seat i gets agent (i + r) mod K, so over K rotations every
 * agent plays every seat once (a Latin square over agents and seats). Agents keep their names.
 *
 * @example
 * ```ts
 * import { rotateSeats } from "./sweep_dir.ts";
 * console.log(rotateSeats(["a", "b", "c"], 1)); // ["b", "c", "a"]
 * ```
 */
export function rotateSeats<T>(agents: readonly T[], r: number): T[] {
  const k = agents.length;
  return agents.map((_, i) => agents[(i + r) % k]);
}
