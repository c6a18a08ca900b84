/**
 * The one renderer of reports: a {@linkcode ReportDocument} to Markdown, to a self-contained
 * HTML page (charts inline as SVG, inline CSS, no network), and to files on disk
 * (`report.md`, `report.html`, one SVG per chart). Numbers are formatted for people here,
 * once, by {@linkcode formatNumber}.
 *
 * @example
 * ```ts
 * import { documentMarkdown } from "./render_document.ts";
 * const md = documentMarkdown({
 *   title: "Run 1",
 *   sections: [{ title: "Summary", blocks: [{ kv: [["mean", 0.123456]] }] }],
 * });
 * console.log(md); // "# Run 1\n\n## Summary\n\n| key | value |\n|---|---|\n| mean | 0.123 |\n"
 * ```
 * @module
 */
import { join } from "node:path";
import type { Block, Cell, Link, ReportDocument, TableBlock, Tone } from "../core/document.ts";
import { documentBlocks, documentCharts } from "../core/document.ts";
import { toSvg } from "../charts/render.ts";
import { escapeHtml, htmlPage } from "./html.ts";

/**
 * A number for people: integers as they are (thousands grouped from 10,000), other values
 * to three significant digits (two decimals from 10, none from 10,000), tiny ones in
 * scientific notation.
 *
 * @param v The number.
 * @returns Its text.
 *
 * @example
 * ```ts
 * import { formatNumber } from "./render_document.ts";
 * console.log(formatNumber(0.123456), formatNumber(1234567), formatNumber(12.3456)); // 0.123 1,234,567 12.35
 * ```
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "-∞";
  const a = Math.abs(v);
  if (Number.isInteger(v)) return a >= 10_000 ? v.toLocaleString("en-US") : String(v);
  if (a >= 10_000) return Math.round(v).toLocaleString("en-US");
  if (a >= 10) return v.toFixed(2);
  if (a >= 0.001) return String(Number(v.toPrecision(3)));
  return v.toExponential(1);
}

/**
 * A p-value for people: `< 0.001` below a thousandth, else three significant digits.
 *
 * @param p The p-value.
 * @returns Its text.
 *
 * @example
 * ```ts
 * import { formatPValue } from "./render_document.ts";
 * console.log(formatPValue(0.0000123), formatPValue(0.0286)); // < 0.001 0.0286
 * ```
 */
export function formatPValue(p: number): string {
  return p < 0.001 ? "< 0.001" : formatNumber(p);
}

/**
 * Money in US dollars for people: `unpriced` for an unknown cost (never $0), `$0` for none,
 * `<$0.0001` below a hundredth of a cent, two significant digits under a dollar, cents above.
 *
 * @param usd The amount, or `null` when unpriced.
 * @returns Its text.
 *
 * @example
 * ```ts
 * import { formatUsd } from "./render_document.ts";
 * console.log(formatUsd(0.000042), formatUsd(0.0123), formatUsd(12.345), formatUsd(null)); // <$0.0001 $0.012 $12.35 unpriced
 * ```
 */
export function formatUsd(usd: number | null): string {
  if (usd === null) return "unpriced";
  if (usd === 0) return "$0";
  if (Math.abs(usd) < 0.0001) return "<$0.0001";
  if (Math.abs(usd) < 1) return `$${Number(usd.toPrecision(2))}`;
  return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/**
 * A cell as text: numbers by {@linkcode formatNumber}, arrays joined, links by their label,
 * `null`/`undefined` empty.
 *
 * @param v The cell.
 * @returns Its text.
 *
 * @example
 * ```ts
 * import { cellText } from "./render_document.ts";
 * console.log(cellText([0.5, 2]), cellText(null) === ""); // [0.5, 2] true
 * ```
 */
export function cellText(v: Cell | unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (Array.isArray(v)) return `[${v.map(cellText).join(", ")}]`;
  if (v === null || v === undefined) return "";
  if (typeof v === "object") {
    const o = v as { text?: unknown; href?: unknown };
    if (typeof o.text === "string" && typeof o.href === "string") return o.text;
    return JSON.stringify(v);
  }
  return String(v);
}

const isLink = (v: unknown): v is { text: string; href: string } =>
  typeof v === "object" && v !== null && !Array.isArray(v) &&
  typeof (v as { href?: unknown }).href === "string";

/**
 * Whether an href may become a link: relative paths and anchors, `http(s):` and `mailto:`.
 * Text in reports quotes models, so `javascript:` or `data:` stay text.
 */
export function safeHref(href: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href.trim());
  return !scheme || ["http", "https", "mailto"].includes(scheme[1].toLowerCase());
}

