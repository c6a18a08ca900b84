/**
 * The report of a sweep directory, as a {@linkcode ReportDocument}: per-cell tables over the
 * valid runs (runs, how many are valid and excluded, every numeric summary metric with its
 * mean and interval across seeds, shares with intervals inside [0, 1], verdict rates with
 * Wilson intervals), the pairwise comparisons of cells with raw and Holm-adjusted p-values
 * and, for each varied parameter, charts of the most informative metrics and of every
 * verdict rate against that parameter (one line per value of the other parameters). Invalid
 * runs get a red banner.
 *
 * Data ({@linkcode sweepReportData}), chart specs ({@linkcode sweepFigures},
 * {@linkcode intervalChart}), the document ({@linkcode sweepDocument},
 * {@linkcode sweepReport}) and I/O ({@linkcode writeSweepReport}) are separate; nothing here
 * knows an engine.
 *
 * @example
 * ```ts ignore
 * import { sweepReport } from "./sweep_report.ts";
 * const doc = await sweepReport("data/sweeps/grid");
 * console.log(doc.sections.map((s) => s.title)); // ["Grid", "Cells", "Metrics", ...]
 * ```
 * @module
 */
import type { DataFrame } from "../analysis/frames.ts";
import { basename, join } from "node:path";
import {
  type CellStats,
  loadSweep,
  paramColumn,
  readSweepFile,
  SWEEP_RUN_COLUMNS,
  sweepCellStats,
} from "../analysis/sweep.ts";
import { compare, holmAdjust } from "../analysis/stats.ts";
import { isShareCI, type SeedCI } from "../analysis/share_ci.ts";
import type { TopLevelSpec } from "../charts/render.ts";
import { chartBlock } from "../charts/chart_block.ts";
import type { Block, Cell, DocSection, ReportDocument, Tone } from "../core/document.ts";
import { formatNumber, formatPValue, writeDocument } from "./render_document.ts";
import { type SeatEffects, seatEffects, seatEffectsSection, type SeatRun } from "./seat_effects.ts";

/** Options of {@linkcode sweepReport}, {@linkcode writeSweepReport} and {@linkcode sweepReportData}. */
export interface SweepReportOptions {
  /** Confidence level of every interval. @default {0.95} */
  level?: number;
  /** The most numeric metrics charted (every verdict rate is charted). @default {6} */
  maxMetrics?: number;
  /** Family-wise significance level of the Holm-corrected comparisons. @default {0.05} */
  alpha?: number;
}

/** One comparison of two cells on one field, with its raw and Holm-adjusted p-values. */
export interface PairComparison {
  /** The metric or verdict compared. */
  field: string;
  /** The first cell. */
  a: string;
  /** The second cell. */
  b: string;
  /** Valid runs with a value in each cell. */
  n_a: number;
  /** Valid runs with a value in cell `b`. */
  n_b: number;
  /** Mean (or rate) of `a` minus that of `b`. */
  diff: number;
  /** Two-sided permutation p-value (exact when the splits are few). */
  p: number;
  /** Holm-adjusted p-value over the whole family of comparisons of the report. */
  p_holm: number;
  /** `p_holm <= alpha`. */
  survives: boolean;
}

/** Everything the report shows, as plain data. */
export interface SweepReportData {
  /** The sweep directory's name. */
  name: string;
  /** The sweep directory. */
  dir: string;
  /** The grid file's experiment. */
  experiment: string;
  /** The first and last seed, inclusive. */
  seeds: [number, number];
  /** The grid's base config and varied values. */
  base: Record<string, unknown>;
  /** The varied parameters and their values. */
  grid: Record<string, unknown[]>;
  /** The varied parameters, and those whose values are all numbers. */
  params: string[];
  /** The varied parameters whose values are all numbers. */
  numericParams: string[];
  /** Every numeric metric column, and the few charted. */
  metrics: string[];
  /** The metrics charted (at most `maxMetrics`, the most informative). */
  charted: string[];
  /** Every boolean verdict column. */
  verdicts: string[];
  /** Per-cell statistics, in grid order. */
  cells: CellStats[];
  /** Runs in the index (the last row of each). */
  runs: number;
  /** Runs with `valid: false`. */
  invalid: number;
  /** Runs not completed, by status. */
  unfinished: Record<string, number>;
  /** Confidence level of every interval, e.g. 0.95. */
  level: number;
  /**
   * Every pair of cells compared on every charted metric and verdict (valid runs, at least
   * 2 per cell), one Holm family; sorted by raw p-value.
   */
  comparisons: PairComparison[];
  /** Family-wise significance level of the comparisons. */
  alpha: number;
  /**
   * Each model's mean return over the seats it played and each seat's over the models
   * (completed runs whose summaries record `seats` and `returns`); `undefined` when fewer
   * than two models or seats were played.
   */
  seatEffects?: SeatEffects;
}

