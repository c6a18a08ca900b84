/**
 * Notebook display that cannot lose a chart: {@linkcode show} sends a chart through
 * `Deno.jupyter.display` (never as a cell's last expression, which the kernel may drop) as a
 * bundle with the Vega-Lite spec (interactive in JupyterLab and VS Code), the SVG, and a
 * `text/html` `<img>` of the SVG as a data URI (which survives nbconvert's HTML export, where
 * inline SVG is stripped). Tables (`showFrame`, `showTable`) are in
 * `lib/reports/table_display.ts`: their HTML comes from the report renderer.
 *
 * @example
 * ```ts ignore
 * import { show } from "./display.ts";
 * await show({ mark: "bar", data: { values: [{ x: "a", y: 1 }] },
 *   encoding: { x: { field: "x" }, y: { field: "y", type: "quantitative" } } });
 * ```
 * @module
 */
import { type MediaBundle, type TopLevelSpec, toSvg, VEGALITE_MIME } from "./render.ts";

const NOTEBOOK_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

function titleOf(spec: TopLevelSpec): string {
  const t = spec.title;
  const text = typeof t === "object" && t !== null && !Array.isArray(t) ? t.text : t;
  return typeof text === "string" ? text : Array.isArray(text) ? text.join(" ") : "chart";
}

/** Base64 of UTF-8 text. */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/**
 * The MIME bundle of a chart: Vega-Lite, SVG, an HTML `<img>` of the SVG, and a text title.
 * Every bundle carries the marker class `lab-chart` in its HTML so tests can count charts.
 */
export async function chartBundle(spec: TopLevelSpec): Promise<MediaBundle> {
  const svg = await toSvg(spec);
  const title = titleOf(spec);
  return {
    [VEGALITE_MIME]: { ...spec, $schema: NOTEBOOK_SCHEMA },
    "image/svg+xml": svg,
    "text/html": `<img class="lab-chart" alt="${
      escapeHtml(title)
    }" src="data:image/svg+xml;base64,${base64(svg)}">`,
    "text/plain": `[chart: ${title}]`,
  };
}

/**
 * How long to wait after a display so the kernel's output channel is flushed before the cell
 * ends: without it, a display sent by a cell's last statement is occasionally dropped by the
 * front-end (measured: 1 chart lost in 10 headless executions of a 4-chart notebook).
 */
export const DISPLAY_SETTLE_MS = 60;

/** A notebook display function: shows a MIME bundle. */
export type DisplayFn = (bundle: MediaBundle, options?: { raw?: boolean }) => Promise<void>;

/**
 * `Deno.jupyter.display`, when running in the Deno kernel, followed by a short settle
 * ({@linkcode DISPLAY_SETTLE_MS}); `null` outside a notebook.
 *
 * @returns The display function, or `null`.
 */
export function jupyterDisplay(): DisplayFn | null {
  const j = (Deno as unknown as { jupyter?: { display?: DisplayFn } }).jupyter;
  if (!j?.display) return null;
  const display = j.display.bind(j);
  return async (bundle, options) => {
    await display(bundle, options);
    await new Promise((resolve) => setTimeout(resolve, DISPLAY_SETTLE_MS));
  };
}

/**
 * Shows a chart in the notebook (through `Deno.jupyter.display`), or, outside a notebook,
 * prints its title. Returns nothing, so a cell ending in `await show(...)` adds no second
 * output; use {@linkcode chartBundle} to get the bundle itself.
 */
export async function show(spec: TopLevelSpec): Promise<void> {
  const bundle = await chartBundle(spec);
  const display = jupyterDisplay();
  if (display) await display(bundle, { raw: true });
  else console.log(bundle["text/plain"]);
}
