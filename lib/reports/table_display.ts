/**
 * Tables in notebooks: {@linkcode showFrame} shows a Polars DataFrame and
 * {@linkcode showTable} plain records as an HTML table (rendered by the report renderer, so
 * numbers read as in the reports), sent through `Deno.jupyter.display`; outside a notebook
 * they print a text table.
 *
 * @example
 * ```ts ignore
 * import { showFrame, showTable } from "./table_display.ts";
 * await showFrame(df, { rows: 10 });
 * await showTable([{ model: "a", score: 0.123456 }]);
 * ```
 * @module
 */
import type { Cell, TableBlock } from "../core/document.ts";
import { jupyterDisplay } from "../charts/display.ts";
import { blocksHtml, formatNumber } from "./render_document.ts";

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

/** Options of {@linkcode frameTable}, {@linkcode showFrame} and {@linkcode showTable}. */
export interface FrameTableOptions {
  /** The most rows shown. @default {20} */
  rows?: number;
  /** Decimals of non-integer numbers; without it numbers are formatted for people. */
  digits?: number;
}

function cell(v: unknown, digits: number | undefined): Cell {
  if (typeof v === "number") {
    if (digits === undefined || Number.isInteger(v) || !Number.isFinite(v)) return v;
    return v.toFixed(digits);
  }
  if (typeof v === "bigint") return v.toString();
  if (v === null || v === undefined || typeof v !== "object") return v as Cell;
  return JSON.stringify(v);
}

/**
 * A frame's first rows as a table block (numbers formatted for people, or to `digits`).
 *
 * @param df The frame.
 * @param options Rows and digits.
 * @returns The table and how many rows the frame has beyond it.
 *
 * @example
 * ```ts
 * import { frameTable } from "./table_display.ts";
 * const rows = [{ a: 1, b: 0.123456 }];
 * const df = { columns: ["a", "b"], height: 1, head: () => df, toRecords: () => rows };
 * console.log(frameTable(df).table.rows); // [[1, 0.123456]]
 * ```
 */
export function frameTable(
  df: FrameLike,
  options: FrameTableOptions = {},
): { table: TableBlock; more: number } {
  const { rows = 20, digits } = options;
  const head = df.head(rows).toRecords();
  return {
    table: { header: df.columns, rows: head.map((r) => df.columns.map((c) => cell(r[c], digits))) },
    more: df.height - head.length,
  };
}

/**
 * A frame's first rows as an HTML table (with a line saying how many rows are left out).
 *
 * @param df The frame.
 * @param options Rows and digits.
 * @returns The markup.
 */
export function frameHtml(df: FrameLike, options: FrameTableOptions = {}): string {
  const { table, more } = frameTable(df, options);
  const note = more > 0 ? [{ note: `${df.height - more} of ${df.height} rows` }] : [];
  return blocksHtml([{ table }, ...note]);
}

/** Shows a frame as an HTML table in the notebook (a text table elsewhere). */
export async function showFrame(df: FrameLike, options: FrameTableOptions = {}): Promise<void> {
  const display = jupyterDisplay();
  if (display) {
    await display({ "text/html": frameHtml(df, options), "text/plain": String(df) }, {
      raw: true,
    });
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
    toString: () =>
      [columns.join("\t"), ...records.map((r) => columns.map((c) => textOf(r[c])).join("\t"))]
        .join("\n"),
  } as FrameLike;
  await showFrame(frame, { rows: records.length, digits: options.digits });
}

function textOf(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  return v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
}