/**
 * Compares every pair of cells on each field (a two-sided permutation test of the
 * difference of means; a verdict as 0/1, the test then being Fisher's exact test's
 * permutation form) over the valid runs, and adjusts all the p-values together with Holm's
 * method: the family is every comparison returned.
 *
 * @param df A sweep frame (`loadSweep`).
 * @param cells The cells, in order.
 * @param fields Numeric or boolean columns.
 * @param alpha Family-wise significance level.
 * @returns The comparisons, sorted by raw p-value.
 */
export function pairwiseComparisons(
  df: DataFrame,
  cells: readonly string[],
  fields: readonly string[],
  alpha = 0.05,
): PairComparison[] {
  const records = (df.toRecords() as Record<string, unknown>[]).filter((r) => r.valid !== false);
  const valuesOf = (cell: string, field: string) =>
    records.filter((r) => r.cell === cell).map((r) => r[field])
      .map((v) => (typeof v === "boolean" ? Number(v) : v))
      .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const raw: Omit<PairComparison, "p_holm" | "survives">[] = [];
  for (const field of fields) {
    for (let i = 0; i < cells.length; i++) {
      for (let j = i + 1; j < cells.length; j++) {
        const [x, y] = [valuesOf(cells[i], field), valuesOf(cells[j], field)];
        if (x.length < 2 || y.length < 2) continue;
        const c = compare(x, y, { seed: 0 });
        raw.push({
          field,
          a: cells[i],
          b: cells[j],
          n_a: x.length,
          n_b: y.length,
          diff: c.diff,
          p: c.p_value,
        });
      }
    }
  }
  const adjusted = holmAdjust(raw.map((r) => r.p));
  return raw.map((r, i) => ({ ...r, p_holm: adjusted[i], survives: adjusted[i] <= alpha }))
    .sort((u, v) => u.p - v.p);
}

/** A numeric column's values as numbers or null. */
function numbers(df: DataFrame, column: string): (number | null)[] {
  return (df.getColumn(column).toArray() as unknown[]).map((v) =>
    typeof v === "number" && Number.isFinite(v) ? v : null
  );
}

/**
 * The most informative numeric metrics, at most `max`: metrics constant over the whole
 * sweep and duplicates of an earlier metric (equal in every run) are left out; metrics that
 * vary between the seeds of some cell come before those determined by the cell alone.
 *
 * @param df A sweep frame (`loadSweep`).
 * @param metrics Candidate numeric columns, in order.
 * @param max The most returned.
 * @returns The chosen columns.
 *
 * @example
 * ```ts ignore
 * import { loadSweep } from "../analysis/sweep.ts";
 * import { informativeMetrics } from "./sweep_report.ts";
 * const df = await loadSweep("data/sweeps/grid");
 * console.log(informativeMetrics(df, ["steps", "score"], 6));
 * ```
 */
export function informativeMetrics(
  df: DataFrame,
  metrics: readonly string[],
  max: number,
): string[] {
  const cells = df.getColumn("cell").toArray() as string[];
  const kept: { name: string; values: (number | null)[]; withinCell: boolean }[] = [];
  for (const name of metrics) {
    const values = numbers(df, name);
    const present = values.filter((v): v is number => v !== null);
    if (present.length === 0 || present.every((v) => v === present[0])) continue;
    if (kept.some((k) => k.values.every((v, i) => v === values[i]))) continue;
    const first = new Map<string, number | null>();
    let withinCell = false;
    values.forEach((v, i) => {
      if (v === null) return;
      if (!first.has(cells[i])) first.set(cells[i], v);
      else if (first.get(cells[i]) !== v) withinCell = true;
    });
    kept.push({ name, values, withinCell });
  }
  return [...kept.filter((k) => k.withinCell), ...kept.filter((k) => !k.withinCell)]
    .slice(0, max).map((k) => k.name);
}

