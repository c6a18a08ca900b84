/**
 * `deno task run delegation-study`: every combination of strategies over the providers
 * (`4^K` runs) for a list of seeds, in process; writes `table.csv` (one row per combination
 * x seed, the paper's column names plus `seed`), `study.json` (settings and timing) and,
 * unless `--no-report`, the report ({@linkcode studyReportDocument}, written with
 * `writeDocument`: `report.html`, `report.md` and the charts) into `<--reports>/<study id>/`,
 * listed in the index. With a single seed and a `paper_results_summary.csv` in the records directory
 * (or `--compare FILE`), the report sets the table beside it.
 *
 * ```sh
 * deno task run delegation-study --rng python --chain --seed 42 \
 *   --records ../shared/reference/delegation --out data/studies/paper
 * ```
 *
 * @module
 */
import { basename, join } from "node:path";
import { ConfigError, readInputText } from "../../core/config.ts";
import { type FlagSpec, parseFlags, readConfigFlag, withFlag } from "../../core/flags.ts";
import type { ReportDocument } from "../../core/document.ts";
import { utcStamp } from "../../core/run_dir.ts";
import type { Command, CommandContext } from "../../run/experiment.ts";
import { SCHEMA_VERSION } from "../../core/records.ts";
import { parseSeedList, parseSeeds } from "../../core/seeds.ts";
import { compareWithReference, parseCsv } from "./reference_table.ts";
import { phaseTimeline, type TimelinePoint } from "./timeline.ts";
import { type DelegationConfig, parseDelegationConfig } from "./config.ts";
import { DelegationEngine, type DelegationObs, type DelegationRecord } from "./engine.ts";
import { applyDelegationFlags } from "./experiment.ts";
import { loadRecordedRecords, type TaskRecords } from "./records.ts";
import { STRATEGIES, strategyView } from "./strategies.ts";
import { runStudy, STUDY_STRATEGIES, studyCsv, type StudyRow } from "./study.ts";
import { PHASE_SLOTS } from "./summary.ts";

/** The `--help` text of the study. */
export const STUDY_HELP = `deno task run delegation-study [flags]

Runs every combination of strategies over the providers (4^K runs with the default four
strategies) for each seed, in process, and writes table.csv, study.json, charts and a report.

Flags:
  --strategies a,b  strategies combined (default ${STUDY_STRATEGIES.join(",")})
  --config F|JSON   delegation parameters, a JSON file or inline object (e.g. {"T": 1000};
                    may define providers)
  --records DIR     recorded task records (default: synthetic records drawn per seed)
  --rng NAME        random stream: toolkit (default) or python (CPython's random, bit for bit)
  --chain           one stream per seed through every combination, in order (the paper's table)
  --seed N          one seed (default 42)
  --seeds A..B      a range of seeds, inclusive (or a list: 1,5,9)
  --timeline COMBO  the combination whose phase timeline is charted, e.g. honest-ours-worst
  --compare F       a reference table (paper's columns) to set beside the study (one seed)
  --out DIR         the study's directory (default data/studies/delegation-<UTC>)
  --reports DIR     where the report goes: DIR/<study id>/ (default reports), listed in DIR/index.html
  --no-report       table and study.json only
  -q, --quiet       no progress lines
  -h, --help        this text
`;

