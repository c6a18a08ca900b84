/**
 * Charts, generic: rendering Vega-Lite specs to SVG and to notebook displays. Chart builders
 * live with their engine (e.g. `lib/engines/blockchain/charts.ts`) and return specs.
 *
 * - `render.ts`: {@linkcode toSvg} and {@linkcode display};
 * - `display.ts`: {@linkcode show} (charts through `Deno.jupyter.display`, with an `<img>`
 *   fallback that survives HTML export) and {@linkcode showFrame} (DataFrames as HTML tables);
 * - `chart_block.ts`: {@linkcode chartBlock}, a spec as a chart block of a report document;
 * - `palette.ts`: {@linkcode agentScale}, the colours with a meaning, the legend titles.
 *
 * @example
 * ```ts
 * import { toSvg } from "./mod.ts";
 * const svg = await toSvg({ mark: "bar", data: { values: [{ x: 1 }] }, encoding: { x: { field: "x" } } });
 * console.log(svg.includes("<svg")); // true
 * ```
 * @module
 */
export * from "./render.ts";
export * from "./display.ts";
export * from "./palette.ts";
export * from "./chart_block.ts";