/** `[label](href)`: the href may hold balanced parentheses, e.g. `f_(x).html`. */
const LINK = /\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g;

/**
 * Escapes text for HTML, then renders `` `code` `` (nothing inside is transformed),
 * `**bold**` and `[label](href)` (only for a {@linkcode safeHref}).
 */
function inline(text: string): string {
  const codes: string[] = [];
  const held = escapeHtml(text.replaceAll("\uE000", "")).replace(/`([^`]+)`/g, (_, c: string) => {
    codes.push(c);
    return `\uE000${codes.length - 1}\uE000`;
  });
  return held
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(LINK, (all, label: string, href: string) =>
      // the href is escaped already; check it as the browser would read it
      safeHref(href.replaceAll("&amp;", "&")) ? `<a href="${href}">${label}</a>` : all)
    .replace(/\uE000(\d+)\uE000/g, (_, i: string) => `<code>${codes[Number(i)]}</code>`);
}

/** Text for Markdown: a `<` that would open an HTML tag is escaped (the text is data). */
const mdText = (s: string) => s.replace(/<(?=[A-Za-z/!?])/g, "&lt;");
/** One line of Markdown: text with its newlines folded. */
const mdLine = (s: string) => mdText(s).replace(/\s*\n\s*/g, " ");
/** A block quote: every line of the text prefixed. */
const mdQuote = (s: string) => mdText(s).split("\n").map((l) => `> ${l}`).join("\n");
/** A fenced code block whose fence is longer than any run of backticks inside. */
function mdFence(code: string): string[] {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [fence, code, fence];
}
const mdEsc = (s: string) => mdText(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
const mdCell = (c: Cell) => mdEsc(isLink(c) ? `[${c.text}](${c.href})` : cellText(c));

function mdTable(t: TableBlock): string {
  return [
    `| ${t.header.map(mdEsc).join(" | ")} |`,
    `|${t.header.map(() => "---").join("|")}|`,
    ...t.rows.map((r) => `| ${r.map(mdCell).join(" | ")} |`),
  ].join("\n");
}

/** An href for Markdown: spaces and parentheses percent-encoded so the link holds together. */
const mdHref = (h: string) => h.replace(/ /g, "%20").replace(/\(/g, "%28").replace(/\)/g, "%29");

function mdLink(l: Link): string {
  const label = mdLine(l.label).replace(/([[\]])/g, "\\$1");
  return `- [${label}](${mdHref(l.href)})${l.note ? ` ${mdLine(l.note)}` : ""}`;
}

const MD_TONE: Record<Tone, string> = { info: "Note", good: "Good", warn: "Warning", bad: "Alert" };

function mdBlock(b: Block, out: string[]): void {
  if ("text" in b) out.push(mdText(b.text), "");
  else if ("heading" in b) out.push(`### ${mdLine(b.heading)}`, "");
  else if ("list" in b) out.push(...b.list.map((l) => `- ${mdLine(l)}`), "");
  else if ("kv" in b) out.push(mdTable({ header: ["key", "value"], rows: b.kv }), "");
  else if ("table" in b) out.push(mdTable(b.table), "");
  else if ("chart" in b) {
    const caption = mdLine(b.chart.caption);
    out.push(
      `![${caption.replace(/[[\]]/g, "")}](${mdHref(b.chart.file)})`,
      "",
      `*${caption}*`,
      "",
    );
  } else if ("note" in b) out.push(mdQuote(b.tone === "bad" ? `**${b.note}**` : b.note), "");
  else if ("badges" in b) out.push(b.badges.map((x) => `**${mdLine(x.label)}**`).join(" · "), "");
  else if ("links" in b) out.push(...b.links.map(mdLink), "");
  else if ("code" in b) out.push(...mdFence(b.code), "");
  else if (b.details.htmlOnly) {
    out.push(`**${mdLine(b.details.summary)}** (in the HTML report)`, "");
  } else {
    out.push(`**${mdLine(b.details.summary)}**`, "");
    for (const d of b.details.blocks) mdBlock(d, out);
  }
}

/**
 * Blocks as Markdown, for a fragment of a page (a section built by a shared helper and
 * embedded by a caller that still assembles its own page).
 *
 * @param blocks The blocks.
 * @returns The Markdown text.
 *
 * @example
 * ```ts
 * import { blocksMarkdown } from "./render_document.ts";
 * console.log(blocksMarkdown([{ list: ["a", "b"] }])); // "- a\n- b\n"
 * ```
 */
export function blocksMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) mdBlock(b, out);
  return out.join("\n");
}