const OPTIONS = {
  strategies: { type: "string" },
  config: { type: "string" },
  records: { type: "string" },
  rng: { type: "string" },
  chain: { type: "boolean" },
  seed: { type: "string" },
  seeds: { type: "string" },
  timeline: { type: "string" },
  compare: { type: "string" },
  out: { type: "string" },
  reports: { type: "string" },
  "no-report": { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const satisfies Record<string, FlagSpec>;

/** The values of {@linkcode OPTIONS}: a switch is a boolean, any other flag a string. */
type StudyFlags = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string;
};

/** Parsed study flags. */
export interface StudyArgs {
  /** The parsed delegation config (`--config`, `--records`, `--rng`). */
  config: DelegationConfig;
  /** The strategies each provider plays in turn (`--strategies`); every combination runs. */
  strategies: string[];
  /** The seeds to run (`--seed` or `--seeds a..b` / `a,b,c`; 42 when neither). */
  seeds: number[];
  /** `--chain`: one stream per seed through every combination, in order (the paper's table). */
  chained: boolean;
  /** `--timeline`: the combination whose phase timeline is charted, e.g. `honest-ours-worst`. */
  timeline?: string;
  /** `--compare`: a reference CSV to set the rows against. */
  compare?: string;
  /** `--out`: the study directory. */
  out?: string;
  /** `false` with `--no-report`. */
  report: boolean;
  /** Where the report goes (`--reports`, default `reports`): `<reports>/<study id>/`. */
  reports: string;
  /** `--quiet`: no progress output. */
  quiet: boolean;
  /** `--help`: print the usage and stop. */
  help: boolean;
}

function seedList(seed: string | undefined, seeds: string | undefined): number[] {
  if (seed !== undefined && seeds !== undefined) {
    throw new ConfigError("--seed: not with --seeds");
  }
  if (seeds !== undefined) return parseSeedList(seeds);
  if (seed !== undefined) {
    if (!/^\d+$/.test(seed.trim())) {
      throw new ConfigError(`--seed: expected an integer >= 0, got '${seed}'`);
    }
    return [parseSeeds(seed, "seed")[0]];
  }
  return [42];
}

/**
 * Parses the study's flags (and reads `--config`).
 *
 * @throws {ConfigError} Naming the flag.
 */
export async function parseStudyArgs(argv: string[]): Promise<StudyArgs> {
  const v = parseFlags(argv, OPTIONS, false, "see delegation-study --help").values as StudyFlags;
  let input = await readConfigFlag(v.config, "delegation parameters");
  input = applyDelegationFlags(input, {
    ...(v.records !== undefined ? { records: v.records } : {}),
    ...(v.rng !== undefined ? { rng: v.rng } : {}),
  });
  const config = parseDelegationConfig(input);
  if (config.records.mode === "live") {
    throw new ConfigError("config.records: the study runs recorded or synthetic records, not live");
  }
  const strategies = (v.strategies ?? STUDY_STRATEGIES.join(",")).split(",").map((s) => s.trim());
  for (const s of strategies) {
    if (!Object.hasOwn(STRATEGIES, s)) {
      throw new ConfigError(
        `--strategies: unknown strategy '${s}'; expected one of ${
          Object.keys(STRATEGIES).join(", ")
        }`,
      );
    }
  }
  const runs = strategies.length ** config.providers.length;
  if (runs > 1_000_000) {
    throw new ConfigError(`--strategies: ${runs} combinations is too many (at most 1000000)`);
  }
  return {
    config,
    strategies,
    seeds: seedList(v.seed, v.seeds),
    chained: v.chain ?? false,
    timeline: v.timeline,
    compare: v.compare,
    out: v.out,
    report: !(v["no-report"] ?? false),
    reports: v.reports ?? "reports",
    quiet: v.quiet ?? false,
    help: v.help ?? false,
  };
}

/**
 * Plays one run of a combination with a fresh stream seeded `seed` and returns its
 * delegations (the study itself keeps none).
 */
export function playCombination(
  config: DelegationConfig,
  records: TaskRecords | undefined,
  combo: readonly string[],
  seed: number,
): DelegationRecord[] {
  const engine = new DelegationEngine(config, { records });
  const names = engine.agents;
  const views = names.map((n) => strategyView(engine, n));
  const fns = combo.map((s) => STRATEGIES[s]);
  let obs: Record<string, DelegationObs> = engine.reset({ seed }).observations;
  const out: DelegationRecord[] = [];
  while (!engine.isDone()) {
    const i = engine.actor;
    views[i].obs = obs[names[i]];
    const step = engine.step({ [names[i]]: fns[i](views[i]) });
    out.push(step.infos[names[i]].delegation!);
    obs = step.observations;
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The result of {@linkcode runStudyCommand}. */
export interface StudyOutput {
  /** The study directory. */
  dir: string;
  /** One row per combination and seed. */
  rows: StudyRow[];
  /** Wall time of the study itself (the runs), in seconds. */
  seconds: number;
  /** The report's path, when one was written. */
  report?: string;
}

/** The study's task records (`undefined`: synthetic records drawn per seed). */
async function studyRecords(config: DelegationConfig): Promise<TaskRecords | undefined> {
  if (config.records.mode !== "recorded") return undefined;
  return await loadRecordedRecords(
    config.records.dir,
    config.providers.flatMap((p) => p.models),
    { shuffled: config.records.shuffled },
  );
}

/** Writes `table.csv` and `study.json`. */
async function writeStudyFiles(
  dir: string,
  args: StudyArgs,
  rows: readonly StudyRow[],
  seconds: number,
): Promise<void> {
  const { config, strategies, seeds, chained } = args;
  await Deno.writeTextFile(join(dir, "table.csv"), studyCsv(rows));
  const meta = {
    kind: "study",
    v: SCHEMA_VERSION,
    study: "delegation-strategies",
    strategies,
    seeds,
    seeding: chained ? "chained" : "per_run",
    combinations: strategies.length ** config.providers.length,
    runs: { valid: rows.length, invalid: 0, failed: 0 },
    study_seconds: Number(seconds.toFixed(4)),
    config,
  };
  await Deno.writeTextFile(join(dir, "study.json"), JSON.stringify(meta, null, 2) + "\n");
}

/** The combination charted as a timeline (`--timeline`, else the config's own strategies). */
function timelineCombo(args: StudyArgs, rows: readonly StudyRow[]): string {
  const { config, strategies } = args;
  const K = config.providers.length;
  const defaultCombo = config.providers.map((p) => p.strategy);
  const comboText = args.timeline ??
    (defaultCombo.every((s) => strategies.includes(s))
      ? defaultCombo.join("-")
      : String(rows[0].strategy_combination));
  const combo = comboText.split("-");
  if (combo.length !== K || combo.some((s) => !Object.hasOwn(STRATEGIES, s))) {
    throw new ConfigError(`--timeline: '${comboText}' is not a combination of ${K} strategies`);
  }
  return comboText;
}

/** The study beside a reference table (`--compare`, or the records' own with one seed). */
async function referenceComparison(args: StudyArgs, rows: readonly StudyRow[]) {
  const { config, seeds } = args;
  const auto = config.records.mode === "recorded"
    ? join(config.records.dir, "paper_results_summary.csv")
    : undefined;
  let reference: string | undefined;
  if (args.compare) reference = args.compare;
  else if (auto && seeds.length === 1 && await exists(auto)) reference = auto;
  if (!reference) return { comparison: undefined, reference };
  if (seeds.length !== 1) throw new ConfigError("--compare: needs a single seed");
  const text = await withFlag("--compare", () => readInputText(reference));
  return { comparison: compareWithReference(rows, parseCsv(text)), reference };
}

/** The lines describing the study. */
function studyIntro(args: StudyArgs, runs: number, seconds: number): string[] {
  const { config, strategies, seeds, chained } = args;
  const K = config.providers.length;
  const seedText = seeds.length > 5 ? `${seeds[0]}..${seeds.at(-1)}` : seeds.join(", ");
  const records = config.records.mode === "recorded" ? config.records.dir : "synthetic";
  return [
    `${runs} runs: ${strategies.length ** K} combinations of ${
      strategies.join(", ")
    } over ${K} providers x ${seeds.length} seed(s) (${seedText}), ${
      chained ? "chained" : "per-run"
    } seeding, ${config.rng} stream, T = ${config.T}, records ${records}.`,
    `The study itself took ${seconds.toFixed(3)} s of wall time.`,
  ];
}

/**
 * The report of a finished study, as a document: the charts, one run's timeline and the
 * reference comparison.
 *
 * @param args From {@linkcode parseStudyArgs}.
 * @param rows The study's rows.
 * @param seconds Its wall time.
 * @param records The records it ran on.
 * @returns The report.
 */
export async function studyReportDocument(
  args: StudyArgs,
  rows: readonly StudyRow[],
  seconds: number,
  records: TaskRecords | undefined,
): Promise<ReportDocument> {
  const comboText = timelineCombo(args, rows);
  const seed = args.seeds[0];
  const timeline: TimelinePoint[] = phaseTimeline(
    playCombination(args.config, records, comboText.split("-"), seed).map((d) => ({
      time: d.time,
      provider: d.provider,
      phase: d.bonus ? "bonus" : PHASE_SLOTS[d.phase === 1 ? 0 : d.phase === 2 ? 1 : d.phase],
      model: d.model,
    })),
  );
  const { strategyStudyReport } = await import("./report_study.ts");
  return strategyStudyReport({
    rows,
    timeline,
    timelineRun: `${comboText}, seed ${seed} (its own stream)`,
    intro: studyIntro(args, rows.length, seconds),
    ...(await referenceComparison(args, rows)),
  });
}

/**
 * Runs the study of `args` and writes its outputs.
 *
 * @param args From {@linkcode parseStudyArgs}.
 * @returns The directory, rows, timing and report path.
 */
export async function runStudyCommand(args: StudyArgs): Promise<StudyOutput> {
  const { config, seeds, chained, strategies } = args;
  const records = await studyRecords(config);
  const dir = args.out ?? join("data", "studies", `delegation-${utcStamp()}`);
  if (await exists(join(dir, "table.csv"))) {
    throw new ConfigError(`--out: ${dir} already holds a study`);
  }
  await Deno.mkdir(dir, { recursive: true });
  const t0 = performance.now();
  const seeding = chained ? "chained" : "per_run";
  const rows = runStudy({ config, records, seeds, seeding, strategies });
  const seconds = (performance.now() - t0) / 1000;
  await writeStudyFiles(dir, args, rows, seconds);
  if (!args.report) return { dir, rows, seconds };
  const doc = await studyReportDocument(args, rows, seconds, records);
  const { writeDocument } = await import("../../reports/render_document.ts");
  const outDir = join(args.reports, basename(dir));
  await Deno.mkdir(outDir, { recursive: true });
  return { dir, rows, seconds, report: await writeDocument(outDir, doc) };
}

/** The `delegation-study` command. */
export const delegationStudyCommand: Command = {
  description: "every strategy combination over the providers x seeds (the paper's table)",
  async run(argv: string[], context?: CommandContext): Promise<number> {
    const args = await parseStudyArgs(argv);
    if (args.help) {
      console.log(STUDY_HELP);
      return 0;
    }
    const out = await runStudyCommand(args);
    if (!args.quiet) {
      console.log(
        `delegation-study: ${out.rows.length} runs in ${out.seconds.toFixed(3)} s`,
      );
    }
    console.log(`  table: ${join(out.dir, "table.csv")}`);
    if (out.report) console.log(`  report: ${out.report}`);
    if (out.report && context) {
      console.log(`  index: ${await context.rebuildIndex(args.reports, [out.dir])}`);
    }
    return 0;
  },
};
