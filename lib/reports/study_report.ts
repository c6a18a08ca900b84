/**
 * The report of a study (`deno task run study <name>`): one document of sections, each a list
 * of parts (paragraphs, sub-headings, tables, charts), written as a self-contained
 * `report.html` (charts inline), a `report.md` (charts as SVG files beside it) and the
 * study's data as `study.json`. Also a chart builder every study uses: means or rates with
 * their intervals, by category. Nothing here names an engine.
 *
 * @example
 * ```ts ignore
 * import { writeStudyReport } from "./study_report.ts";
 * await writeStudyReport("reports/study-rq2", {
 *   title: "RQ2",
 *   sections: [{ title: "Question", parts: [{ text: "Do miners ...?" }] }],
 *   data: {},
 * });
 * ```
 * @module
 */
import { join } from "node:path";
import type { TopLevelSpec } from "../charts/render.ts";
import { escapeHtml, htmlPage, htmlTable, mdTable } from "./html.ts";

/** A part of a section: a paragraph, a sub-heading, a list, a table or a rendered chart. */
export type StudyPart =
  | { text: string }
  | { heading: string }
  | { list: string[] }
  | { table: { header: string[]; rows: unknown[][] } }
  | { chart: { file: string; svg: string; caption: string } };

/** A section of a study report: a heading and its parts, in order. */
export interface StudySection {
  /** The `<h2>` heading. */
  title: string;
  /** Its parts, in order. */
  parts: StudyPart[];
}

/** A whole study report. */
export interface StudyDocument {
  /** The `<h1>` title. */
  title: string;
  /** Question, Design, Answer, Caveats (and any others), in order. */
  sections: StudySection[];
  /** Everything behind the figures (written as `study.json`). */
  data: Record<string, unknown>;
}

/**
 * A figure with its interval as text: `0.25 [0.1, 0.4]`; an unbounded or missing bound is
 * `n/a` (one seed gives no interval).
 *
 * @example
 * ```ts
 * import { ciText } from "./study_report.ts";
 * console.log(ciText({ mean: 0.25, lo: 0.1, hi: 0.4 })); // 0.25 [0.1, 0.4]
 * ```
 */
export function ciText(ci: { mean?: number; rate?: number; lo: number; hi: number }): string {
  const f = (x: number | undefined) =>
    typeof x === "number" && Number.isFinite(x) ? String(Number(x.toFixed(4))) : "n/a";
  return `${f(ci.mean ?? ci.rate)} [${f(ci.lo)}, ${f(ci.hi)}]`;
}

/** One bar of {@linkcode intervalChart}. */
export interface IntervalPoint {
  /** The category on the x axis (a model, a variant...). */
  x: string;
  /** The series (colour), e.g. `kappa=0.2`. */
  series: string;
  /** The estimate. */
  mean: number;
  /** The interval's lower bound (not finite: no rule drawn). */
  lo: number;
  /** The interval's upper bound. */
  hi: number;
}

/**
 * Points with interval rules, by category and series (series side by side): the figure of
 * a study's answer. Bounds that are not finite are left out of the rules.
 *
 * @param points The estimates.
 * @param options Title, axis titles, and a fixed y domain (e.g. `[0, 1]` for shares).
 * @returns A Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { intervalChart } from "./study_report.ts";
 * const spec = intervalChart([{ x: "a", series: "s", mean: 0.5, lo: 0.2, hi: 0.8 }], {
 *   title: "t", x: "model", y: "share",
 * });
 * console.log(spec.title); // t
 * ```
 */
export function intervalChart(
  points: readonly IntervalPoint[],
  options: { title: string; x: string; y: string; domain?: [number, number] },
): TopLevelSpec {
  const values = points.map((p) => ({
    ...p,
    mean: Number.isFinite(p.mean) ? p.mean : null,
    lo: Number.isFinite(p.lo) ? p.lo : null,
    hi: Number.isFinite(p.hi) ? p.hi : null,
  }));
  const y = {
    type: "quantitative",
    title: options.y,
    ...(options.domain ? { scale: { domain: options.domain } } : {}),
  } as const;
  return {
    title: options.title,
    width: { step: 36 },
    height: 260,
    data: { values },
    encoding: {
      x: { field: "x", type: "nominal", title: options.x, axis: { labelAngle: -30 } },
      xOffset: { field: "series", type: "nominal" },
      color: { field: "series", type: "nominal", title: "", legend: { labelLimit: 360 } },
    },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 2 },
        transform: [{ filter: "datum.lo !== null && datum.hi !== null" }],
        encoding: { y: { field: "lo", ...y }, y2: { field: "hi" } },
      },
      {
        mark: { type: "point", filled: true, size: 70 },
        transform: [{ filter: "datum.mean !== null" }],
        encoding: {
          y: { field: "mean", ...y },
          tooltip: [
            { field: "x" },
            { field: "series" },
            { field: "mean", format: ".4f" },
            { field: "lo", format: ".4f" },
            { field: "hi", format: ".4f" },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}

function markdown(doc: StudyDocument): string {
  const out = [`# ${doc.title}`, ""];
  for (const s of doc.sections) {
    out.push(`## ${s.title}`, "");
    for (const p of s.parts) {
      if ("text" in p) out.push(p.text, "");
      else if ("heading" in p) out.push(`### ${p.heading}`, "");
      else if ("list" in p) out.push(...p.list.map((l) => `- ${l}`), "");
      else if ("table" in p) out.push(mdTable(p.table.header, p.table.rows), "");
      else out.push(`![${p.chart.caption}](${p.chart.file})`, "", `*${p.chart.caption}*`, "");
    }
  }
  return out.join("\n");
}

function html(doc: StudyDocument): string {
  const body = [`<h1>${escapeHtml(doc.title)}</h1>`];
  for (const s of doc.sections) {
    body.push(`<h2>${escapeHtml(s.title)}</h2>`);
    for (const p of s.parts) {
      if ("text" in p) body.push(`<p>${escapeHtml(p.text)}</p>`);
      else if ("heading" in p) body.push(`<h3>${escapeHtml(p.heading)}</h3>`);
      else if ("list" in p) {
        body.push(`<ul>${p.list.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`);
      } else if ("table" in p) body.push(htmlTable(p.table.header, p.table.rows));
      else {
        body.push(
          `<figure>${p.chart.svg}<figcaption>${escapeHtml(p.chart.caption)}</figcaption></figure>`,
        );
      }
    }
  }
  return htmlPage(doc.title, body.join("\n"));
}

/** `JSON.stringify` with non-finite numbers as `null` (an unbounded interval). */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  );
}

/**
 * Writes the chart files, `report.md`, `report.html` and `study.json` into `outDir`.
 *
 * @param outDir Where to write (created when missing).
 * @param doc The document.
 * @returns The path of `report.html`.
 */
export async function writeStudyReport(outDir: string, doc: StudyDocument): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  for (const s of doc.sections) {
    for (const p of s.parts) {
      if ("chart" in p) await Deno.writeTextFile(join(outDir, p.chart.file), p.chart.svg);
    }
  }
  await Deno.writeTextFile(join(outDir, "report.md"), markdown(doc));
  await Deno.writeTextFile(join(outDir, "study.json"), toJson(doc.data) + "\n");
  const path = join(outDir, "report.html");
  await Deno.writeTextFile(path, html(doc));
  return path;
}