/**
 * Reads a sweep directory into the report's data: the grid, the frame's per-cell
 * statistics, the metrics to chart, and the counts of invalid and unfinished runs.
 *
 * @param sweepDir The sweep directory (`sweep.json`, `index.jsonl`).
 * @param options Level and how many metrics to chart.
 * @returns The {@linkcode SweepReportData}.
 * @throws {ConfigError} When `sweep.json` is missing or malformed.
 *
 * @example
 * ```ts ignore
 * import { sweepReportData } from "./sweep_report.ts";
 * const data = await sweepReportData("data/sweeps/grid");
 * console.log(data.cells.length, data.invalid);
 * ```
 */
export async function sweepReportData(
  sweepDir: string,
  options: SweepReportOptions = {},
): Promise<SweepReportData> {
  const { level = 0.95, maxMetrics = 6, alpha = 0.05 } = options;
  const sweep = await readSweepFile(sweepDir);
  const df = await loadSweep(sweepDir);
  const params = Object.keys(sweep.grid.grid).map(paramColumn).filter((c) =>
    df.columns.includes(c)
  );
  const extra = df.columns.filter((c) => !SWEEP_RUN_COLUMNS.includes(c) && !params.includes(c));
  const metrics = extra.filter((c) => df.getColumn(c).isNumeric());
  const verdicts = extra.filter((c) => df.getColumn(c).isBoolean());
  const statuses = df.getColumn("status").toArray() as string[];
  const unfinished: Record<string, number> = {};
  for (const s of statuses) if (s !== "completed") unfinished[s] = (unfinished[s] ?? 0) + 1;
  const cells = sweepCellStats(df, { params, metrics: [...metrics, ...verdicts], level });
  const charted = informativeMetrics(df, metrics, maxMetrics);
  return {
    name: basename(sweepDir),
    dir: sweepDir,
    experiment: sweep.grid.experiment,
    seeds: sweep.seeds,
    base: sweep.grid.base,
    grid: sweep.grid.grid,
    params,
    numericParams: params.filter((p) => df.getColumn(p).isNumeric()),
    metrics,
    charted,
    verdicts,
    cells,
    runs: df.height,
    invalid: (df.getColumn("valid").toArray() as unknown[]).filter((v) => v === false).length,
    unfinished,
    level,
    comparisons: pairwiseComparisons(
      df,
      cells.map((c) => c.cell),
      [...charted, ...verdicts],
      alpha,
    ),
    alpha,
    seatEffects: seatEffects(await seatRuns(sweepDir, df)),
  };
}

