/**
 * `reports/index.html`: one line per run of the default set, linking each run's report.
 *
 * @module
 */
import { join, relative } from "node:path";
import { escapeHtml, htmlPage } from "./html.ts";

/** One run listed on the index. */
export interface IndexEntry {
  experiment: string;
  id: string;
  report?: string;
  /** A few headline figures. */
  headline: string;
}

/** Writes `index.html` into `root`; returns its path. */
export async function writeReportIndex(root: string, entries: IndexEntry[]): Promise<string> {
  await Deno.mkdir(root, { recursive: true });
  const items = entries.map((e) => {
    const link = e.report
      ? `<a href="${escapeHtml(relative(root, e.report))}">${escapeHtml(e.id)}</a>`
      : escapeHtml(e.id);
    return `<li><b>${escapeHtml(e.experiment)}</b>: ${link}<br><small>${
      escapeHtml(e.headline)
    }</small></li>`;
  });
  const path = join(root, "index.html");
  await Deno.writeTextFile(
    path,
    htmlPage(
      "LLM Game Lab reports",
      `<h1>LLM Game Lab: reports</h1>\n<ul>\n${items.join("\n")}\n</ul>`,
    ),
  );
  return path;
}
