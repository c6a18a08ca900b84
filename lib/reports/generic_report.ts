/**
 * The report of an engine that has no report of its own: configuration and summary as
 * tables, and the LLM section, as a {@linkcode ReportDocument} built from the run directory
 * ({@linkcode genericReport}); {@linkcode writeGenericReport} writes it with `writeDocument`.
 *
 * @example
 * ```ts ignore
 * import { genericReport } from "./generic_report.ts";
 * const doc = await genericReport("data/runs/ipd-1", { rounds: 10 });
 * console.log(doc.sections.map((s) => s.title)); // ["Configuration", "Summary"]
 * ```
 * @module
 */
import { basename, join } from "node:path";
import type { Cell, DocSection, ReportDocument } from "../core/document.ts";
import { DecisionRecordSchema, LlmCallRecordSchema } from "../core/records.ts";
import { readJsonl } from "../core/run_log.ts";
import { type BudgetView, llmSection } from "./llm_section.ts";
import { provenanceText, validityBanners, type ValidityView } from "./html.ts";
import { writeDocument } from "./render_document.ts";

/**
 * Flattens nested objects into `a.b.c` keys (arrays and other values are leaves).
 *
 * @example
 * ```ts
 * import { flatten } from "./generic_report.ts";
 * console.log(flatten({ a: { b: 1 }, c: [2] })); // [["a.b", 1], ["c", [2]]]
 * ```
 */
export function flatten(
  value: unknown,
  prefix = "",
  out: [string, unknown][] = [],
): [string, unknown][] {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, value]);
  return out;
}

/** A value as a table cell: objects inside arrays as JSON, the rest as they are. */
function toCell(v: unknown): Cell {
  if (v === null || v === undefined || Array.isArray(v)) return v as Cell;
  if (typeof v === "object") return JSON.stringify(v);
  return v as Cell;
}

/**
 * A two-column table of a nested object, one row per leaf (`a.b.c`).
 *
 * @param value The object (a config, a summary).
 * @param header The two column headings.
 * @returns The table block.
 */
export function flatTable(
  value: unknown,
  header: readonly [string, string],
): { table: { header: readonly string[]; rows: Cell[][] } } {
  return { table: { header, rows: flatten(value).map(([k, v]) => [k, toCell(v)]) } };
}

/**
 * The report of the run in `runDir` (its `config.json`, `llm_calls.jsonl` and
 * `decisions.jsonl`) with the summary given: configuration, summary, LLM calls. Writes
 * nothing.
 *
 * @param runDir The run directory.
 * @param summary The run's summary (`summary.json`).
 * @returns The document.
 * @throws {Deno.errors.NotFound} When `config.json` is missing.
 */
export async function genericReport(
  runDir: string,
  summary: Record<string, unknown>,
): Promise<ReportDocument> {
  const config = JSON.parse(await Deno.readTextFile(join(runDir, "config.json")));
  const calls = await readJsonl(join(runDir, "llm_calls.jsonl"), LlmCallRecordSchema);
  const decisions = calls.length
    ? await readJsonl(join(runDir, "decisions.jsonl"), DecisionRecordSchema)
    : [];
  const llm = llmSection(calls, decisions, summary.llm_budget as BudgetView | undefined);
  const sections: DocSection[] = [
    { title: "Configuration", blocks: [flatTable(config.config, ["parameter", "value"])] },
    { title: "Summary", blocks: [flatTable(summary, ["metric", "value"])] },
    ...(llm ? [llm] : []),
  ];
  return {
    title: `Run ${basename(runDir)}`,
    banners: validityBanners(summary.validity as ValidityView | undefined),
    intro: [{ text: `Experiment \`${config.experiment}\`, seed ${config.seed}.` }],
    sections,
    footer: `Provenance: ${provenanceText(config.provenance)}`,
  };
}

/**
 * Writes `report.md` and `report.html` for the run in `runDir` into `outDir`.
 *
 * @param runDir The run directory.
 * @param outDir An existing directory.
 * @param summary The run's summary.
 * @returns The HTML file's path.
 */
export async function writeGenericReport(
  runDir: string,
  outDir: string,
  summary: Record<string, unknown>,
): Promise<string> {
  return await writeDocument(outDir, await genericReport(runDir, summary));
}
