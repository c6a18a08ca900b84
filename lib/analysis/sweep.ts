/**
 * A sweep directory as one Polars DataFrame (one row per run), and per-cell statistics
 * across the valid seeds: means with Student's t intervals, shares (fields named `*_rate`,
 * `*_share`... whose values lie in [0, 1]) with share intervals inside [0, 1], verdict rates
 * with Wilson intervals.
 * Nothing here knows an engine: metrics are whatever numeric and boolean headline fields the
 * runs' summaries hold.
 *
 * @example
 * ```ts ignore
 * import { loadSweep, sweepCellStats } from "./sweep.ts";
 * const df = await loadSweep("data/sweeps/grid");
 * for (const cell of sweepCellStats(df)) console.log(cell.cell, cell.metrics);
 * ```
 * @module
 */
import pl from "nodejs-polars";
import type { DataFrame } from "./frames.ts";
import { basename, join } from "node:path";
import { z } from "zod";
import { parseWith, readJsonFile } from "../core/config.ts";
import { readJsonl } from "../core/run_log.ts";
import type { Schema } from "../core/records.ts";
import {
  type GridCell,
  type GridFile,
  GridFileSchema,
  type SweepIndexRow,
  SweepIndexRowSchema,
} from "../core/sweep_dir.ts";
import { INCONCLUSIVE } from "../core/validity.ts";
import { meanCI, type ProportionCI, proportionCI } from "./stats.ts";
import { looksLikeShare, type SeedCI, shareCI } from "./share_ci.ts";

/** `sweep.json`: the grid, the seeds and the cells (as `runSweep` writes it). */
export type SweepFile = {
  /** The schema version. */
  v: number;
  /** The grid file the sweep ran. */
  grid: GridFile;
  /** The first and last seed, inclusive. */
  seeds: [number, number];
  /** The grid's cells, in order. */
  cells: GridCell[];
};

const sweepFileObject = z.object({
  v: z.number().int(),
  grid: GridFileSchema,
  seeds: z.tuple([z.number().int(), z.number().int()]),
  cells: z.array(z.object({
    id: z.string(),
    name: z.string(),
    params: z.record(z.string(), z.unknown()),
  })),
});

/** The schema of `sweep.json`. */
export const SweepFileSchema: Schema<SweepFile> = sweepFileObject;

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The type agrees with its schema (a compile error otherwise).
const _agree: Agree<SweepFile, z.output<typeof sweepFileObject>> = true;

/** The columns every sweep frame starts with, before the parameters and the metrics. */
export const SWEEP_RUN_COLUMNS: readonly string[] = Object.freeze([
  "cell",
  "seed",
  "run",
  "status",
  "valid",
]);

/** Summary fields that describe the run rather than measure it: never metric columns. */
const NOT_METRICS = new Set(["v", "experiment", "seed", "status"]);

/** The prefix of a metric column whose name is already taken by a run column or a parameter. */
export const SUMMARY_PREFIX = "summary.";

/** The prefix of a parameter column whose key is the name of a run column (e.g. `seed`). */
export const PARAM_PREFIX = "param.";

/**
 * The column of a varied parameter in a {@linkcode loadSweep} frame: its key, or
 * `param.<key>` for a key that names a run column (`cell`, `seed`, `run`, `status`, `valid`).
 *
 * @param key The grid key, e.g. `payoffs.T`.
 * @returns The column name.
 *
 * @example
 * ```ts
 * import { paramColumn } from "./sweep.ts";
 * console.log(paramColumn("kappa"), paramColumn("seed")); // kappa param.seed
 * ```
 */
export function paramColumn(key: string): string {
  return SWEEP_RUN_COLUMNS.includes(key) ? `${PARAM_PREFIX}${key}` : key;
}

/** Options of {@linkcode loadSweep} and {@linkcode readSweepIndex}. */
export interface SweepLoadOptions {
  /** Drop an unparsable last line of `index.jsonl` (a sweep killed mid-write). @default {false} */
  tolerateTornTail?: boolean;
}

