/**
 * Vega-Lite spec builders for the delegation mechanism. Each takes the plain records of
 * `analysis.ts` and returns a spec; nothing is rendered here (see `lib/charts/render.ts`).
 * Phases have fixed colours across every chart; providers take the report's agent scale.
 *
 * @example
 * ```ts
 * import { phaseCountChart } from "./charts.ts";
 * const spec = phaseCountChart([{ phase: "exploration", delegations: 45 }]);
 * console.log(spec.title); // "Delegations per phase"
 * ```
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { agentScale, LEGEND_TITLES, MEANING_COLORS } from "../../charts/palette.ts";
import { PHASE_SLOTS } from "./summary.ts";

/**
 * A Polars DataFrame as the charts read it (only its rows as records). Structural, so this
 * file never loads Polars: the reports, which must not, draw these charts from plain records.
 */
export interface RecordFrame {
  /** The rows as plain records. */
  toRecords(): Record<string, unknown>[];
}

/** A chart's data: plain records or a Polars frame of `analysis.ts` with those columns. */
export type ChartRows<T> = readonly T[] | RecordFrame;

/** The records of chart data (a frame's rows as records). */
function rowsOf<T>(data: ChartRows<T>): T[] {
  return Array.isArray(data) ? [...data] : (data as RecordFrame).toRecords() as T[];
}

/** The colour of each phase (the same in every chart). */
export const PHASE_COLORS: Readonly<Record<(typeof PHASE_SLOTS)[number], string>> = Object
  .freeze({
    exploration: MEANING_COLORS.neutral,
    exploitation: "#4e79a7",
    bonus: "#a0cbe8",
    incentive: MEANING_COLORS.parasitic,
    utility_based: MEANING_COLORS.construct,
  });

const phaseColor = {
  field: "phase",
  type: "nominal",
  title: LEGEND_TITLES.phase,
  scale: { domain: [...PHASE_SLOTS], range: PHASE_SLOTS.map((p) => PHASE_COLORS[p]) },
} as const;

/**
 * Delegations over time: one tick per delegation (or per sampled delegation), a lane per
 * provider, coloured by phase.
 *
 * @param data From `phaseTimeline` (records or its Polars frame).
 */
export function phaseTimelineChart(
  data: ChartRows<{ time: number; provider: string; phase: string; model?: string }>,
): TopLevelSpec {
  const points = rowsOf(data);
  return {
    title: "Delegations over time by phase",
    width: 760,
    height: { step: 36 },
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: "tick", thickness: 1.5 },
    encoding: {
      x: {
        field: "time",
        type: "quantitative",
        title: "time step",
        scale: { nice: false, zero: true },
      },
      y: { field: "provider", type: "nominal", title: LEGEND_TITLES.provider },
      color: phaseColor,
      tooltip: [
        { field: "time", type: "quantitative" },
        { field: "provider", type: "nominal" },
        { field: "phase", type: "nominal" },
        { field: "model", type: "nominal" },
      ],
    },
  } as TopLevelSpec;
}

/**
 * Delegations per phase, from the summary (for runs that logged no rows).
 *
 * @param data From `phaseCounts` (records or its Polars frame).
 */
export function phaseCountChart(
  data: ChartRows<{ phase: string; delegations: number }>,
): TopLevelSpec {
  const counts = rowsOf(data);
  return {
    title: "Delegations per phase",
    width: 520,
    height: { step: 28 },
    data: { values: counts.map((c) => ({ ...c })) },
    mark: { type: "bar" },
    encoding: {
      y: { field: "phase", type: "nominal", sort: [...PHASE_SLOTS], title: LEGEND_TITLES.phase },
      x: { field: "delegations", type: "quantitative", title: "delegations" },
      color: { ...phaseColor, legend: null },
      tooltip: [{ field: "phase" }, { field: "delegations", type: "quantitative" }],
    },
  } as TopLevelSpec;
}

/**
 * Per-provider utilities: the provider's own utility and the user's utility of its
 * delegations, side by side (two panels: their scales differ by orders of magnitude).
 *
 * @param data From `providerUtilities` (records or its Polars frame).
 */
export function providerUtilityChart(
  data: ChartRows<{ provider: string; measure: string; value: number }>,
): TopLevelSpec {
  const rows = rowsOf(data);
  const scale = agentScale(rows.map((r) => r.provider));
  return {
    title: "Utilities per provider",
    data: { values: rows.map((r) => ({ ...r })) },
    facet: { column: { field: "measure", type: "nominal", title: null } },
    resolve: { scale: { x: "independent" } },
    spec: {
      width: 300,
      height: { step: 28 },
      mark: { type: "bar" },
      encoding: {
        y: { field: "provider", type: "nominal", title: LEGEND_TITLES.provider },
        x: { field: "value", type: "quantitative", title: "utility ($ or reward units)" },
        color: {
          field: "provider",
          type: "nominal",
          title: LEGEND_TITLES.provider,
          scale,
          legend: null,
        },
        tooltip: [{ field: "provider" }, { field: "measure" }, {
          field: "value",
          type: "quantitative",
          format: ".4f",
        }],
      },
    },
  } as TopLevelSpec;
}

