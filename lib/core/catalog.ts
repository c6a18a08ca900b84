/**
 * The catalog of everything under a data folder: every run directory (`data/runs/*`, and
 * any other folder holding a `config.json` run), every sweep (`data/sweeps/*` with a
 * `sweep.json`), every model profile (`profile.json`) and every study (`study.json`), with
 * date, experiment, seed or cells, status, verdicts and validity, as {@linkcode IndexEntry}
 * records. The index page and `deno task report` are built from it; it reads the formats of
 * `run_dir.ts` and `sweep_dir.ts` and nothing else.
 *
 * @example
 * ```ts ignore
 * import { scanCatalog } from "./catalog.ts";
 * for (const e of await scanCatalog("data")) console.log(e.kind, e.id, e.status);
 * ```
 * @module
 */
import { basename, join } from "node:path";
import { SCHEMA_VERSION } from "./records.ts";
import { readLock, RUN_FILES } from "./run_dir.ts";
import { SWEEP_FILES } from "./sweep_dir.ts";

/** The files that mark a profile directory (written by `lib/run/profile.ts`). */
export const PROFILE_FILES: Readonly<{
  /** The plan: models, seeds, experiments (`profile.json`). */
  plan: "profile.json";
  /** The card's data, written when every run is done (`card.json`). */
  card: "card.json";
}> = Object.freeze({ plan: "profile.json", card: "card.json" });

/** The file that marks a study directory (written by `deno task run study`). */
export const STUDY_FILE = "study.json";

/** One run, sweep, model profile or study of the catalog, as the index lists it. */
export interface IndexEntry {
  /** What the line is: a run, a sweep, a profile or a study. */
  kind: "run" | "sweep" | "profile" | "study";
  /** The run's or sweep's id (its directory's name). */
  id: string;
  /** The experiment's name. */
  experiment: string;
  /** ISO time it was created. */
  created: string;
  /** A run's seed. */
  seed?: number;
  /** A sweep's cell count (a profile's: its models). */
  cells?: number;
  /** A sweep's (or profile's) finished runs. */
  runs?: number;
  /** `completed`, `running`, `stopped`, `failed`, or for a sweep `complete`/`partial`. */
  status: string;
  /** Verdict values (`true`, `false`, `"inconclusive"`) or, for a sweep, rates. */
  verdicts: Record<string, unknown>;
  /** `false` when invalid (a sweep: any run invalid); `null` when unknown. */
  valid: boolean | null;
  /** A one-line account of validity, e.g. `12 of 12 fallbacks`. */
  validity: string;
  /** The report's HTML path. */
  report?: string;
}

