/**
 * Reports: Markdown and self-contained HTML for runs.
 *
 * - `blockchain_report.ts`: {@linkcode writeBlockchainReport}, the blockchain CPD run report;
 * - `generic_report.ts`: {@linkcode writeGenericReport}, config and summary as tables, for
 *   engines without a report of their own;
 * - `index_page.ts`: {@linkcode writeReportIndex}, the index linking every run's report;
 * - `html.ts`: escaping, tables and the page shell.
 *
 * @example
 * ```ts
 * import { writeBlockchainReport } from "./mod.ts";
 * console.log(await writeBlockchainReport("data/runs/blockchain-1", "reports/blockchain-1"));
 * ```
 * @module
 */
export * from "./blockchain_report.ts";
export * from "./generic_report.ts";
export * from "./index_page.ts";
export * from "./html.ts";
