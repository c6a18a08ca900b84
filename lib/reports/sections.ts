/**
 * A report as data: sections of parts (paragraphs, sub-headings, lists, tables, rendered
 * charts), rendered once to Markdown and once to HTML. The delegation report's model, shared
 * by the engines' report sections and the study reports.
 *
 * @example
 * ```ts
 * import { sectionsMd } from "./sections.ts";
 * const md = sectionsMd([{ title: "Answer", parts: [{ text: "Yes." }, { list: ["a", "b"] }] }]);
 * console.log(md.join("\n")); // ## Answer\n\nYes.\n\n- a\n- b\n
 * ```
 * @module
 */
import { join } from "node:path";
import { escapeHtml, htmlTable, mdTable } from "./html.ts";

/** A part of a section: a paragraph, a sub-heading, a list, a table or a rendered chart. */
export type Part =
  | { text: string }
  | { heading: string }
  | { list: string[] }
  | { table: { header: string[]; rows: unknown[][] } }
  | { chart: { file: string; svg: string; caption: string } };

/** A section of a report: a heading and its parts, in order. */
export interface Section {
  /** The `<h2>` heading. */
  title: string;
  /** Its parts, in order. */
  parts: Part[];
}

/** The sections as Markdown lines (charts as image links to their SVG files). */
export function sectionsMd(sections: readonly Section[]): string[] {
  const out: string[] = [];
  for (const s of sections) {
    out.push(`## ${s.title}`, "");
    for (const p of s.parts) {
      if ("text" in p) out.push(p.text, "");
      else if ("heading" in p) out.push(`### ${p.heading}`, "");
      else if ("list" in p) out.push(...p.list.map((l) => `- ${l}`), "");
      else if ("table" in p) out.push(mdTable(p.table.header, p.table.rows), "");
      else out.push(`![${p.chart.caption}](${p.chart.file})`, "", `*${p.chart.caption}*`, "");
    }
  }
  return out;
}

/** The sections as HTML fragments (charts inline). */
export function sectionsHtml(sections: readonly Section[]): string[] {
  const out: string[] = [];
  for (const s of sections) {
    out.push(`<h2>${escapeHtml(s.title)}</h2>`);
    for (const p of s.parts) {
      if ("text" in p) out.push(`<p>${escapeHtml(p.text)}</p>`);
      else if ("heading" in p) out.push(`<h3>${escapeHtml(p.heading)}</h3>`);
      else if ("list" in p) {
        out.push(`<ul>${p.list.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`);
      } else if ("table" in p) out.push(htmlTable(p.table.header, p.table.rows));
      else {
        out.push(
          `<figure>${p.chart.svg}<figcaption>${escapeHtml(p.chart.caption)}</figcaption></figure>`,
        );
      }
    }
  }
  return out;
}

/** Writes each chart's SVG file into `outDir` (the Markdown links to them). */
export async function writeSectionCharts(
  outDir: string,
  sections: readonly Section[],
): Promise<void> {
  for (const s of sections) {
    for (const p of s.parts) {
      if ("chart" in p) await Deno.writeTextFile(join(outDir, p.chart.file), p.chart.svg);
    }
  }
}