/**
 * Reads and validates `sweep.json` of a sweep directory.
 *
 * @param dir The sweep directory.
 * @returns The grid file, the seed range and the cells.
 * @throws {ConfigError} When the file is missing (not a sweep directory) or malformed.
 *
 * @example
 * ```ts ignore
 * import { readSweepFile } from "./sweep.ts";
 * const { grid, seeds } = await readSweepFile("data/sweeps/grid");
 * console.log(grid.experiment, seeds); // ipd [0, 19]
 * ```
 */
export async function readSweepFile(dir: string): Promise<SweepFile> {
  const path = join(dir, "sweep.json");
  return parseWith(SweepFileSchema, await readJsonFile(path), path);
}

/**
 * The rows of `index.jsonl`, validated with `SweepIndexRowSchema`: the last row of each run
 * (a rerun appends a new row for a run it resumes), ordered by the cells of `sweep.json`
 * then by seed (cells not in `sweep.json`, e.g. from a merged shard, come last by name).
 *
 * @param dir The sweep directory.
 * @param options Torn-tail tolerance.
 * @returns One row per run.
 * @throws {ConfigError} When `sweep.json` is missing or malformed.
 * @throws {LogFormatError} When a line of `index.jsonl` is not valid JSON or fails the schema.
 *
 * @example
 * ```ts ignore
 * import { readSweepIndex } from "./sweep.ts";
 * const rows = await readSweepIndex("data/sweeps/grid");
 * console.log(rows.filter((r) => r.status !== "completed").length);
 * ```
 */
export async function readSweepIndex(
  dir: string,
  options: SweepLoadOptions = {},
): Promise<SweepIndexRow[]> {
  const { tolerateTornTail = false } = options;
  const sweep = await readSweepFile(dir);
  const rows = await readJsonl(join(dir, "index.jsonl"), SweepIndexRowSchema, {
    tolerateTornTail,
  });
  const last = new Map<string, SweepIndexRow>();
  for (const row of rows) {
    last.delete(row.run); // re-insert: a later row replaces an earlier one
    last.set(row.run, row);
  }
  const order = new Map(sweep.cells.map((c, i) => [c.name, i]));
  const rank = (r: SweepIndexRow) => order.get(r.cell) ?? order.size;
  return [...last.values()].sort((a, b) =>
    rank(a) - rank(b) || a.cell.localeCompare(b.cell) || a.seed - b.seed
  );
}

type ColumnType = "f64" | "bool" | "str";

const DTYPES = { f64: pl.Float64, bool: pl.Bool, str: pl.Utf8 } as const;

/** A parameter's type: numbers f64, anything else text. */
function paramType(values: readonly unknown[]): ColumnType {
  const present = values.filter((v) => v !== undefined && v !== null);
  return present.length > 0 && present.every((v) => typeof v === "number") ? "f64" : "str";
}

