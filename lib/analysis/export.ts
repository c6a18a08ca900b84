/**
 * Exports run and sweep directories as Parquet or CSV files for pandas, Polars (Python), R
 * or a spreadsheet: a run's `decisions`, `llm_calls` and `events` frames; a sweep's `runs`
 * frame ({@linkcode loadSweep}) and the `decisions` of all its runs with the cell and its
 * parameters. Nothing here knows an engine: the CLI passes the decision-row schemas.
 *
 * @example
 * ```ts ignore
 * import { exportDir } from "./export.ts";
 * const result = await exportDir("data/runs/ipd-1", { format: "parquet" });
 * console.log(result.files.map((f) => f.path)); // data/runs/ipd-1/export/decisions.parquet, ...
 * ```
 * @module
 */
import pl from "nodejs-polars";
import { join } from "node:path";
import type { ZodSchema } from "../core/records.ts";
import { ConfigError } from "../core/config.ts";
import { readRunConfig, RUN_FILES } from "../core/run_dir.ts";
import { type DataFrame, loadDecisions, loadEvents, loadLlmCalls } from "./frames.ts";
import { loadSweep, PARAM_PREFIX, paramColumn, readSweepFile, readSweepIndex } from "./sweep.ts";

/** The file formats written. */
export const EXPORT_FORMATS = ["parquet", "csv"] as const;
/** A file format written by the exporter: `parquet` or `csv`. */
export type ExportFormat = typeof EXPORT_FORMATS[number];

/** Options of {@linkcode exportDir}. */
export interface ExportOptions {
  /** The file format. @default {"parquet"} */
  format?: ExportFormat;
  /** The output folder (created when missing). @default {"<dir>/export"} */
  out?: string;
  /**
   * The decision-row schema of an experiment (the registry's `decisionSchema`), so the
   * engine's columns are typed from it; without it they are inferred from the values.
   */
  schemaOf?: (experiment: string) => ZodSchema | undefined;
  /** Drop an unparsable last line of a log (a run killed mid-write). @default {false} */
  tolerateTornTail?: boolean;
}

/** One file written. */
export interface ExportedFile {
  /** The frame's name, e.g. `decisions`. */
  name: string;
  /** The file written, `<out>/<name>.<format>`. */
  path: string;
  /** Rows written. */
  rows: number;
}

/** What {@linkcode exportDir} wrote. */
export interface ExportResult {
  /** Whether the folder was a run directory or a sweep directory. */
  kind: "run" | "sweep";
  /** The output folder. */
  out: string;
  /** The files written, in order. */
  files: ExportedFile[];
}

