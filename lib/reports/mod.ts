/**
 * Reports, generic. A report is a `ReportDocument` (`lib/core/document.ts`): data that a
 * builder returns, rendered once by `render_document.ts` to Markdown and to a self-contained
 * HTML page. Nothing here writes markup by hand, and nothing names an engine.
 *
 * - `render_document.ts`: {@linkcode writeDocument}, {@linkcode documentMarkdown},
 *   {@linkcode documentHtml}, {@linkcode formatNumber} (numbers for people);
 * - `generic_report.ts`: {@linkcode genericReport}, config and summary as tables, for
 *   engines without a report of their own;
 * - `llm_section.ts`: {@linkcode llmSection}, the LLM part of every run report;
 * - `sweep_report.ts`: {@linkcode sweepReport}, a sweep's cells, metrics, comparisons, charts;
 * - `seat_effects.ts`: {@linkcode seatEffects}, model effects apart from seat effects;
 * - `index_page.ts`: {@linkcode indexDocument}, the index linking every report;
 * - `table_display.ts`: {@linkcode showFrame} and {@linkcode showTable} in notebooks;
 * - `html.ts`: escaping and the page shell.
 *
 * @example
 * ```ts
 * import { documentMarkdown } from "./mod.ts";
 * console.log(documentMarkdown({ title: "T", sections: [] })); // # T
 * ```
 * @module
 */
export * from "./render_document.ts";
export * from "./generic_report.ts";
export * from "./index_page.ts";
export * from "./html.ts";
export * from "./llm_section.ts";
export * from "./sweep_report.ts";
export * from "./seat_effects.ts";
export * from "./table_display.ts";
