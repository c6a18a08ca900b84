/**
 * A chart as a block of a report document: a Vega-Lite spec with the file its SVG is
 * written to and its caption. The spec is kept as data; `writeDocument` renders it.
 *
 * @example
 * ```ts
 * import { chartBlock } from "./chart_block.ts";
 * const block = chartBlock({ mark: "point", data: { values: [] } }, "points.svg", "Nothing yet.");
 * console.log(block.chart.file); // points.svg
 * ```
 * @module
 */
import type { ChartBlock } from "../core/document.ts";
import type { TopLevelSpec } from "./render.ts";

/**
 * A chart block of a `ReportDocument` from a Vega-Lite spec.
 *
 * @param spec The Vega-Lite spec (data inline).
 * @param file The SVG file name written beside `report.md`, e.g. `fig01.svg`.
 * @param caption One sentence saying what the chart shows.
 * @returns The block.
 */
export function chartBlock(
  spec: TopLevelSpec,
  file: string,
  caption: string,
): { readonly chart: ChartBlock } {
  return { chart: { spec: spec as unknown as Readonly<Record<string, unknown>>, file, caption } };
}