/** Creates the output folder; a path that cannot be one is bad input. */
async function makeOut(out: string): Promise<void> {
  try {
    await Deno.mkdir(out, { recursive: true });
  } catch (e) {
    throw new ConfigError(`${out}: cannot create the output folder: ${(e as Error).message}`);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * Writes a frame as `<out>/<name>.<format>`.
 *
 * @param df The frame.
 * @param out The folder.
 * @param name The file's stem.
 * @param format `parquet` or `csv`.
 * @returns The file written.
 *
 * @example
 * ```ts ignore
 * import pl from "nodejs-polars";
 * import { writeFrame } from "./export.ts";
 * writeFrame(pl.DataFrame({ a: [1, 2] }), "/tmp", "a", "csv"); // /tmp/a.csv
 * ```
 */
export function writeFrame(
  df: DataFrame,
  out: string,
  name: string,
  format: ExportFormat,
): ExportedFile {
  const path = join(out, `${name}.${format}`);
  if (format === "parquet") df.writeParquet(path);
  else df.writeCSV(path);
  return { name, path, rows: df.height };
}

/**
 * The decisions of every run of a sweep that has a run directory, with the run's `cell` and
 * parameter columns after `run`, `experiment`, `seed` (a parameter named like a decision
 * column is called `param.<key>`).
 *
 * @param dir The sweep directory.
 * @param options The experiment's decision-row schema, torn-tail tolerance.
 * @returns The frame (empty, with the shared columns, when no run has started).
 * @throws {ConfigError} When `sweep.json` or a run's `config.json` is missing or malformed.
 * @throws {LogFormatError} When a log line is invalid.
 *
 * @example
 * ```ts ignore
 * import { sweepDecisions } from "./export.ts";
 * const df = await sweepDecisions("data/sweeps/grid");
 * console.log(df.columns.slice(0, 5)); // ["run", "experiment", "seed", "cell", "kappa"]
 * ```
 */
export async function sweepDecisions(
  dir: string,
  options: { schema?: ZodSchema; tolerateTornTail?: boolean } = {},
): Promise<DataFrame> {
  const { schema, tolerateTornTail = false } = options;
  const rows = await readSweepIndex(dir, { tolerateTornTail });
  const runDirs: string[] = [];
  for (const r of rows) {
    const runDir = join(dir, r.run);
    if (await isFile(join(runDir, RUN_FILES.config))) runDirs.push(runDir);
  }
  const decisions = await loadDecisions(runDirs, { schema, tolerateTornTail });
  const runs = await loadSweep(dir, { tolerateTornTail });
  const keys = new Set(Object.keys((await readSweepFile(dir)).grid.grid));
  for (const r of rows) for (const k of Object.keys(r.params)) keys.add(k);
  const params = [...keys].map(paramColumn).filter((c) => runs.columns.includes(c));
  const renamed = params.map((p) =>
    pl.col(p).alias(
      decisions.columns.includes(p) && !p.startsWith(PARAM_PREFIX) ? `${PARAM_PREFIX}${p}` : p,
    )
  );
  const cellKeys = runs.select(pl.col("run"), pl.col("cell"), ...renamed);
  const joined = decisions.join(cellKeys, { on: "run", how: "left" });
  const front = ["run", "experiment", "seed", ...cellKeys.columns.slice(1)];
  return joined.select(...front, ...decisions.columns.filter((c) => !front.includes(c)));
}

/**
 * Exports a run directory (`decisions`, `llm_calls`, `events`) or a sweep directory
 * (`runs`, `decisions`) as Parquet or CSV files in `out` (default `<dir>/export`).
 *
 * @param dir A run directory (`config.json`) or a sweep directory (`sweep.json`).
 * @param options Format, output folder, decision-row schemas.
 * @returns What was written.
 * @throws {ConfigError} When `dir` is neither, or a file in it is malformed.
 * @throws {LogFormatError} When a log line is invalid.
 *
 * @example
 * ```ts ignore
 * import { exportDir } from "./export.ts";
 * await exportDir("data/sweeps/grid", { format: "csv", out: "/tmp/grid" });
 * ```
 */
export async function exportDir(dir: string, options: ExportOptions = {}): Promise<ExportResult> {
  const { format = "parquet", out = join(dir, "export"), schemaOf, tolerateTornTail } = options;
  if (!EXPORT_FORMATS.includes(format)) {
    throw new ConfigError(`format: expected parquet or csv, got '${format}'`);
  }
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(dir);
  } catch {
    throw new ConfigError(`${dir}: no such directory`);
  }
  if (!stat.isDirectory) throw new ConfigError(`${dir}: not a directory`);
  const load = { tolerateTornTail };
  if (await isFile(join(dir, "sweep.json"))) {
    const sweep = await readSweepFile(dir);
    const schema = schemaOf?.(sweep.grid.experiment);
    const runs = await loadSweep(dir, load);
    const decisions = await sweepDecisions(dir, { ...load, schema });
    await makeOut(out);
    const files = [
      writeFrame(runs, out, "runs", format),
      writeFrame(decisions, out, "decisions", format),
    ];
    return { kind: "sweep", out, files };
  }
  if (!(await isFile(join(dir, RUN_FILES.config)))) {
    throw new ConfigError(
      `${dir}: neither a run directory (no config.json) nor a sweep directory (no sweep.json)`,
    );
  }
  const { experiment } = await readRunConfig(dir);
  const frames = {
    decisions: await loadDecisions(dir, { ...load, schema: schemaOf?.(experiment) }),
    llm_calls: await loadLlmCalls(dir, load),
    events: await loadEvents(dir, load),
  };
  await makeOut(out);
  const files = Object.entries(frames).map(([name, df]) => writeFrame(df, out, name, format));
  return { kind: "run", out, files };
}