/**
 * The study's user-utility heatmap: rows the strategies of every provider but the last,
 * columns the last provider's, cells the mean total user utility, labelled.
 *
 * @param data From `heatmapCells` (records or its Polars frame).
 */
export function userUtilityHeatmap(
  data: ChartRows<{ row: string; column: string; user_utility: number }>,
): TopLevelSpec {
  const cells = rowsOf(data);
  const order = (xs: string[]) => [...new Set(xs)];
  const rowOrder = order(cells.map((c) => c.row));
  const colOrder = order(cells.map((c) => c.column));
  return {
    title: "Total user utility by strategy combination",
    data: { values: cells.map((c) => ({ ...c })) },
    width: { step: 90 },
    height: { step: 24 },
    encoding: {
      y: { field: "row", type: "ordinal", sort: rowOrder, title: "providers 1..K-1 strategies" },
      x: { field: "column", type: "ordinal", sort: colOrder, title: "last provider's strategy" },
    },
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          color: {
            field: "user_utility",
            type: "quantitative",
            title: "user utility",
            scale: { scheme: "blues" },
          },
          tooltip: [{ field: "row" }, { field: "column" }, {
            field: "user_utility",
            type: "quantitative",
            format: ".1f",
          }],
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          text: { field: "user_utility", type: "quantitative", format: ".0f" },
          color: {
            condition: {
              test: `datum.user_utility > ${midpoint(cells.map((c) => c.user_utility))}`,
              value: "white",
            },
            value: "black",
          },
        },
      },
    ],
  } as TopLevelSpec;
}

function midpoint(xs: number[]): number {
  if (xs.length === 0) return 0;
  const v = (Math.min(...xs) + Math.max(...xs)) / 2;
  return Number.isFinite(v) ? v : 0;
}

/**
 * Each provider's utility by its own strategy (mean over the combinations and seeds it
 * played it in, with the range as a rule).
 *
 * @param data From `utilityByOwnStrategy` (records or its Polars frame).
 */
export function utilityByStrategyChart(
  data: ChartRows<{
    provider: string;
    strategy: string;
    utility: number;
    min: number;
    max: number;
  }>,
): TopLevelSpec {
  const rows = rowsOf(data);
  const scale = agentScale(rows.map((r) => r.provider));
  const strategies = [...new Set(rows.map((r) => r.strategy))];
  return {
    title: "Provider utility by its own strategy (mean, range)",
    data: { values: rows.map((r) => ({ ...r })) },
    width: { step: 26 },
    height: 260,
    encoding: {
      x: { field: "strategy", type: "nominal", sort: strategies, title: "own strategy" },
      xOffset: { field: "provider", type: "nominal", sort: scale.domain },
      color: { field: "provider", type: "nominal", title: LEGEND_TITLES.provider, scale },
    },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          y: { field: "utility", type: "quantitative", title: "provider utility ($)" },
          tooltip: [{ field: "provider" }, { field: "strategy" }, {
            field: "utility",
            type: "quantitative",
            format: ".4f",
          }],
        },
      },
      {
        mark: { type: "rule", color: MEANING_COLORS.reference },
        encoding: {
          y: { field: "min", type: "quantitative" },
          y2: { field: "max" },
          color: { value: MEANING_COLORS.reference },
        },
      },
    ],
  } as TopLevelSpec;
}

/**
 * The user's regret per task against a benchmark as `T` grows (log x axis): a line per
 * user (mechanism, no mechanism) through the mean over seeds, a rule for each interval.
 * Points with a non-finite bound (one seed) are drawn without the rule.
 *
 * @param rows One per horizon and user: `T`, `user`, `mean`, `lo`, `hi`.
 *
 * @example
 * ```ts
 * import { regretSeriesChart } from "./charts.ts";
 * const spec = regretSeriesChart([{ T: 100, user: "mechanism", mean: 1, lo: 0.5, hi: 1.5 }]);
 * console.log(spec.title); // "User regret per task against the oracle, as T grows"
 * ```
 */
export function regretSeriesChart(
  rows: readonly { T: number; user: string; mean: number; lo: number; hi: number }[],
): TopLevelSpec {
  const values = rows.map((r) => ({
    ...r,
    lo: Number.isFinite(r.lo) ? r.lo : null,
    hi: Number.isFinite(r.hi) ? r.hi : null,
  }));
  const color = { field: "user", type: "nominal", title: "user" } as const;
  return {
    title: "User regret per task against the oracle, as T grows",
    width: 520,
    height: 280,
    data: { values },
    encoding: {
      x: { field: "T", type: "quantitative", scale: { type: "log" }, title: "T (log scale)" },
      color,
    },
    layer: [
      {
        mark: { type: "line", point: true },
        encoding: {
          y: { field: "mean", type: "quantitative", title: "regret per task (reward units)" },
          tooltip: [
            { field: "T" },
            { field: "user" },
            {
              field: "mean",
              type: "quantitative",
              format: ".4f",
            },
            { field: "lo", format: ".4f" },
            { field: "hi", format: ".4f" },
          ],
        },
      },
      {
        mark: { type: "rule" },
        transform: [{ filter: "datum.lo !== null && datum.hi !== null" }],
        encoding: { y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
      },
    ],
  } as TopLevelSpec;
}
