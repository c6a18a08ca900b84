/**
 * `deno task report [DIR ...] [--data DIR] [--reports DIR] [--partial]`: regenerates the
 * report of each run or sweep directory named (every run and sweep under `--data` when none
 * is named) from its directory alone, then rebuilds `reports/index.html`. A sweep's shards'
 * rows are merged into its `index.jsonl` first. A run or sweep being written (its lock held
 * by a live process, on this host or another) is refused with exit 2, unless `--partial`,
 * which reports what is there so far under a "partial" banner. {@linkcode rebuildIndex} is
 * also called after every CLI run and sweep.
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
import { mergeSweepIndex } from "../run/sweep.ts";
import { BeingWrittenError, checkWriters } from "./writers.ts";
import { redactSecrets } from "../core/redact.ts";
import { readRunConfig, RUN_FILES } from "../core/run_dir.ts";
import type { ReportWriter } from "../run/experiment.ts";
import { genericReport } from "../reports/generic_report.ts";
import { writeReportIndex } from "../reports/index_page.ts";
import { writeDocument } from "../reports/render_document.ts";
import { EXIT_FAILED, EXIT_OK } from "./exit_codes.ts";
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

/** Options of {@linkcode regenerateReport}. */
export interface RegenerateOptions {
  /**
   * `true` (`--partial`): a run or sweep being written, or a run that has not finished, is
   * reported as it is, under a "partial" banner. `false`: they are refused
   * (`BeingWrittenError`, a `ConfigError`). Unset: a directory being written is
   * reported under the banner (a sweep's shard reporting at its end while others run), a
   * run that has not finished is refused.
   */
  partial?: boolean;
}

/** The banner of a report made while its directory was being written. */
function partialBanner(dir: string, writers: string[], unfinished: boolean) {
  const who = writers.length
    ? `being written by ${writers.join("; ")}`
    : unfinished
    ? "has not finished (no summary.json)"
    : "";
  return {
    tone: "warn" as const,
    text: `**Partial** (partial: true): \`${dir}\` ${who} when this report was made ` +
      `(${new Date().toISOString()}); it shows what had been written by then.`,
  };
}

/** Merges a sweep's shard rows into `index.jsonl`; a read-only directory is read as it is. */
async function mergeIfWritable(dir: string): Promise<void> {
  try {
    await mergeSweepIndex(dir);
  } catch (e) {
    if (!(e instanceof Deno.errors.PermissionDenied)) throw e;
  }
}

/** Regenerates the report of one run or sweep directory; returns its HTML path. */
export async function regenerateReport(
  dir: string,
  reportsRoot = "reports",
  options: RegenerateOptions = {},
): Promise<string> {
  const sweep = await sweepEntry(dir);
  const id = (sweep ?? (await runEntry(dir)))?.id;
  if (!id) throw new ConfigError(`${dir}: neither a run nor a sweep directory`);
  const writers = await checkWriters(dir, options.partial);
  const outDir = join(reportsRoot, id);
  if (sweep) {
    await mergeIfWritable(dir);
    const doc = await (await import("../reports/sweep_report.ts")).sweepReport(dir);
    await Deno.mkdir(outDir, { recursive: true });
    if (!writers.length) return await writeDocument(outDir, doc);
    const banner = partialBanner(dir, writers, false);
    return await writeDocument(outDir, { ...doc, banners: [banner, ...(doc.banners ?? [])] });
  }
  const summaryPath = join(dir, RUN_FILES.summary);
  let summary: Record<string, unknown> | undefined;
  try {
    summary = JSON.parse(await Deno.readTextFile(summaryPath));
  } catch {
    if (options.partial !== true) {
      throw new ConfigError(
        `${dir}: the run has not finished (no summary.json); resume it first, or pass --partial`,
      );
    }
  }
  const config = await readRunConfig(dir);
  const experiment = findExperiment(config.experiment);
  if (!experiment) throw new ConfigError(`${dir}: unknown experiment '${config.experiment}'`);
  if (summary && !writers.length) {
    await Deno.mkdir(outDir, { recursive: true });
    return await writeRunReport(dir, outDir, summary, await experiment.report?.(dir));
  }
  // Partial: the logs may end mid-step or mid-line; whatever reads them may fail.
  const shown = summary ?? { partial: true, finished: false };
  let doc: ReportDocument;
  try {
    doc = (summary ? await experiment.report?.(dir) : undefined) ??
      await genericReport(dir, shown);
  } catch {
    doc = {
      title: `Run ${id}`,
      intro: [{ text: `Experiment \`${config.experiment}\`, seed ${config.seed}.` }],
      sections: [{
        title: "Summary",
        blocks: [{
          kv: Object.entries(shown).map(([k, v]) =>
            [k, typeof v === "object" ? JSON.stringify(v) : String(v)] as const
          ),
        }],
      }],
    };
  }
  await Deno.mkdir(outDir, { recursive: true });
  const banner = partialBanner(dir, writers, !summary);
  return await writeDocument(outDir, { ...doc, banners: [banner, ...(doc.banners ?? [])] });
}

/** `--help` of `deno task report`. */
export const REPORT_HELP = `deno task report [DIR ...] [--data DIR] [--reports DIR] [--partial]

  DIR               a run or sweep directory (none: every run and sweep under --data)
  --data DIR        the data folder scanned (default data)
  --reports DIR     where reports go (default reports)
  --partial         report a run or sweep that is being written (or a run that has not
                    finished) as it is, under a "partial" banner; without it such a DIR
                    is refused with exit 2
  --help            this text

A sweep's shards' rows (shards/*.jsonl) are merged into its index.jsonl first. Exit codes:
0 done; 1 a report failed; 2 bad input.`;

/** The `deno task report` command; returns the exit code. */
export async function reportMain(argv: string[]): Promise<number> {
  try {
    if (await printVersionIfAsked(argv)) return EXIT_OK;
    const { values, positionals } = parseFlags(argv, {
      data: { type: "string" },
      reports: COMMON_FLAGS.reports,
      partial: { type: "boolean" },
      help: COMMON_FLAGS.help,
      version: COMMON_FLAGS.version,
    }, true);
    if (values.help === true) {
      console.log(REPORT_HELP);
      return EXIT_OK;
    }
    const data = (values.data as string | undefined) ?? "data";
    const reports = (values.reports as string | undefined) ?? "reports";
    const partial = values.partial === true;
    const dirs = positionals.length
      ? positionals
      : (await scanCatalog(data)).filter((e) => e.status === "completed" || e.kind === "sweep")
        .map((e) => e.dir);
    let failed = 0;
    for (const dir of dirs) {
      try {
        console.log(`report: ${await regenerateReport(dir, reports, { partial })}`);
      } catch (e) {
        if (positionals.length && e instanceof ConfigError) throw e;
        if (e instanceof BeingWrittenError) {
          console.log(`skipped: ${redactSecrets(e.message)}`);
          continue;
        }
        failed++;
        console.error(`error: ${dir}: ${redactSecrets((e as Error).message)}`);
      }
    }
    console.log(
      `index: ${await rebuildIndex({ reportsRoot: reports, dataRoot: data, extra: dirs })}`,
    );
    return failed ? EXIT_FAILED : EXIT_OK;
  } catch (e) {
    return commandFailed(e);
  }
}

if (import.meta.main) Deno.exit(await reportMain(Deno.args));