/** A parameter value as its column holds it. */
function paramValue(v: unknown, type: ColumnType): number | string | null {
  if (v === undefined || v === null) return null;
  if (type === "f64") return v as number;
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * A summary field's type: f64 when every value is a number, bool when every value is a
 * boolean (`"inconclusive"` allowed in both, as null; a field that is only ever
 * `"inconclusive"` is a verdict, bool); `undefined` for anything else (text).
 */
function metricType(values: readonly unknown[]): "f64" | "bool" | undefined {
  const present = values.filter((v) => v !== undefined && v !== null && v !== INCONCLUSIVE);
  if (present.length === 0) return values.includes(INCONCLUSIVE) ? "bool" : undefined;
  if (present.every((v) => typeof v === "number")) return "f64";
  if (present.every((v) => typeof v === "boolean")) return "bool";
  return undefined;
}

/** The varied parameters: the grid's keys, then any other key of the rows' params. */
function paramKeys(sweep: SweepFile, rows: readonly SweepIndexRow[]): string[] {
  const keys = new Set(Object.keys(sweep.grid.grid));
  for (const r of rows) for (const k of Object.keys(r.params)) keys.add(k);
  return [...keys];
}

/** The typed parameter columns. */
function paramSeries(sweep: SweepFile, rows: readonly SweepIndexRow[]): pl.Series[] {
  return paramKeys(sweep, rows).map((key) => {
    const type = paramType([...(sweep.grid.grid[key] ?? []), ...rows.map((r) => r.params[key])]);
    const values = rows.map((r) => paramValue(r.params[key], type));
    return pl.Series(paramColumn(key), values, DTYPES[type]);
  });
}

/** A row's headline fields: its summary, then any verdict (`verdicts`) the summary lacks. */
function headlineFields(row: SweepIndexRow): Record<string, unknown> {
  const summary = row.summary ?? {};
  const extra = Object.entries(row.verdicts ?? {}).filter(([k]) => !(k in summary));
  return { ...summary, ...Object.fromEntries(extra) };
}

/** The typed metric columns, in the order the fields first appear in the summaries. */
function metricSeries(rows: readonly SweepIndexRow[], taken: ReadonlySet<string>): pl.Series[] {
  const fields = rows.map(headlineFields);
  const keys = new Set<string>();
  for (const f of fields) for (const k of Object.keys(f)) keys.add(k);
  const out: pl.Series[] = [];
  for (const key of keys) {
    if (NOT_METRICS.has(key)) continue;
    const values = fields.map((f) => f[key]);
    const type = metricType(values);
    if (!type) continue;
    const name = taken.has(key) ? `${SUMMARY_PREFIX}${key}` : key;
    const cells = values.map((v) => (v === undefined || v === INCONCLUSIVE ? null : v));
    out.push(pl.Series(name, cells, DTYPES[type]));
  }
  return out;
}

/**
 * Loads a sweep directory (`sweep.json`, `index.jsonl`) into one frame, one row per run
 * (the last index row of each run), ordered by the cells of `sweep.json` then by seed.
 *
 * | column | type | meaning |
 * |---|---|---|
 * | `cell` | str | the cell's readable name, e.g. `rounds=5,payoffs.T=7` |
 * | `seed` | i64 | the run's seed |
 * | `run` | str | the run id as `loadDecisions` names it: the run directory's basename (the directory is `<sweep>/runs/<run>`) |
 * | `status` | str | `completed`, `failed`, `stopped_budget` or `interrupted` |
 * | `valid` | bool? | `false` when the run's verdicts are inconclusive; null when the run has no summary |
 * | one per varied parameter | f64 / str | named by its grid key (`payoffs.T`; `param.<key>` for a key named like a column above, see {@linkcode paramColumn}); numbers f64, anything else text (JSON for arrays and objects) |
 * | one per headline field | f64 / bool | every numeric or boolean field of the runs' summaries and verdicts (the index rows' `summary` and `verdicts`; not `v`, `seed`, `experiment`, `status`); `"inconclusive"` verdicts are null. A field named like a column above is called `summary.<field>` |
 *
 * Runs without a summary (not completed) have null metrics.
 *
 * @param dir The sweep directory.
 * @param options Torn-tail tolerance.
 * @returns The frame.
 * @throws {ConfigError} When `sweep.json` is missing or malformed.
 * @throws {LogFormatError} When a line of `index.jsonl` is invalid.
 *
 * @example
 * ```ts ignore
 * import pl from "nodejs-polars";
 * import { loadSweep } from "./sweep.ts";
 * const df = await loadSweep("data/sweeps/grid");
 * console.log(df.groupBy("cell").agg(pl.col("mutual_cooperation_rate").mean()));
 * ```
 */
export async function loadSweep(
  dir: string,
  options: SweepLoadOptions = {},
): Promise<DataFrame> {
  const sweep = await readSweepFile(dir);
  const rows = await readSweepIndex(dir, options);
  const params = paramSeries(sweep, rows);
  const taken = new Set([...SWEEP_RUN_COLUMNS, ...params.map((s) => s.name)]);
  return pl.DataFrame([
    pl.Series("cell", rows.map((r) => r.cell), pl.Utf8),
    pl.Series("seed", rows.map((r) => r.seed), pl.Int64),
    pl.Series("run", rows.map((r) => basename(r.run)), pl.Utf8),
    pl.Series("status", rows.map((r) => r.status), pl.Utf8),
    pl.Series("valid", rows.map((r) => r.valid ?? null), pl.Bool),
    ...params,
    ...metricSeries(rows, taken),
  ]);
}

/**
 * The parameter columns of a {@linkcode loadSweep} frame, found from the cell names: a
 * column `k` is a parameter when every cell name has `k=` as one of its parts
 * (`rounds=5,payoffs.T=7`). Pass the grid's keys to {@linkcode sweepCellStats} instead when
 * you have them (`readSweepFile(dir).grid.grid`).
 *
 * @param df A sweep frame.
 * @returns The parameter columns, in frame order ([] for an empty frame).
 *
 * @example
 * ```ts ignore
 * import { loadSweep, sweepParams } from "./sweep.ts";
 * console.log(sweepParams(await loadSweep("data/sweeps/grid"))); // ["rounds", "payoffs.T"]
 * ```
 */
export function sweepParams(df: DataFrame): string[] {
  if (df.height === 0) return [];
  const cells = [...new Set(df.getColumn("cell").toArray() as string[])];
  return df.columns.filter((column) => {
    if (SWEEP_RUN_COLUMNS.includes(column)) return false;
    const k = column.startsWith(PARAM_PREFIX) ? column.slice(PARAM_PREFIX.length) : column;
    return cells.every((c) => c.startsWith(`${k}=`) || c.includes(`,${k}=`));
  });
}

/** Options of {@linkcode sweepCellStats}. */
export interface SweepStatsOptions {
  /**
   * Metric columns (f64 for means, bool for verdict rates).
   * @default {every f64 and bool column that is not a run column or a parameter}
   */
  metrics?: readonly string[];
  /** Parameter columns. @default {sweepParams(df)} */
  params?: readonly string[];
  /** Confidence level of the intervals. @default {0.95} */
  level?: number;
  /**
   * Invalid runs (`valid: false`) are left out of the metrics and verdicts (and counted in
   * `excluded`). @default {true}
   */
  validOnly?: boolean;
  /**
   * Numeric columns that are shares (values in [0, 1]): their intervals are share
   * intervals. @default {the columns `looksLikeShare` accepts: named `*_rate`, `*_share`,
   * `*_fraction`, `*_proportion`, every value in [0, 1]}
   */
  shares?: readonly string[];
}

/** A verdict's rate in one cell: Wilson interval over the runs that reached a verdict. */
export interface VerdictStats extends ProportionCI {
  /** Completed runs without a verdict (`"inconclusive"`): not in `n`. */
  inconclusive: number;
}

/** The statistics of one cell, from {@linkcode sweepCellStats}. */
export interface CellStats {
  /** The cell's readable name, e.g. `kappa=0.3,rounds=50`. */
  cell: string;
  /** The cell's parameter values. */
  params: Record<string, number | string | null>;
  /** Runs of the cell (every status). */
  runs: number;
  /** Runs with status `completed`. */
  completed: number;
  /** Runs with `valid: true`. */
  valid: number;
  /** `valid / runs`. */
  valid_share: number;
  /** Runs left out of the metrics and verdicts because they are invalid (`valid: false`). */
  excluded: number;
  /**
   * Numeric metrics over the runs with a value: mean and Student's t interval, or for a
   * share an interval inside [0, 1] (`shareCI`; `method` says which).
   */
  metrics: Record<string, SeedCI>;
  /** Boolean verdicts: the rate of `true` with a Wilson interval. */
  verdicts: Record<string, VerdictStats>;
}

type Row = Record<string, unknown>;

/** The metric columns and their kinds. */
function metricColumns(
  df: DataFrame,
  metrics: readonly string[] | undefined,
  params: readonly string[],
): { numeric: string[]; verdicts: string[] } {
  const kinds = new Map(
    df.getColumns().map((s) => [s.name, s.isBoolean() ? "bool" : s.isNumeric() ? "num" : "other"]),
  );
  const isNum = (k: string) => kinds.get(k) === "num";
  const isBool = (k: string) => kinds.get(k) === "bool";
  const names = metrics ??
    df.columns.filter((k) =>
      !SWEEP_RUN_COLUMNS.includes(k) && !params.includes(k) && (isNum(k) || isBool(k))
    );
  for (const k of names) {
    if (!kinds.has(k)) throw new RangeError(`Cannot compute cell stats: no column '${k}'`);
    if (!isNum(k) && !isBool(k)) {
      throw new RangeError(`Cannot compute cell stats: column '${k}' is not numeric or boolean`);
    }
  }
  return { numeric: names.filter(isNum), verdicts: names.filter(isBool) };
}

/** The statistics of one cell's rows. */
function cellStats(
  rows: readonly Row[],
  columns: {
    numeric: string[];
    verdicts: string[];
    params: readonly string[];
    shares: ReadonlySet<string>;
  },
  level: number,
  validOnly: boolean,
): CellStats {
  const valid = rows.filter((r) => r.valid === true).length;
  const counted = validOnly ? rows.filter((r) => r.valid !== false) : rows;
  const metrics: Record<string, SeedCI> = {};
  for (const k of columns.numeric) {
    const values = counted.map((r) => r[k]).filter((v): v is number => typeof v === "number")
      .filter(Number.isFinite);
    metrics[k] = columns.shares.has(k) ? shareCI({ values }, { level }) : meanCI(values, { level });
  }
  const verdicts: Record<string, VerdictStats> = {};
  for (const k of columns.verdicts) {
    const decided = counted.filter((r) => typeof r[k] === "boolean");
    const yes = decided.filter((r) => r[k] === true).length;
    const inconclusive = counted.filter((r) => r.status === "completed" && r[k] == null).length;
    verdicts[k] = { ...proportionCI(yes, decided.length, { level }), inconclusive };
  }
  return {
    cell: rows[0].cell as string,
    params: Object.fromEntries(
      columns.params.map((k) => [k, (rows[0][k] ?? null) as number | string | null]),
    ),
    runs: rows.length,
    completed: rows.filter((r) => r.status === "completed").length,
    valid,
    valid_share: valid / rows.length,
    excluded: rows.length - counted.length,
    metrics,
    verdicts,
  };
}

/**
 * Per-cell statistics of a sweep frame, cells in frame order: the number of runs and the
 * share of valid ones; invalid runs are left out (`validOnly`, default) and counted in
 * `excluded`; for each numeric metric the mean with its Student's t interval (over the runs
 * that have a value; see `meanCI` for one run), or for a share its interval inside [0, 1]
 * (`shareCI`: Wilson at the effective sample size over seeds); for each boolean verdict the rate
 * of `true` with its Wilson interval over the runs that reached a verdict, and separately
 * the count of completed runs whose verdict is `"inconclusive"` (null in the frame).
 *
 * @param df A {@linkcode loadSweep} frame.
 * @param options Metrics, parameters, level, valid runs only.
 * @returns One {@linkcode CellStats} per cell.
 * @throws {RangeError} When a requested metric is missing or neither numeric nor boolean.
 *
 * @example
 * ```ts ignore
 * import { loadSweep, sweepCellStats } from "./sweep.ts";
 * const [first] = sweepCellStats(await loadSweep("data/sweeps/grid"), { level: 0.9 });
 * console.log(first.metrics.mutual_cooperation_rate.lo, first.verdicts.mutual_cooperation.rate);
 * ```
 */
export function sweepCellStats(df: DataFrame, options: SweepStatsOptions = {}): CellStats[] {
  const { level = 0.95, validOnly = true } = options;
  const params = options.params ?? sweepParams(df);
  const picked = metricColumns(df, options.metrics, params);
  const shares = new Set(
    options.shares ??
      picked.numeric.filter((k) =>
        looksLikeShare(k, df.getColumn(k).toArray() as (number | null)[])
      ),
  );
  const columns = { ...picked, params, shares };
  const byCell = new Map<string, Row[]>();
  for (const row of df.toRecords() as Row[]) {
    const cell = row.cell as string;
    if (!byCell.has(cell)) byCell.set(cell, []);
    byCell.get(cell)!.push(row);
  }
  return [...byCell.values()].map((rows) => cellStats(rows, columns, level, validOnly));
}
