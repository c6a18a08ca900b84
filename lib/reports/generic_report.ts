/**
 * The report of an engine that has no report of its own: configuration and summary as
 * tables, in `report.md` and a self-contained `report.html`.
 *
 * @module
 */
import { basename, join } from "node:path";
import { DecisionRecordSchema, LlmCallRecordSchema } from "../core/records.ts";
import { readJsonl } from "../core/run_log.ts";
import { type BudgetView, llmSectionHtml, llmSectionMd } from "./llm_section.ts";
import {
  escapeHtml,
  htmlPage,
  htmlTable,
  mdTable,
  provenanceText,
  validityBanner,
  validityNote,
  type ValidityView,
} from "./html.ts";

/** Flattens nested objects into `a.b.c` keys. */
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

/** Writes `report.md` and `report.html` for the run in `runDir`; returns the HTML path. */
export async function writeGenericReport(
  runDir: string,
  outDir: string,
  summary: Record<string, unknown>,
): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(join(runDir, "config.json")));
  const id = basename(runDir);
  const cfgRows = flatten(config.config);
  const sumRows = flatten(summary);
  const validity = summary.validity as ValidityView | undefined;
  const calls = await readJsonl(join(runDir, "llm_calls.jsonl"), LlmCallRecordSchema);
  const decisions = calls.length
    ? await readJsonl(join(runDir, "decisions.jsonl"), DecisionRecordSchema)
    : [];
  const md = [
    `# Run ${id}`,
    "",
    validityNote(validity),
    `Experiment \`${config.experiment}\`, seed ${config.seed}.`,
    "",
    `Provenance: ${provenanceText(config.provenance)}`,
    "",
    "## Configuration",
    "",
    mdTable(["parameter", "value"], cfgRows),
    "",
    "## Summary",
    "",
    mdTable(["metric", "value"], sumRows),
    "",
    llmSectionMd(calls, decisions, summary.llm_budget as BudgetView | undefined),
  ].join("\n");
  await Deno.writeTextFile(join(outDir, "report.md"), md);
  const html = htmlPage(
    `Run ${id}`,
    [
      `<h1>Run ${escapeHtml(id)}</h1>`,
      validityBanner(validity),
      `<p>Experiment <code>${escapeHtml(config.experiment)}</code>, seed ${config.seed}.</p>`,
      `<p><small>Provenance: ${escapeHtml(provenanceText(config.provenance))}</small></p>`,
      "<h2>Configuration</h2>",
      htmlTable(["parameter", "value"], cfgRows),
      "<h2>Summary</h2>",
      htmlTable(["metric", "value"], sumRows),
      llmSectionHtml(calls, decisions, summary.llm_budget as BudgetView | undefined),
    ].join("\n"),
  );
  const path = join(outDir, "report.html");
  await Deno.writeTextFile(path, html);
  return path;
}
