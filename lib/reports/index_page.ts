/**
 * `reports/index.html`: every run and sweep of the catalog (newest first), with date,
 * experiment, seed or cells, status, verdicts and validity, linking each report, as a
 * {@linkcode ReportDocument} ({@linkcode indexDocument}) whose table sorts on a click;
 * {@linkcode writeReportIndex} writes it.
 *
 * @example
 * ```ts
 * import { indexDocument } from "./index_page.ts";
 * const doc = indexDocument("reports", []);
 * console.log(doc.title); // LLM Game Lab: runs, sweeps, studies and profiles
 * ```
 *
 * @module
 */
import { relative } from "node:path";
import type { IndexEntry } from "../core/catalog.ts";
import type { Cell, ReportDocument, TableBlock, Tone } from "../core/document.ts";
import { formatNumber, writeDocument } from "./render_document.ts";

function verdictText(verdicts: Record<string, unknown>): string {
  return Object.entries(verdicts).map(([k, v]) => {
    const value = typeof v === "number" ? formatNumber(v) : String(v);
    return `${k.replaceAll("_", " ")}: ${value}`;
  }).join("; ");
}

function scopeText(e: IndexEntry): string {
  if (e.kind === "run") return `seed ${e.seed ?? "?"}`;
  if (e.kind === "study" && !e.cells) return "played in process";
  return `${e.cells} ${e.kind === "profile" ? "models" : "cells"}, ${e.runs} runs`;
}

const INDEX_HEADER = [
  "date (UTC)",
  "kind",
  "experiment",
  "name",
  "seed / cells",
  "status",
  "verdicts",
  "validity",
];

/**
 * The index table: one row per entry, the name linking its report (relative to `root`),
 * invalid entries toned `bad`.
 *
 * @param root The folder the index is written to.
 * @param entries The entries, in order.
 * @returns The table block (sortable).
 *
 * @example
 * ```ts
 * import { indexTable } from "./index_page.ts";
 * const t = indexTable("reports", [{ kind: "run", id: "r1", experiment: "ipd", created: "2025-01-01T00:00:00Z",
 *   seed: 0, status: "completed", verdicts: {}, valid: false, validity: "", report: "reports/r1/report.html" }]);
 * console.log(t.rows[0][3], t.rowTones?.[0]); // { text: "r1", href: "r1/report.html" } bad
 * ```
 */
export function indexTable(root: string, entries: readonly IndexEntry[]): TableBlock {
  const rows = entries.map((e): Cell[] => {
    const valid = e.valid === null ? "" : e.valid ? "valid" : "INVALID";
    return [
      e.created.replace("T", " ").slice(0, 19),
      e.kind,
      e.experiment,
      e.report ? { text: e.id, href: relative(root, e.report) } : e.id,
      scopeText(e),
      e.status,
      verdictText(e.verdicts),
      [valid, e.validity].filter((x) => x).join(": "),
    ];
  });
  const rowTones = entries.map((e): Tone | null => (e.valid === false ? "bad" : null));
  return { header: INDEX_HEADER, rows, rowTones, sortable: true };
}

/**
 * The index of `entries` as a document: one sortable table.
 *
 * @param root The folder the index is written to (links are relative to it).
 * @param entries The entries, newest first.
 * @returns The document.
 */
export function indexDocument(root: string, entries: readonly IndexEntry[]): ReportDocument {
  return {
    title: "LLM Game Lab: runs, sweeps, studies and profiles",
    intro: [{ text: `${entries.length} entries, newest first.` }],
    sections: [{ title: "Entries", blocks: [{ table: indexTable(root, entries) }] }],
  };
}

/** Writes `index.html` into `root` listing `entries`; returns its path. */
export async function writeReportIndex(
  root: string,
  entries: readonly IndexEntry[],
): Promise<string> {
  await Deno.mkdir(root, { recursive: true });
  return await writeDocument(root, indexDocument(root, entries), {
    name: "index",
    markdown: false,
  });
}
