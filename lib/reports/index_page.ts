/**
 * `reports/index.html`: every run and sweep of the catalog (newest first), with date,
 * experiment, seed or cells, status, verdicts and validity, linking each report; the columns
 * sort on a click (a few lines of inline script, nothing from the network).
 *
 * @module
 */
import { join, relative } from "node:path";
import { escapeHtml, htmlPage } from "./html.ts";

/** One line of the index (a catalog entry with its report, when there is one). */
export interface IndexEntry {
  /** What the line is: a run, a sweep, a profile or a study. */
  kind: "run" | "sweep" | "profile" | "study";
  /** The run's or sweep's id (its directory's name). */
  id: string;
  /** The experiment's name. */
  experiment: string;
  /** ISO time it was created. */
  created: string;
  /** A run's seed. */
  seed?: number;
  /** A sweep's cell count (a profile's: its models). */
  cells?: number;
  /** A sweep's (or profile's) finished runs. */
  runs?: number;
  /** `completed`, `running`, `stopped`, `failed`, or for a sweep `complete`/`partial`. */
  status: string;
  /** Verdict values (`true`, `false`, `"inconclusive"`) or, for a sweep, rates. */
  verdicts: Record<string, unknown>;
  /** `false` when invalid (a sweep: any run invalid); `null` when unknown. */
  valid: boolean | null;
  /** A one-line account of validity, e.g. `12 of 12 fallbacks`. */
  validity: string;
  /** The report's HTML path. */
  report?: string;
}

const SORT_SCRIPT = `<script>
document.querySelectorAll("th").forEach((th, col) => th.addEventListener("click", () => {
  const body = th.closest("table").tBodies[0];
  const asc = th.dataset.dir !== "asc";
  th.dataset.dir = asc ? "asc" : "desc";
  const key = (tr) => tr.children[col].dataset.sort ?? tr.children[col].textContent;
  [...body.rows].sort((a, b) => (asc ? 1 : -1) * key(a).localeCompare(key(b), undefined, { numeric: true }))
    .forEach((tr) => body.appendChild(tr));
}));
</script>`;

function verdictText(verdicts: Record<string, unknown>): string {
  return Object.entries(verdicts).map(([k, v]) => `${k.replaceAll("_", " ")}: ${String(v)}`)
    .join("; ");
}

/** The table rows of the index. */
export function indexRows(root: string, entries: readonly IndexEntry[]): string[] {
  return entries.map((e) => {
    const name = e.report
      ? `<a href="${escapeHtml(relative(root, e.report))}">${escapeHtml(e.id)}</a>`
      : escapeHtml(e.id);
    const scope = e.kind === "run"
      ? `seed ${e.seed ?? "?"}`
      : e.kind === "study" && !e.cells
      ? "played in process"
      : `${e.cells} ${e.kind === "profile" ? "models" : "cells"}, ${e.runs} runs`;
    const valid = e.valid === null ? "" : e.valid ? "valid" : "INVALID";
    const cls = e.valid === false ? ' class="invalid-row"' : "";
    return `<tr${cls}><td data-sort="${escapeHtml(e.created)}">${
      escapeHtml(e.created.replace("T", " ").slice(0, 19))
    }</td><td>${e.kind}</td><td>${escapeHtml(e.experiment)}</td><td>${name}</td><td>${
      escapeHtml(scope)
    }</td><td>${escapeHtml(e.status)}</td><td>${escapeHtml(verdictText(e.verdicts))}</td><td>${
      escapeHtml([valid, e.validity].filter((x) => x).join(": "))
    }</td></tr>`;
  });
}

/** Writes `index.html` into `root` listing `entries`; returns its path. */
export async function writeReportIndex(
  root: string,
  entries: readonly IndexEntry[],
): Promise<string> {
  await Deno.mkdir(root, { recursive: true });
  const header = [
    "date (UTC)",
    "kind",
    "experiment",
    "name",
    "seed / cells",
    "status",
    "verdicts",
    "validity",
  ];
  const body = [
    "<h1>LLM Game Lab: runs and sweeps</h1>",
    `<p>${entries.length} entries, newest first; click a column to sort.</p>`,
    `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>`,
    `<tbody>\n${indexRows(root, entries).join("\n")}\n</tbody></table>`,
    SORT_SCRIPT,
  ].join("\n");
  const path = join(root, "index.html");
  await Deno.writeTextFile(path, htmlPage("LLM Game Lab: runs and sweeps", body));
  return path;
}
