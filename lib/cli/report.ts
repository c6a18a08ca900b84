/**
 * `deno task report [DIR ...] [--data DIR] [--reports DIR]`: regenerates the report of each
 * run or sweep directory named (every run and sweep under `--data` when none is named) from
 * its directory alone, then rebuilds `reports/index.html`. {@linkcode rebuildIndex} is also
 * called after every CLI run and sweep.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../core/config.ts";
import { redactSecrets } from "../core/redact.ts";
import {
  type CatalogEntry,
  profileEntry,
  runEntry,
  scanCatalog,
  sweepEntry,
} from "../run/catalog.ts";
import { readRunConfig } from "../run/run_dir.ts";
import { writeGenericReport } from "../reports/generic_report.ts";
import { type IndexEntry, writeReportIndex } from "../reports/index_page.ts";
import { findExperiment } from "./registry.ts";

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
    const e = (await sweepEntry(dir)) ?? (await profileEntry(dir)) ?? (await runEntry(dir));
    if (e) {
      entries.push(e);
      seen.add(resolve(dir));
    }
  }
  entries.sort((a, b) => b.created.localeCompare(a.created) || a.id.localeCompare(b.id));
  const rows: IndexEntry[] = [];
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
  const summaryPath = join(dir, "summary.json");
  let summary: Record<string, unknown>;
  try {
    summary = JSON.parse(await Deno.readTextFile(summaryPath));
  } catch {
    throw new ConfigError(`${dir}: the run has not finished (no summary.json); resume it first`);
  }
  const config = await readRunConfig(dir);
  const experiment = findExperiment(config.experiment);
  if (!experiment) throw new ConfigError(`${dir}: unknown experiment '${config.experiment}'`);
  return experiment.report
    ? await experiment.report(dir, outDir)
    : await writeGenericReport(dir, outDir, summary);
}

/** The `deno task report` command; returns the exit code. */
export async function reportMain(argv: string[]): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        options: { data: { type: "string" }, reports: { type: "string" } },
        allowPositionals: true,
        strict: true,
      });
    } catch (e) {
      throw new ConfigError((e as Error).message.split("\n")[0]);
    }
    const { data = "data", reports = "reports" } = parsed.values;
    for (const [flag, v] of [["--data", data], ["--reports", reports]]) {
      if (v.trim() === "") throw new ConfigError(`${flag}: needs a value, got an empty string`);
    }
    const dirs = parsed.positionals.length
      ? parsed.positionals
      : (await scanCatalog(data)).filter((e) => e.status === "completed" || e.kind === "sweep")
        .map((e) => e.dir);
    let failed = 0;
    for (const dir of dirs) {
      try {
        console.log(`report: ${await regenerateReport(dir, reports)}`);
      } catch (e) {
        if (parsed.positionals.length && e instanceof ConfigError) throw e;
        failed++;
        console.error(`error: ${dir}: ${redactSecrets((e as Error).message)}`);
      }
    }
    console.log(
      `index: ${await rebuildIndex({ reportsRoot: reports, dataRoot: data, extra: dirs })}`,
    );
    return failed ? 1 : 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`error: ${redactSecrets(e.message)}`);
      return 2;
    }
    console.error(`error: ${redactSecrets((e as Error).message)}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await reportMain(Deno.args));
