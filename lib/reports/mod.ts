/**
 * Reports, generic: Markdown and self-contained HTML pages; engines write their own reports
 * in their folders with these helpers.
 *
 * - `generic_report.ts`: {@linkcode writeGenericReport}, config and summary as tables, for
 *   engines without a report of their own;
 * - `index_page.ts`: {@linkcode writeReportIndex}, the index linking every run's report;
 * - `html.ts`: escaping, tables and the page shell.
 *
 * @example
 * ```ts
 * import { htmlTable } from "./mod.ts";
 * console.log(htmlTable(["a"], [[1]]));
 * ```
 * @module
 */
export * from "./generic_report.ts";
export * from "./index_page.ts";
export * from "./html.ts";
export * from "./llm_section.ts";
export * from "./sweep_report.ts";
export * from "./seat_effects.ts";
export * from "./sections.ts";