/**
 * A document as Markdown (charts as image links to their SVG files).
 *
 * @param doc The document.
 * @returns The Markdown text, ending with a newline.
 *
 * @example
 * ```ts
 * import { documentMarkdown } from "./render_document.ts";
 * console.log(documentMarkdown({ title: "T", sections: [{ title: "S", blocks: [{ text: "x" }] }] }));
 * ```
 */
export function documentMarkdown(doc: ReportDocument): string {
  const out = [`# ${mdLine(doc.title)}`, ""];
  for (const b of doc.banners ?? []) out.push(mdQuote(`**${MD_TONE[b.tone]}: ${b.text}**`), "");
  for (const b of doc.intro ?? []) mdBlock(b, out);
  for (const s of doc.sections) {
    out.push(`## ${mdLine(s.title)}`, "");
    for (const b of s.blocks) mdBlock(b, out);
  }
  if (doc.footer) out.push(`<small>${mdLine(doc.footer)}</small>`, "");
  while (out.length > 1 && out[out.length - 1] === "" && out[out.length - 2] === "") out.pop();
  return out.join("\n");
}

const TONE_CLASS: Record<Tone, string> = {
  info: "info",
  good: "yes",
  warn: "inconclusive",
  bad: "no",
};

function htmlCell(c: Cell): string {
  const text = escapeHtml(cellText(c));
  const sort = typeof c === "number" ? ` data-sort="${c}"` : "";
  return isLink(c)
    ? `<td><a href="${escapeHtml(c.href)}">${text}</a></td>`
    : `<td${sort}>${text}</td>`;
}

function htmlTableBlock(t: TableBlock): string {
  const th = t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const rows = t.rows.map((r, i) => {
    const tone = t.rowTones?.[i];
    return `<tr${tone ? ` class="row-${tone}"` : ""}>${r.map(htmlCell).join("")}</tr>`;
  });
  const open = t.sortable
    ? '<table class="sortable"><caption>Click a column heading to sort.</caption>'
    : "<table>";
  return `${open}<thead><tr>${th}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

function htmlBlock(b: Block, svgs: ReadonlyMap<string, string>): string {
  if ("text" in b) return `<p>${inline(b.text)}</p>`;
  if ("heading" in b) return `<h3>${inline(b.heading)}</h3>`;
  if ("list" in b) return `<ul>${b.list.map((l) => `<li>${inline(l)}</li>`).join("")}</ul>`;
  if ("kv" in b) return htmlTableBlock({ header: ["key", "value"], rows: b.kv });
  if ("table" in b) return htmlTableBlock(b.table);
  if ("chart" in b) {
    const svg = svgs.get(b.chart.file) ?? "";
    return `<figure>${svg}<figcaption>${inline(b.chart.caption)}</figcaption></figure>`;
  }
  if ("note" in b) {
    return `<blockquote class="note-${b.tone ?? "info"}">${inline(b.note)}</blockquote>`;
  }
  if ("badges" in b) {
    return `<p>${
      b.badges.map((x) => `<span class="verdict ${TONE_CLASS[x.tone]}">${inline(x.label)}</span>`)
        .join(" ")
    }</p>`;
  }
  if ("links" in b) {
    return `<ul>${
      b.links.map((l) =>
        `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>${
          l.note ? ` ${inline(l.note)}` : ""
        }</li>`
      ).join("")
    }</ul>`;
  }
  if ("code" in b) {
    return `<pre class="${escapeHtml(b.kind ?? "code")}">${escapeHtml(b.code)}</pre>`;
  }
  const inner = b.details.blocks.map((d) => htmlBlock(d, svgs)).join("\n");
  return `<details><summary>${inline(b.details.summary)}</summary>${inner}</details>`;
}

/**
 * Blocks as HTML fragments, for a caller that assembles its own page; charts come from
 * `svgs` (see {@linkcode renderCharts}).
 *
 * @param blocks The blocks.
 * @param svgs The rendered charts by file name.
 * @returns The markup.
 *
 * @example
 * ```ts
 * import { blocksHtml } from "./render_document.ts";
 * console.log(blocksHtml([{ text: "x" }])); // <p>x</p>
 * ```
 */
export function blocksHtml(
  blocks: readonly Block[],
  svgs: ReadonlyMap<string, string> = new Map(),
): string {
  return blocks.map((b) => htmlBlock(b, svgs)).join("\n");
}

/**
 * The order of two cells when a column is sorted: numerically when both read as finite
 * numbers (decimals, negatives, e-notation), else as text with embedded numbers in order.
 *
 * @param a One cell's sort key.
 * @param b The other's.
 * @returns Negative, zero or positive.
 *
 * @example
 * ```ts
 * import { compareCells } from "./render_document.ts";
 * console.log(["0.123", "0.0456", "1e-7", "-10", "-5"].sort(compareCells)); // ["-10", "-5", "1e-7", "0.0456", "0.123"]
 * ```
 */
export function compareCells(a: string, b: string): number {
  const x = a.trim() === "" ? NaN : Number(a.replaceAll(",", ""));
  const y = b.trim() === "" ? NaN : Number(b.replaceAll(",", ""));
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a.localeCompare(b, undefined, { numeric: true });
}

const SORT_SCRIPT = `<script>
const compareCells = ${compareCells.toString()};
document.querySelectorAll("table.sortable th").forEach((th) => th.addEventListener("click", () => {
  const col = [...th.parentNode.children].indexOf(th);
  const body = th.closest("table").tBodies[0];
  const asc = th.dataset.dir !== "asc";
  th.dataset.dir = asc ? "asc" : "desc";
  const key = (tr) => tr.children[col].dataset.sort ?? tr.children[col].textContent;
  [...body.rows].sort((a, b) => (asc ? 1 : -1) * compareCells(key(a), key(b)))
    .forEach((tr) => body.appendChild(tr));
}));
</script>`;

/**
 * A document as a self-contained HTML page. Charts are taken from `svgs` (chart file name
 * to SVG markup, as {@linkcode renderCharts} returns); a chart missing from it renders as its
 * caption alone.
 *
 * @param doc The document.
 * @param svgs The rendered charts by file name.
 * @returns The page.
 *
 * @example
 * ```ts
 * import { documentHtml } from "./render_document.ts";
 * const html = documentHtml({ title: "T", sections: [] }, new Map());
 * console.log(html.includes("<h1>T</h1>")); // true
 * ```
 */
export function documentHtml(doc: ReportDocument, svgs: ReadonlyMap<string, string>): string {
  const parts = [`<h1>${inline(doc.title)}</h1>`];
  for (const b of doc.banners ?? []) {
    const role = b.tone === "bad" ? ' role="alert"' : "";
    parts.push(
      `<div class="banner banner-${b.tone}"${role}><strong>${inline(b.text)}</strong></div>`,
    );
  }
  for (const b of doc.intro ?? []) parts.push(htmlBlock(b, svgs));
  for (const s of doc.sections) {
    parts.push(`<h2>${inline(s.title)}</h2>`, ...s.blocks.map((b) => htmlBlock(b, svgs)));
  }
  if (doc.footer) parts.push(`<p><small>${inline(doc.footer)}</small></p>`);
  const sortable = documentBlocks(doc).some((b) => "table" in b && b.table.sortable);
  if (sortable) parts.push(SORT_SCRIPT);
  return htmlPage(doc.title.replace(/[`*]/g, ""), parts.join("\n"));
}

