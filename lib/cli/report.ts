/**
 * `deno task report [DIR ...] [--data DIR] [--reports DIR]`: regenerates the report of each
 * run or sweep directory named (every run and sweep under `--data` when none is named) from
 * its directory alone, then rebuilds `reports/index.html`. {@linkcode rebuildIndex} is also
 * called after every CLI run and sweep.
 *
 * @module
 */
import { join, resolve } from "node:path";
import {
  type CatalogEntry,
  catalogEntry,
  runEntry,
  scanCatalog,
  sweepEntry,
} from "../core/catalog.ts";
import { ConfigError } from "../core/config.ts";
import type { ReportDocument } from "../core/document.ts";
import { redactSecrets } from "../core/redact.ts";
import { readRunConfig, RUN_FILES } from "../core/run_dir.ts";
import type { ReportWriter } from "../run/experiment.ts";
import { genericReport } from "../reports/generic_report.ts";
import { writeReportIndex } from "../reports/index_page.ts";
import { writeDocument } from "../reports/render_document.ts";
import { COMMON_FLAGS, parseFlags, printVersionIfAsked } from "./common_flags.ts";
import { commandFailed } from "./errors.ts";
import { findExperiment } from "./registry.ts";

/**
 * The report writer of the CLI (and of notebooks: pass it as `writeReport` to `openRun`):
 * renders the experiment's document, or the generic report (config and summary as tables)
 * when it has none, into `outDir` as `report.md`, `report.html` and the charts' SVG files.
 *
 * @param runDir The finished run's directory.
 * @param outDir Where the report goes (created when missing).
 * @param summary The run's `summary.json`.
 * @param document The experiment's report, when it has one.
 * @returns The HTML file's path.
 *
 * @example
 * ```ts ignore
 * import { openRun, runToEnd, findExperiment, writeRunReport } from "../../mod.ts";
 * const session = await openRun({ experiment: findExperiment("ipd")!, config: {}, seed: 0,
 *   writeReport: writeRunReport });
 * console.log((await runToEnd(session)).report); // reports/ipd-.../report.html
 * ```
 */
export const writeRunReport: ReportWriter = async (
  runDir: string,
  outDir: string,
  summary: Record<string, unknown>,
  document?: ReportDocument,
): Promise<string> => {
  await Deno.mkdir(outDir, { recursive: true });
  return await writeDocument(outDir, document ?? await genericReport(runDir, summary));
};

/** Options of {@linkcode rebuildIndex}. */
export interface IndexOptions {
  /** Where reports live and `index.html` goes. @default {"reports"} */
  reportsRoot?: string;
  /** The data folder scanned. @default {"data"} */
  dataRoot?: string;
  /** Further run or sweep directories to list (e.g. runs made with `--out` elsewhere). */
  extra?: string[];
}

async function reportOf(reportsRoot: string, id: string): Promise<string | undefined> {
  const path = join(reportsRoot, id, "report.html");
  return await Deno.stat(path).then(() => path, () => undefined);
}

/** Rebuilds `index.html` from the catalog of `dataRoot` (and `extra`); returns its path. */
export async function rebuildIndex(options: IndexOptions = {}): Promise<string> {
  const { reportsRoot = "reports", dataRoot = "data", extra = [] } = options;
  const entries: CatalogEntry[] = await scanCatalog(dataRoot);
  const seen = new Set(entries.map((e) => resolve(e.dir)));
  for (const dir of extra) {
    if (seen.has(resolve(dir))) continue;
    const e = await catalogEntry(dir);
    if (e) {
      entries.push(e);
      seen.add(resolve(dir));
    }
  }
  entries.sort((a, b) => b.created.localeCompare(a.created) || a.id.localeCompare(b.id));
  const rows = [];
  for (const e of entries) rows.push({ ...e, report: await reportOf(reportsRoot, e.id) });
  return await writeReportIndex(reportsRoot, rows);
}

/** Regenerates the report of one run or sweep directory; returns its HTML path. */
export async function regenerateReport(dir: string, reportsRoot = "reports"): Promise<string> {
  const sweep = await sweepEntry(dir);
  const id = (sweep ?? (await runEntry(dir)))?.id;
  if (!id) throw new ConfigError(`${dir}: neither a run nor a sweep directory`);
  const outDir = join(reportsRoot, id);
  await Deno.mkdir(outDir, { recursive: true });
  if (sweep) {
    return await (await import("../reports/sweep_report.ts")).writeSweepReport(dir, outDir);
  }
  const summaryPath = join(dir, RUN_FILES.summary);
  let summary: Record<string, unknown>;
  try {
    summary = JSON.parse(await Deno.readTextFile(summaryPath));
  } catch {
    throw new ConfigError(`${dir}: the run has not finished (no summary.json); resume it first`);
  }
  const config = await readRunConfig(dir);
  const experiment = findExperiment(config.experiment);
  if (!experiment) throw new ConfigError(`${dir}: unknown experiment '${config.experiment}'`);
  return await writeRunReport(dir, outDir, summary, await experiment.report?.(dir));
}

/** The `deno task report` command; returns the exit code. */
export async function reportMain(argv: string[]): Promise<number> {
  try {
    if (await printVersionIfAsked(argv)) return 0;
    const { values, positionals } = parseFlags(argv, {
      data: { type: "string" },
      reports: COMMON_FLAGS.reports,
      version: COMMON_FLAGS.version,
    }, true);
    const data = (values.data as string | undefined) ?? "data";
    const reports = (values.reports as string | undefined) ?? "reports";
    const dirs = positionals.length
      ? positionals
      : (await scanCatalog(data)).filter((e) => e.status === "completed" || e.kind === "sweep")
        .map((e) => e.dir);
    let failed = 0;
    for (const dir of dirs) {
      try {
        console.log(`report: ${await regenerateReport(dir, reports)}`);
      } catch (e) {
        if (positionals.length && e instanceof ConfigError) throw e;
        failed++;
        console.error(`error: ${dir}: ${redactSecrets((e as Error).message)}`);
      }
    }
    console.log(
      `index: ${await rebuildIndex({ reportsRoot: reports, dataRoot: data, extra: dirs })}`,
    );
    return failed ? 1 : 0;
  } catch (e) {
    return commandFailed(e);
  }
}

if (import.meta.main) Deno.exit(await reportMain(Deno.args));