/** The seats and returns of a sweep's completed runs, from their summaries. */
async function seatRuns(sweepDir: string, df: DataFrame): Promise<SeatRun[]> {
  const runsOf = df.getColumn("run").toArray() as string[];
  const statuses = df.getColumn("status").toArray() as string[];
  const seeds = df.getColumn("seed").toArray() as number[];
  const runs: SeatRun[] = [];
  for (let i = 0; i < runsOf.length; i++) {
    if (statuses[i] !== "completed") continue;
    // the frame names a run by its directory under runs/
    const dir = runsOf[i].includes("/")
      ? join(sweepDir, runsOf[i])
      : join(sweepDir, "runs", runsOf[i]);
    try {
      const s = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
      if (Array.isArray(s.seats) && s.returns) {
        runs.push({
          seats: s.seats,
          returns: s.returns,
          valid: s.validity?.valid !== false,
          seed: Number(seeds[i]),
        });
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return runs;
}

/** One point of an interval chart: a cell's estimate at a parameter value. */
export interface IntervalPoint {
  /** The parameter's value. */
  x: number | string;
  /** The other parameters' values (`""` when only one parameter varies). */
  series: string;
  /** The estimate (mean or rate). */
  y: number;
  /** Interval bounds; null when there is none (fewer than 2 runs). */
  lo: number | null;
  /** Upper interval bound; null when there is none. */
  hi: number | null;
  /** Runs (or verdicts) behind the estimate. */
  n: number;
}

/** What a chart shows of a cell: a mean or a rate with its interval (`undefined`: nothing). */
export type Estimate = { y: number; lo: number; hi: number; n: number } | undefined;

/** A cell's parameter value as a label part: `payoffs.T=5`. */
function paramLabel(key: string, value: unknown): string {
  return `${key}=${typeof value === "number" ? formatNumber(value) : String(value)}`;
}

/**
 * The points of one chart: for every cell with an estimate, its value of `param` against
 * the estimate, grouped by the values of the other parameters.
 *
 * @param cells Per-cell statistics.
 * @param param The parameter on the x axis.
 * @param others The other varied parameters (the series).
 * @param estimate What to plot of a cell (undefined: nothing).
 * @returns The points; estimates that are not finite are left out, bounds that are not
 * finite become null.
 *
 * @example
 * ```ts ignore
 * import { intervalPoints } from "./sweep_report.ts";
 * const points = intervalPoints(cells, "kappa", [], (c) => {
 *   const m = c.metrics.score;
 *   return m && { y: m.mean, lo: m.lo, hi: m.hi, n: m.n };
 * });
 * ```
 */
export function intervalPoints(
  cells: readonly CellStats[],
  param: string,
  others: readonly string[],
  estimate: (cell: CellStats) => Estimate,
): IntervalPoint[] {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  const out: IntervalPoint[] = [];
  for (const cell of cells) {
    const e = estimate(cell);
    const x = cell.params[param];
    if (!e || !Number.isFinite(e.y) || x === null || x === undefined) continue;
    const series = others.map((k) => paramLabel(k, cell.params[k])).join(",");
    out.push({ x, series, y: e.y, lo: finite(e.lo), hi: finite(e.hi), n: e.n });
  }
  return out;
}

/** Options of {@linkcode intervalChart}. */
export interface IntervalChartOptions {
  /** The chart's title. */
  title: string;
  /** The x axis title (the parameter). */
  xTitle: string;
  /** The y axis title (the metric). */
  yTitle: string;
  /** A quantitative x axis (numeric parameter) rather than nominal. @default {true} */
  xNumeric?: boolean;
  /** The legend title of the series; no colour when every point has series `""`. */
  seriesTitle?: string;
  /** A rate: the y axis spans [0, 1]. @default {false} */
  rate?: boolean;
}

/**
 * A Vega-Lite chart of estimates with interval error bars against a parameter: points
 * joined by lines, one colour per series. Nothing is rendered here.
 *
 * @param points The points (see {@linkcode intervalPoints}).
 * @param options Titles, axis kinds.
 * @returns A layered Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { intervalChart } from "./sweep_report.ts";
 * const spec = intervalChart([{ x: 0.1, series: "", y: 2, lo: 1, hi: 3, n: 5 }], {
 *   title: "score by kappa",
 *   xTitle: "kappa",
 *   yTitle: "score",
 * });
 * console.log(spec.title); // score by kappa
 * ```
 */
export function intervalChart(
  points: readonly IntervalPoint[],
  options: IntervalChartOptions,
): TopLevelSpec {
  const { title, xTitle, yTitle, xNumeric = true, seriesTitle = "", rate = false } = options;
  const coloured = points.some((p) => p.series !== "");
  const xs = [...new Set(points.map((p) => p.x))];
  const x = xNumeric
    ? {
      field: "x",
      type: "quantitative",
      title: xTitle,
      scale: { zero: false, padding: 16 },
      axis: { format: "~g", ...(xs.length <= 12 ? { values: xs } : {}) },
    }
    : { field: "x", type: "nominal", title: xTitle, sort: null };
  // Shares and rates read as percentages; other values with no trailing zeros.
  const axis = { format: rate ? ".0%" : "~g" };
  const y = {
    field: "y",
    type: "quantitative",
    title: yTitle,
    axis,
    ...(rate ? { scale: { domain: [0, 1] } } : { scale: { zero: false } }),
  };
  const color = coloured
    ? { color: { field: "series", type: "nominal", title: seriesTitle, legend: { orient: "top" } } }
    : {};
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 420,
    height: 220,
    data: { values: points.map((p) => ({ ...p })) },
    encoding: { x, ...color },
    layer: [
      {
        transform: [{ filter: "isValid(datum.lo) && isValid(datum.hi)" }],
        mark: { type: "errorbar", ticks: true },
        encoding: {
          y: { field: "lo", type: "quantitative", title: yTitle, axis },
          y2: { field: "hi" },
        },
      },
      { mark: { type: "line", point: true }, encoding: { y } },
    ],
  } as TopLevelSpec;
}

/** A chart of the report: its spec and where its SVG goes. */
export interface SweepFigure {
  /** The SVG file name, e.g. `fig01.svg`. */
  file: string;
  /** One sentence saying what the chart shows. */
  caption: string;
  /** The Vega-Lite spec. */
  spec: TopLevelSpec;
}

const meanOf = (m: SeedCI | undefined): Estimate => m && { y: m.mean, lo: m.lo, hi: m.hi, n: m.n };

/** `true` when a metric got share intervals (values in [0, 1]) in some cell. */
function isShareMetric(data: SweepReportData, metric: string): boolean {
  return data.cells.some((c) => c.metrics[metric] && isShareCI(c.metrics[metric]));
}

/**
 * The report's charts: for each varied parameter, the charted metrics (mean with t
 * interval) and every verdict rate (Wilson interval) against it.
 *
 * @param data The report's data.
 * @returns The figures, in order.
 *
 * @example
 * ```ts ignore
 * import { sweepFigures, sweepReportData } from "./sweep_report.ts";
 * const figures = sweepFigures(await sweepReportData("data/sweeps/grid"));
 * console.log(figures.map((f) => f.caption));
 * ```
 */
export function sweepFigures(data: SweepReportData): SweepFigure[] {
  const pct = `${Math.round(data.level * 100)}%`;
  const out: SweepFigure[] = [];
  for (const param of data.params) {
    const others = data.params.filter((p) => p !== param);
    const common = {
      xTitle: param,
      xNumeric: data.numericParams.includes(param),
      seriesTitle: others.join(", "),
    };
    const add = (
      what: string,
      estimate: (c: CellStats) => Estimate,
      rate: boolean,
      share = false,
    ) => {
      const points = intervalPoints(data.cells, param, others, estimate);
      const title = `${what} by ${param}`;
      const interval = rate
        ? `${pct} Wilson interval`
        : share
        ? `share with ${pct} interval inside [0, 1] (Wilson at the effective sample size)`
        : `mean with ${pct} t interval`;
      out.push({
        file: `fig${String(out.length + 1).padStart(2, "0")}.svg`,
        caption: `${title}: ${interval} over the seeds of each cell${
          others.length ? `; one line per value of ${others.join(", ")}` : ""
        }.`,
        spec: intervalChart(points, { ...common, title, yTitle: what, rate: rate || share }),
      });
    };
    for (const m of data.charted) {
      add(m, (c) => meanOf(c.metrics[m]), false, isShareMetric(data, m));
    }
    for (const v of data.verdicts) {
      add(`${v} rate`, (c) => {
        const r = c.verdicts[v];
        return r && { y: r.rate, lo: r.lo, hi: r.hi, n: r.n };
      }, true);
    }
  }
  return out;
}

/** A number for a table: `n/a` for NaN, `∞` for infinities, else {@linkcode formatNumber}. */
function num(x: number): string {
  return Number.isNaN(x) ? "n/a" : formatNumber(x);
}

/** An interval as text: `[lo, hi]`, or why there is none. */
function intervalText(lo: number, hi: number, n: number): string {
  if (n === 0) return "n/a";
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return `none (${n} run)`;
  return `[${num(lo)}, ${num(hi)}]`;
}

/**
 * `mean [lo, hi]` of a metric in a cell (`n/a` without a value).
 *
 * @example
 * ```ts
 * import { meanText } from "./sweep_report.ts";
 * console.log(meanText({ n: 3, mean: 0.5, sd: 0.1, lo: 0.25, hi: 0.75, half_width: 0.25,
 *   method: "t", level: 0.95 })); // 0.5 [0.25, 0.75]
 * ```
 */
export function meanText(m: SeedCI | undefined): string {
  return m && m.n > 0 ? `${num(m.mean)} ${intervalText(m.lo, m.hi, m.n)}` : "n/a";
}

/** `rate [lo, hi] (k/n, i inconclusive)` of a verdict in a cell. */
export function rateText(c: CellStats, verdict: string): string {
  const r = c.verdicts[verdict];
  if (!r) return "n/a";
  const inc = r.inconclusive ? `, ${r.inconclusive} inconclusive` : "";
  if (r.n === 0) return `n/a (0 verdicts${inc})`;
  return `${num(r.rate)} ${intervalText(r.lo, r.hi, r.n)} (${r.successes}/${r.n}${inc})`;
}

/** A table of the report: its heading and rows (cells formatted by the renderer). */
export interface SweepTable {
  /** Column headings. */
  header: string[];
  /** Rows of cells. */
  rows: Cell[][];
  /** A tone per row (`null` for none). */
  rowTones?: (Tone | null)[];
}

/** The tables of the report. */
export interface SweepTables {
  /** The overview: one row per cell (runs, valid seeds, charted metrics). */
  overview: SweepTable;
  /** The verdict rates: one row per cell, one column per verdict. */
  verdictRates: SweepTable;
  /**
   * Every metric and verdict of every cell, grouped by metric: n, estimate, interval and
   * sd (or the inconclusive count of a verdict).
   */
  metrics: SweepTable;
  /** The grid table: the varied values. */
  grid: SweepTable;
  /** The pairwise comparisons: raw and Holm-adjusted p-values, and which survive. */
  comparisons: SweepTable;
}

/**
 * `"3 of 5 seeds valid; 2 excluded"` of a cell: its valid runs, its runs, and the invalid
 * ones left out of its figures (runs that did not complete have no figures either).
 */
export function cellValidity(c: CellStats): string {
  const excluded = c.excluded ?? 0;
  return `${c.valid} of ${c.runs} seeds valid${excluded ? `; ${excluded} excluded` : ""}`;
}

const pctOf = (level: number) => `${Math.round(level * 100)}%`;

const cellTones = (data: SweepReportData) =>
  data.cells.map((c) => (c.excluded ? "bad" : c.completed < c.runs ? "warn" : null));

/** One row per cell: runs, valid seeds and the charted metrics with intervals. */
function overviewTable(data: SweepReportData): SweepTable {
  const pct = pctOf(data.level);
  return {
    header: [
      "cell",
      "runs",
      "seeds counted",
      ...data.charted.map((m) => `${m} (mean [${pct} CI])`),
    ],
    rows: data.cells.map((c) => [
      c.cell,
      c.runs,
      cellValidity(c),
      ...data.charted.map((m) => meanText(c.metrics[m])),
    ]),
    rowTones: cellTones(data),
  };
}

/** One row per cell: every verdict's rate with its interval. */
function verdictRatesTable(data: SweepReportData): SweepTable {
  const pct = pctOf(data.level);
  return {
    header: ["cell", ...data.verdicts.map((v) => `${v} (rate [${pct} CI])`)],
    rows: data.cells.map((c) => [c.cell, ...data.verdicts.map((v) => rateText(c, v))]),
    rowTones: cellTones(data),
  };
}

/** Every metric and verdict of every cell, grouped by metric. */
function metricsTable(data: SweepReportData): SweepTable {
  const pct = pctOf(data.level);
  const metricRows = data.metrics.flatMap((m) =>
    data.cells.map((c): Cell[] => {
      const s = c.metrics[m];
      const label = isShareCI(s) ? `${m} (share)` : m;
      return [label, c.cell, s.n, s.n ? s.mean : "n/a", intervalText(s.lo, s.hi, s.n), s.sd];
    })
  );
  const verdictRows = data.verdicts.flatMap((v) =>
    data.cells.map((c): Cell[] => {
      const r = c.verdicts[v];
      const rate = r.n ? r.rate : "n/a";
      return [`${v} (rate)`, c.cell, r.n, rate, intervalText(r.lo, r.hi, r.n), r.inconclusive];
    })
  );
  return {
    header: ["field", "cell", "n", "estimate", `${pct} CI`, "sd / inconclusive"],
    rows: [...metricRows, ...verdictRows].map((r) =>
      r.map((x) => (typeof x === "number" && Number.isNaN(x) ? "n/a" : x))
    ),
  };
}

/** The pairwise comparisons as a table. */
function comparisonsTable(data: SweepReportData): SweepTable {
  return {
    header: [
      "field",
      "cell A",
      "cell B",
      "n (A, B)",
      "difference A − B",
      "p (raw)",
      "p (Holm)",
      `survives Holm at ${data.alpha}`,
    ],
    rows: data.comparisons.map((c) => [
      c.field,
      c.a,
      c.b,
      `${c.n_a}, ${c.n_b}`,
      c.diff,
      formatPValue(c.p),
      formatPValue(c.p_holm),
      c.survives ? "yes" : "no",
    ]),
    rowTones: data.comparisons.map((c) => (c.survives ? "good" : null)),
  };
}

/**
 * The report's tables: the grid, an overview with one row per cell (runs, valid seeds,
 * charted metrics and verdict rates with intervals), every metric of every cell (grouped by
 * metric), and the pairwise comparisons.
 *
 * @param data The report's data.
 * @returns Headers and rows (numbers stay numbers; the renderer formats them).
 *
 * @example
 * ```ts ignore
 * import { sweepReportData, sweepTables } from "./sweep_report.ts";
 * const { overview } = sweepTables(await sweepReportData("data/sweeps/grid"));
 * console.log(overview.header);
 * ```
 */
export function sweepTables(data: SweepReportData): SweepTables {
  const grid = {
    header: ["parameter", "values"],
    rows: Object.entries(data.grid).map(([k, vs]): Cell[] => [
      k,
      vs.map((v) => (typeof v === "number" ? formatNumber(v) : JSON.stringify(v))).join(", "),
    ]),
  };
  return {
    overview: overviewTable(data),
    verdictRates: verdictRatesTable(data),
    metrics: metricsTable(data),
    grid,
    comparisons: comparisonsTable(data),
  };
}

/** The sentence under the comparisons table. */
function comparisonsText(data: SweepReportData): string {
  const m = data.comparisons.length;
  if (m === 0) return "No comparison: no two cells have at least 2 valid runs each.";
  const k = data.comparisons.filter((c) => c.survives).length;
  const raw = data.comparisons.filter((c) => c.p <= data.alpha).length;
  return `${k} of ${m} comparisons survive Holm's correction at a family-wise level of ${data.alpha} (${raw} have a raw p-value at or below it). The family is every pair of cells on every charted metric and verdict, over the valid runs; p-values are two-sided permutation tests of the difference of means (exact when the splits are few; for a verdict, of the rates). A raw p-value below ${data.alpha} that does not survive is not evidence of a difference.`;
}

/**
 * The banners at the top: invalid runs (red) and runs that did not complete (a warning);
 * none for a clean sweep.
 *
 * @param data The report's data.
 * @returns The banners.
 */
export function sweepBanners(data: SweepReportData): { tone: Tone; text: string }[] {
  const out: { tone: Tone; text: string }[] = [];
  if (data.invalid) {
    out.push({
      tone: "bad",
      text:
        `${data.invalid} of ${data.runs} runs are invalid (valid: false): too many LLM decisions were replaced by the engine's fallback; they are excluded from every average, interval, verdict rate and comparison (each cell says how many seeds it counts).`,
    });
  }
  const parts = Object.entries(data.unfinished).map(([s, n]) => `${n} ${s}`);
  const total = Object.values(data.unfinished).reduce((a, b) => a + b, 0);
  if (total) {
    out.push({
      tone: "warn",
      text: `${total} of ${data.runs} runs did not complete (${
        parts.join(", ")
      }): they have no metrics.`,
    });
  }
  return out;
}

/** The line under the title. */
function lede(data: SweepReportData): string {
  const [a, b] = data.seeds;
  return `Experiment \`${data.experiment}\`; seeds ${a}..${b} (${
    b - a + 1
  } per cell); ${data.cells.length} cells, ${data.runs} runs. Intervals are ${
    pctOf(data.level)
  }: Student's t for means over seeds, an interval inside [0, 1] for shares, Wilson for verdict rates (over runs that reached a verdict).`;
}

/** The grid and the base config. */
function gridSection(data: SweepReportData, t: SweepTables): DocSection {
  const base = Object.entries(data.base ?? {});
  return {
    title: "Grid",
    blocks: [
      { table: t.grid },
      ...(base.length
        ? [
          { heading: "Base config" },
          {
            kv: base.map(([k, v]): [string, Cell] => [
              k,
              typeof v === "object" && v !== null ? JSON.stringify(v) : v as Cell,
            ]),
          },
        ]
        : []),
    ],
  };
}

/** The overview of the cells. */
function cellsSection(t: SweepTables): DocSection {
  return {
    title: "Cells",
    blocks: [
      { text: "One row per cell: the charted metrics over its valid seeds." },
      { table: { ...t.overview, sortable: true } },
      ...(t.verdictRates.header.length > 1
        ? [
          { heading: "Verdict rates" },
          {
            text:
              "One row per cell: the share of its valid runs whose verdict is true, with its interval, (true/counted), and how many were inconclusive (not counted).",
          },
          { table: { ...t.verdictRates, sortable: true } },
        ]
        : []),
    ],
  };
}

/** Every metric of every cell. */
function metricsSection(data: SweepReportData, t: SweepTables): DocSection {
  return {
    title: "Metrics",
    blocks: [
      {
        text:
          `Every numeric field of the runs' summaries (${data.metrics.length}) and every verdict (${data.verdicts.length}), per cell over its valid seeds: mean (or rate) with its ${
            pctOf(data.level)
          } interval.`,
      },
      { table: { ...t.metrics, sortable: true } },
    ],
  };
}

/** The comparisons of cells. */
function comparisonsSection(data: SweepReportData, t: SweepTables): DocSection {
  const blocks: Block[] = [{ text: comparisonsText(data) }];
  if (t.comparisons.rows.length) blocks.push({ table: { ...t.comparisons, sortable: true } });
  return { title: "Comparisons", blocks };
}

/** The figures as chart blocks. */
function figuresSection(figures: readonly SweepFigure[]): DocSection {
  return {
    title: "Figures",
    blocks: figures.length
      ? figures.map((f) => chartBlock(f.spec, f.file, f.caption))
      : [{ text: "No figure: no metric varies across the sweep and no verdict was reached." }],
  };
}

/**
 * The report of a sweep as a document: banners, the grid, the cells, every metric, the
 * comparisons, the models and seats (when seats were rotated) and the figures.
 *
 * @param data The report's data ({@linkcode sweepReportData}).
 * @returns The document (charts as Vega-Lite specs; `writeDocument` renders them).
 *
 * @example
 * ```ts ignore
 * import { sweepDocument, sweepReportData } from "./sweep_report.ts";
 * const doc = sweepDocument(await sweepReportData("data/sweeps/grid"));
 * console.log(doc.title);
 * ```
 */
export function sweepDocument(data: SweepReportData): ReportDocument {
  const [a, b] = data.seeds;
  const t = sweepTables(data);
  const seats = seatEffectsSection(data.seatEffects);
  return {
    title: `Sweep ${data.name}: ${data.experiment}, seeds ${a}..${b}`,
    banners: sweepBanners(data),
    intro: [{ text: lede(data) }],
    sections: [
      gridSection(data, t),
      cellsSection(t),
      metricsSection(data, t),
      comparisonsSection(data, t),
      ...(seats ? [seats] : []),
      figuresSection(sweepFigures(data)),
    ],
    footer: `Sweep directory: ${data.dir}`,
  };
}

/**
 * The report of a sweep directory as a document. Writes nothing.
 *
 * @param sweepDir The sweep directory (`sweep.json`, `index.jsonl`).
 * @param options Level, how many metrics to chart, the comparisons' alpha.
 * @returns The document.
 * @throws {ConfigError} When `sweep.json` is missing or malformed.
 * @throws {LogFormatError} When a line of `index.jsonl` is invalid.
 *
 * @example
 * ```ts ignore
 * import { sweepReport } from "./sweep_report.ts";
 * const doc = await sweepReport("data/sweeps/grid");
 * ```
 */
export async function sweepReport(
  sweepDir: string,
  options: SweepReportOptions = {},
): Promise<ReportDocument> {
  return sweepDocument(await sweepReportData(sweepDir, options));
}

/**
 * Writes the report of a sweep directory: `report.md`, a self-contained `report.html`
 * (charts inline) and each chart as an SVG file (linked from the Markdown).
 *
 * @param sweepDir The sweep directory (`sweep.json`, `index.jsonl`).
 * @param outDir Where to write; created when missing.
 * @param options Level and how many metrics to chart.
 * @returns The path of `report.html`.
 * @throws {ConfigError} When `sweep.json` is missing or malformed.
 * @throws {LogFormatError} When a line of `index.jsonl` is invalid.
 *
 * @example
 * ```ts ignore
 * import { writeSweepReport } from "./sweep_report.ts";
 * const html = await writeSweepReport("data/sweeps/grid", "reports/grid");
 * ```
 */
export async function writeSweepReport(
  sweepDir: string,
  outDir: string,
  options: SweepReportOptions = {},
): Promise<string> {
  const doc = await sweepReport(sweepDir, options);
  await Deno.mkdir(outDir, { recursive: true });
  return await writeDocument(outDir, doc);
}
