/**
 * Rendering of Vega-Lite specs: to an SVG string (headless, no canvas, no network), and to a
 * rich display object for the Deno Jupyter kernel.
 *
 * @example
 * ```ts
 * import { toSvg } from "./render.ts";
 * const svg = await toSvg({
 *   data: { values: [{ x: 1, y: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * console.log(svg.startsWith("<svg")); // true
 * ```
 * @module
 */
import type { TopLevelSpec as VegaLiteTopLevelSpec } from "vega-lite";

/**
 * A Vega-Lite spec (vega-lite's `TopLevelSpec`): what every chart builder returns and
 * {@linkcode toSvg} renders.
 */
export type TopLevelSpec = VegaLiteTopLevelSpec;

/** The MIME type the notebook front-ends render Vega-Lite with. */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

/** The `$schema` put on specs sent to notebooks (their renderers are Vega-Lite 5). */
const NOTEBOOK_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** The symbol the Deno Jupyter kernel looks for (`Deno.jupyter.$display`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A MIME bundle: MIME type to content. */
export type MediaBundle = Record<string, unknown>;

/** An object the Deno Jupyter kernel displays with its bundle. */
export interface Displayable {
  /** The MIME bundle the kernel shows for this object. */
  [JUPYTER_DISPLAY](): MediaBundle;
}

/**
 * Renders a Vega-Lite spec to an SVG string: Vega-Lite compile, then a headless Vega view
 * (renderer `none`). Data must be inline: nothing is fetched.
 *
 * @param spec A Vega-Lite spec.
 * @returns The SVG markup, starting with `<svg`.
 * @throws {Error} When the spec does not compile.
 *
 * @example
 * ```ts
 * import { toSvg } from "./render.ts";
 * import { cumulativeRewardChart } from "../engines/blockchain/charts.ts";
 * const svg = await toSvg(cumulativeRewardChart([{ round: 1, agent: "a", cumulative_reward: 1 }]));
 * await Deno.writeTextFile("rewards.svg", svg);
 * ```
 */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on first use: Vega is most of a run's start-up otherwise (`--no-report` runs skip it).
  const [{ compile }, { parse, View }] = await Promise.all([import("vega-lite"), import("vega")]);
  const { spec: vgSpec } = compile(spec);
  const view = new View(parse(vgSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A notebook display of a chart: an object whose `Symbol.for("Jupyter.display")` method
 * returns the Vega-Lite spec (`application/vnd.vegalite.v5+json`, interactive in JupyterLab
 * and VS Code), the rendered SVG (`image/svg+xml`, for viewers without Vega) and a plain-text
 * title. The SVG is rendered here, so `await` the call; put the result last in a cell, or
 * pass it to `Deno.jupyter.display` to show it mid-cell.
 *
 * @param spec A Vega-Lite spec.
 * @returns The displayable object.
 *
 * @example
 * ```ts
 * import { display } from "./render.ts";
 * import { verdictPanel } from "../engines/blockchain/charts.ts";
 * await display(verdictPanel({ c: 0.1, p: 0.8, d: 0.05 })); // last expression of a cell
 * ```
 */
export async function display(spec: TopLevelSpec): Promise<Displayable> {
  const svg = await toSvg(spec);
  const t = spec.title;
  const text = typeof t === "object" && t !== null && !Array.isArray(t) ? t.text : t;
  const title = typeof text === "string" ? text : Array.isArray(text) ? text.join(" ") : "chart";
  const bundle: MediaBundle = {
    [VEGALITE_MIME]: { ...spec, $schema: NOTEBOOK_SCHEMA },
    "image/svg+xml": svg,
    "text/plain": `[chart: ${title}]`,
  };
  return { [JUPYTER_DISPLAY]: () => bundle };
}