/** One run, sweep, model profile or study of the catalog, with its directory. */
export interface CatalogEntry extends Omit<IndexEntry, "report"> {
  /** The directory's path, as found. */
  dir: string;
}

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  try {
    const v = JSON.parse(await Deno.readTextFile(path));
    return v && typeof v === "object" ? v as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

async function mtime(path: string): Promise<string> {
  try {
    return (await Deno.stat(path)).mtime?.toISOString() ?? "";
  } catch {
    return "";
  }
}

/** The catalog entry of a run directory, or `null` when `dir` holds no run. */
export async function runEntry(dir: string): Promise<CatalogEntry | null> {
  const config = await readJson(join(dir, RUN_FILES.config));
  if (!config || typeof config.experiment !== "string") return null;
  const summary = await readJson(join(dir, RUN_FILES.summary));
  const validity = summary?.validity as
    | { valid?: boolean; fallbacks?: number; llm_decisions?: number }
    | undefined;
  const status = summary
    ? "completed"
    : (await readLock(join(dir, RUN_FILES.lock)))?.live
    ? "running"
    : "stopped";
  return {
    kind: "run",
    id: basename(dir),
    dir,
    experiment: config.experiment,
    created: typeof config.created_at === "string"
      ? config.created_at
      : await mtime(join(dir, RUN_FILES.config)),
    seed: typeof config.seed === "number" ? config.seed : undefined,
    status,
    verdicts: (summary?.verdicts as Record<string, unknown> | undefined) ?? {},
    valid: validity?.valid ?? null,
    validity: !validity
      ? ""
      : validity.llm_decisions
      ? `${validity.fallbacks ?? 0} of ${validity.llm_decisions} LLM decisions fell back`
      : "no LLM decisions",
  };
}

/** The catalog entry of a sweep directory, or `null` when `dir` holds no sweep. */
export async function sweepEntry(dir: string): Promise<CatalogEntry | null> {
  const sweep = await readJson(join(dir, SWEEP_FILES.sweep));
  if (!sweep || sweep.v !== SCHEMA_VERSION) return null;
  const grid = sweep.grid as { experiment?: string } | undefined;
  const cells = Array.isArray(sweep.cells) ? sweep.cells.length : 0;
  const seeds = Array.isArray(sweep.seeds) ? sweep.seeds as number[] : [0, -1];
  const planned = cells * (seeds[1] - seeds[0] + 1);
  let rows: Record<string, unknown>[] = [];
  try {
    rows = (await Deno.readTextFile(join(dir, SWEEP_FILES.index))).split("\n").filter((l) => l)
      .flatMap((l) => {
        try {
          return [JSON.parse(l)];
        } catch {
          return [];
        }
      });
  } catch { /* no runs yet */ }
  const completed = rows.filter((r) => r.status === "completed");
  const invalid = completed.filter((r) => r.valid === false).length;
  const rates: Record<string, unknown> = {};
  const verdictNames = new Set(
    completed.flatMap((r) => Object.keys((r.verdicts as Record<string, unknown>) ?? {})),
  );
  for (const name of verdictNames) {
    const values = completed.map((r) => (r.verdicts as Record<string, unknown>)?.[name]);
    const decided = values.filter((v) => typeof v === "boolean");
    rates[name] = decided.length
      ? `${decided.filter((v) => v).length}/${decided.length}`
      : "inconclusive";
  }
  return {
    kind: "sweep",
    id: basename(dir),
    dir,
    experiment: grid?.experiment ?? "?",
    created: await mtime(join(dir, SWEEP_FILES.sweep)),
    cells,
    runs: completed.length,
    status: completed.length >= planned ? "complete" : `partial (${completed.length}/${planned})`,
    verdicts: rates,
    valid: completed.length ? invalid === 0 : null,
    validity: invalid ? `${invalid} of ${completed.length} runs invalid` : "",
  };
}

/**
 * The catalog entry of a model profile directory (`profile.json`, see `profile.ts`), or
 * `null` when `dir` holds none.
 */
export async function profileEntry(dir: string): Promise<CatalogEntry | null> {
  const plan = await readJson(join(dir, PROFILE_FILES.plan));
  if (!plan || plan.kind !== "profile" || plan.v !== SCHEMA_VERSION) return null;
  const card = await readJson(join(dir, PROFILE_FILES.card));
  const models = Array.isArray(plan.models) ? plan.models.length : 0;
  const runs = Array.isArray(card?.runs) ? card.runs.length : 0;
  const experiments = Array.isArray(plan.experiments) ? plan.experiments.join(", ") : "?";
  return {
    kind: "profile",
    id: basename(dir),
    dir,
    experiment: `profile (${experiments})`,
    created: await mtime(join(dir, PROFILE_FILES.plan)),
    cells: models,
    runs,
    status: card ? "complete" : "partial",
    verdicts: {},
    valid: null,
    validity: "",
  };
}

/**
 * The catalog entry of a study directory (`study.json` of `deno task run study`, see
 * `study.ts`), or `null` when `dir` holds none.
 */
export async function studyEntry(dir: string): Promise<CatalogEntry | null> {
  const study = await readJson(join(dir, STUDY_FILE));
  if (!study || study.kind !== "study" || study.v !== SCHEMA_VERSION) return null;
  const runs = (study.runs ?? {}) as { valid?: number; invalid?: number; failed?: number };
  const grid = study.grid as { experiment?: string; grid?: Record<string, unknown[]> } | null;
  const cells = Object.values(grid?.grid ?? {}).reduce((n, v) => n * v.length, 1);
  return {
    kind: "study",
    id: basename(dir),
    dir,
    experiment: `study ${study.study}${grid?.experiment ? ` (${grid.experiment})` : ""}`,
    created: await mtime(join(dir, STUDY_FILE)),
    cells: grid ? cells : 0,
    runs: runs.valid ?? 0,
    status: runs.failed ? `partial (${runs.failed} runs did not complete)` : "complete",
    verdicts: {},
    valid: runs.invalid ? false : null,
    validity: runs.invalid ? `${runs.invalid} invalid runs excluded` : "",
  };
}

/**
 * The catalog entry of any directory: a study, a sweep, a profile or a run; `null` when it
 * holds none of them.
 */
export async function catalogEntry(dir: string): Promise<CatalogEntry | null> {
  return (await studyEntry(dir)) ?? (await sweepEntry(dir)) ?? (await profileEntry(dir)) ??
    (await runEntry(dir));
}

async function subdirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.isDirectory) out.push(join(dir, e.name));
  } catch { /* missing */ }
  return out.sort();
}

/**
 * Every run, sweep, profile and study below `root` (`<root>/runs/*`, `<root>/sweeps/*`,
 * `<root>/profiles/*`, `<root>/studies/*`, and any other
 * direct subfolder of `root`'s subfolders that holds a run), newest first.
 */
export async function scanCatalog(root = "data"): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  for (const group of await subdirs(root)) {
    for (const dir of await subdirs(group)) {
      const e = await catalogEntry(dir);
      if (e) entries.push(e);
    }
  }
  return entries.sort((a, b) => b.created.localeCompare(a.created) || a.id.localeCompare(b.id));
}
