/**
 * A report as data. Every report of the toolkit (a run, a sweep, a study, a profile, the
 * index) is a {@linkcode ReportDocument} that an experiment or a report builder *returns*:
 * a title, banners, and sections of blocks (paragraphs, lists, key-value and data tables,
 * charts as Vega-Lite specs, notes, links, collapsible details). Nothing here renders: one
 * module (`reports/render_document.ts`) turns a document into Markdown and into a
 * self-contained HTML page, so no report writes markup by hand and reports are tested as data.
 *
 * Text is plain; three inline forms are understood by both renderers: `` `code` ``,
 * `**bold**` and `[label](href)`.
 *
 * @example
 * ```ts
 * import { type ReportDocument } from "./document.ts";
 * const doc: ReportDocument = {
 *   title: "Run ipd-1",
 *   banners: [{ tone: "bad", text: "Not a finding: 9 of 10 decisions were fallbacks." }],
 *   sections: [{ title: "Summary", blocks: [{ kv: [["rounds", 10], ["mean payoff", 2.4]] }] }],
 * };
 * console.log(doc.sections[0].title); // "Summary"
 * ```
 * @module
 */

/** How a banner, note, badge or table row should read: neutral, good, a warning, or bad. */
export type Tone = "info" | "good" | "warn" | "bad";

/** A table cell: a value formatted for people, or a link. */
export type Cell =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly unknown[]
  | { readonly text: string; readonly href: string };

/** A data table. */
export interface TableBlock {
  /** Column headings. */
  readonly header: readonly string[];
  /** Rows of cells, each as long as `header`. */
  readonly rows: readonly (readonly Cell[])[];
  /** A tone per row (`null` for none), e.g. `bad` for an invalid run. */
  readonly rowTones?: readonly (Tone | null)[];
  /** The columns sort on a click in HTML (default `false`). */
  readonly sortable?: boolean;
}

/** A chart: a Vega-Lite spec, rendered to SVG when the document is written. */
export interface ChartBlock {
  /** The Vega-Lite spec (data inline). */
  readonly spec: Readonly<Record<string, unknown>>;
  /** The SVG file name written beside `report.md` (the Markdown links it). */
  readonly file: string;
  /** One sentence saying what the chart shows. */
  readonly caption: string;
}

/** A link with an optional note after it. */
export interface Link {
  /** The visible text. */
  readonly label: string;
  /** Where it points (relative to the document's own directory, or absolute). */
  readonly href: string;
  /** Text after the link. */
  readonly note?: string;
}

/** One block of a section. */
export type Block =
  | { readonly text: string }
  | { readonly heading: string }
  | { readonly list: readonly string[] }
  | { readonly kv: readonly (readonly [string, Cell])[] }
  | { readonly table: TableBlock }
  | { readonly chart: ChartBlock }
  | { readonly note: string; readonly tone?: Tone }
  | { readonly badges: readonly { readonly label: string; readonly tone: Tone }[] }
  | { readonly links: readonly Link[] }
  | { readonly code: string; readonly kind?: string }
  | { readonly details: Details };

/** A collapsible block: a summary line, its blocks hidden until opened (in HTML). */
export interface Details {
  /** The line shown closed. */
  readonly summary: string;
  /** What opens. */
  readonly blocks: readonly Block[];
  /**
   * Long material (e.g. LLM transcripts) the Markdown leaves out: it shows the summary line
   * and says the content is in the HTML report. @default {false}
   */
  readonly htmlOnly?: boolean;
}

/** A section: a heading and its blocks, in order. */
export interface DocSection {
  /** The section's heading (`##` / `<h2>`). */
  readonly title: string;
  /** Its blocks, in order. */
  readonly blocks: readonly Block[];
}

/** A whole report. */
export interface ReportDocument {
  /** The page title (`#` / `<h1>`). */
  readonly title: string;
  /** Banners under the title, e.g. the red "Not a finding" of an invalid run. */
  readonly banners?: readonly { readonly tone: Tone; readonly text: string }[];
  /** Paragraphs before the first section. */
  readonly intro?: readonly Block[];
  /** The sections, in order. */
  readonly sections: readonly DocSection[];
  /** A small-print line at the end (provenance). */
  readonly footer?: string;
}

/**
 * Every block of a document, in order: the intro's, then each section's, with the blocks
 * inside collapsible details after their details block.
 *
 * @param doc The document.
 * @returns The blocks.
 *
 * @example
 * ```ts
 * import { documentBlocks } from "./document.ts";
 * const doc = { title: "T", sections: [{ title: "S", blocks: [{ text: "a" }] }] };
 * console.log(documentBlocks(doc).length); // 1
 * ```
 */
export function documentBlocks(doc: ReportDocument): Block[] {
  const out: Block[] = [];
  const walk = (blocks: readonly Block[]) => {
    for (const b of blocks) {
      out.push(b);
      if ("details" in b) walk(b.details.blocks);
    }
  };
  walk(doc.intro ?? []);
  for (const s of doc.sections) walk(s.blocks);
  return out;
}

/**
 * Every chart of a document, in order (sections, intro and nested details included).
 *
 * @param doc The document.
 * @returns The charts.
 *
 * @example
 * ```ts
 * import { documentCharts } from "./document.ts";
 * console.log(documentCharts({ title: "T", sections: [] }).length); // 0
 * ```
 */
export function documentCharts(doc: ReportDocument): ChartBlock[] {
  return documentBlocks(doc).flatMap((b) => "chart" in b ? [b.chart] : []);
}