/**
 * Renders every chart of a document to SVG.
 *
 * @param doc The document.
 * @returns Chart file name to SVG markup.
 *
 * @example
 * ```ts
 * import { renderCharts } from "./render_document.ts";
 * const svgs = await renderCharts({ title: "T", sections: [] });
 * console.log(svgs.size); // 0
 * ```
 */
export async function renderCharts(doc: ReportDocument): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const c of documentCharts(doc)) {
    // deno-lint-ignore no-explicit-any
    out.set(c.file, await toSvg(c.spec as any));
  }
  return out;
}

/** Options of {@linkcode writeDocument}. */
export interface WriteDocumentOptions {
  /** The base name of the Markdown and HTML files. @default {"report"} */
  name?: string;
  /** Write the SVG files and the Markdown as well as the HTML. @default {true} */
  markdown?: boolean;
}

/**
 * Writes a document into `outDir`: `<name>.md`, `<name>.html` and each chart's SVG file.
 *
 * @param outDir An existing directory.
 * @param doc The document.
 * @param options The file name and whether to write Markdown.
 * @returns The HTML file's path.
 *
 * @example
 * ```ts
 * import { writeDocument } from "./render_document.ts";
 * const dir = await Deno.makeTempDir();
 * console.log(await writeDocument(dir, { title: "T", sections: [] })); // .../report.html
 * ```
 */
export async function writeDocument(
  outDir: string,
  doc: ReportDocument,
  options: WriteDocumentOptions = {},
): Promise<string> {
  const { name = "report", markdown = true } = options;
  const svgs = await renderCharts(doc);
  if (markdown) {
    for (const [file, svg] of svgs) await Deno.writeTextFile(join(outDir, file), svg);
    await Deno.writeTextFile(join(outDir, `${name}.md`), documentMarkdown(doc));
  }
  const path = join(outDir, `${name}.html`);
  await Deno.writeTextFile(path, documentHtml(doc, svgs));
  return path;
}
