/**
 * Charts, generic: rendering Vega-Lite specs to SVG and to notebook displays. Chart builders
 * live with their engine (e.g. `lib/engines/blockchain/charts.ts`) and return specs.
 *
 * - `render.ts`: {@linkcode toSvg} and {@linkcode display}.
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
