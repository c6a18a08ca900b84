/**
 * Charts: Vega-Lite spec builders (plain data in, spec objects out) and their rendering to
 * SVG and to notebook displays.
 *
 * - `blockchain_charts.ts`: effort allocation, efficiency, cumulative reward, verdict panel;
 * - `render.ts`: {@linkcode toSvg} and {@linkcode display}.
 *
 * @example
 * ```ts
 * import { toSvg, verdictPanel } from "./mod.ts";
 * const svg = await toSvg(verdictPanel({ c: 0.1, p: 0.8, d: 0.05 }));
 * console.log(svg.includes("<svg")); // true
 * ```
 * @module
 */
export * from "./blockchain_charts.ts";
export * from "./render.ts";
