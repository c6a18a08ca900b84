/**
 * Notebook display that cannot lose a chart: {@linkcode show} sends a chart through
 * `Deno.jupyter.display` (never as a cell's last expression, which the kernel may drop) as a
 * bundle with the Vega-Lite spec (interactive in JupyterLab and VS Code), the SVG, and a
 * `text/html` `<img>` of the SVG as a data URI (which survives nbconvert's HTML export, where
 * inline SVG is stripped). {@linkcode showFrame} shows a Polars DataFrame as an HTML table.
 *
 * @example
 * ```ts ignore
 * import { show, showFrame } from "./display.ts";
 * await show({ mark: "bar", data: { values: [{ x: "a", y: 1 }] },
 *   encoding: { x: { field: "x" }, y: { field: "y", type: "quantitative" } } });
 * await showFrame(df, { rows: 10 });
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

type DisplayFn = (bundle: MediaBundle, options?: { raw?: boolean }) => Promise<void>;

/** `Deno.jupyter.display`, when running in the Deno kernel, followed by a short settle. */
function jupyterDisplay(): DisplayFn | null {
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

/** A minimal structural view of a Polars DataFrame (so this module needs no Polars import). */
export interface FrameLike {
  /** The column names, in order. */
  columns: string[];
  /** The number of rows. */
  height: number;
  /** The first `n` rows, as a frame. */
  head(n: number): FrameLike;
  /** The rows as plain objects, column name to value. */
  toRecords(): Record<string, unknown>[];
}

function cell(v: unknown, digits: number): string {
  if (typeof v === "number") {
    return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toFixed(digits) : String(v);
  }
  if (typeof v === "bigint") return v.toString();
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** An HTML table of a frame's first `rows` rows (numbers with `digits` decimals). */
export function frameHtml(df: FrameLike, options: { rows?: number; digits?: number } = {}): string {
  const { rows = 20, digits = 4 } = options;
  const head = df.head(rows).toRecords();
  const th = df.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = head.map((r) =>
    `<tr>${df.columns.map((c) => `<td>${escapeHtml(cell(r[c], digits))}</td>`).join("")}</tr>`
  ).join("");
  const more = df.height > head.length
    ? `<p><small>${head.length} of ${df.height} rows</small></p>`
    : "";
  return `<table class="lab-frame"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

/** Shows a frame as an HTML table in the notebook (a text table elsewhere). */
export async function showFrame(
  df: FrameLike,
  options: { rows?: number; digits?: number } = {},
): Promise<void> {
  const display = jupyterDisplay();
  const html = frameHtml(df, options);
  if (display) {
    await display({ "text/html": html, "text/plain": String(df) }, { raw: true });
  } else console.log(String(df));
}

/** Shows plain records (e.g. a table of metrics) as an HTML table. */
export async function showTable(
  records: readonly Record<string, unknown>[],
  options: { digits?: number } = {},
): Promise<void> {
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const frame: FrameLike = {
    columns,
    height: records.length,
    head: () => frame,
    toRecords: () => [...records] as Record<string, unknown>[],
  };
  await showFrame(frame, { rows: records.length, digits: options.digits });
}
