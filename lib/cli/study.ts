/**
 * `deno task run study <name> [flags]`: one command per research question (the studies of
 * `lib/cli/registry.ts`, each in its engine's folder; see `lib/run/study.ts`). It runs the
 * study's sweep (resumable: a rerun skips finished runs), computes the answer across seeds,
 * writes `reports/<study>/report.html`, `report.md` and `study.json`, and lists the study in
 * `reports/index.html`. `--estimate` prints the calls, tokens and dollars and the seeds
 * needed, and runs nothing.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import type {
  Study,
  StudyContext,
  StudyDesign,
  StudyPower,
  StudyRun,
  StudyRuns,
} from "../analysis/study.ts";
import { ConfigError } from "../core/config.ts";
import { withFlag } from "../core/flags.ts";
import type { ReportDocument } from "../core/document.ts";
import { readJsonl, writeJsonAtomic } from "../core/run_log.ts";
import { SCHEMA_VERSION } from "../core/records.ts";
import { RUN_FILES } from "../core/run_dir.ts";
import {
  cellConfig,
  type GridFile,
  rotateSeats,
  SWEEP_FILES,
  SweepIndexRowSchema,
  sweepItems,
} from "../core/sweep_dir.ts";
import { STUDY_FILE } from "../core/catalog.ts";
import { type AgentSpec, loadAgentsFile, parseAgentsFile } from "../llm/agents_file.ts";
import type { Command } from "../run/experiment.ts";
import type { RunRequest } from "../run/open.ts";
import { runSweep } from "../run/sweep.ts";
import {
  COMMON_FLAGS,
  type FlagSpec,
  parseBudget,
  parseFlags,
  parseInteger,
  parseLang,
  parseSeeds,
} from "./common_flags.ts";
import { commandFailed } from "./errors.ts";
import { EXIT_BUDGET } from "./exit_codes.ts";
import { findExperiment, STUDIES } from "./registry.ts";
import { rebuildIndex } from "./report.ts";

/** The `--help` text. */
export function studyHelp(): string {
  const list = Object.values(STUDIES).map((s) => {
    const own = Object.entries(s.flags ?? {}).map(([f, d]) =>
      `\n      --${f}${d.type === "string" ? " V" : ""}: ${d.description}`
    ).join("");
    return `  ${s.name.padEnd(12)} ${s.description}${own}`;
  }).join("\n");
  return `deno task run study <name> [flags]

One command per research question: the study's runs (a sweep inside the study directory,
resumable), its answer across seeds with intervals, and one report (Question, Design,
Answer, Caveats) in reports/<study>/, listed in reports/index.html.

Studies:
${list}

Flags:
  --seeds A..B       seeds, inclusive (default: the study's; --small: fewer)
  --small            the CI setting: few seeds, short runs (offline, seconds)
  --agents F         an agents file of real models (repeatable); default: scripted agents
  --rounds N         the horizon of every run (rounds, days or T)
  --out DIR          the study directory (default data/studies/study-<name>)
  --reports DIR      where the report and index go (default reports)
  --workers N        parallel runs (default 1)
  --cache DIR        LLM replies cache; --offline: fail on a cache miss
  --max-tokens N     each run's token budget; --max-usd X: each run's dollar budget
  --lang zh|en       prompt language (default en)
  --estimate         print calls, tokens, dollars and seeds needed; run nothing
  -q, --quiet        no progress
  -h, --help         this text

Exit codes: 0 done, 1 failed, 2 bad flag, 3 stopped at the budget (resumable).
`;
}

const OPTIONS = {
  seeds: COMMON_FLAGS.seeds,
  out: COMMON_FLAGS.out,
  reports: COMMON_FLAGS.reports,
  "max-tokens": COMMON_FLAGS["max-tokens"],
  "max-usd": COMMON_FLAGS["max-usd"],
  lang: COMMON_FLAGS.lang,
  quiet: COMMON_FLAGS.quiet,
  help: COMMON_FLAGS.help,
  small: { type: "boolean" },
  agents: { type: "string", multiple: true },
  rounds: { type: "string" },
  workers: { type: "string" },
  cache: { type: "string" },
  offline: { type: "boolean" },
  estimate: { type: "boolean" },
} as const satisfies Record<string, FlagSpec>;

/** Parsed flags of the study command. */
export interface StudyArgs {
  study: Study;
  context: StudyContext;
  reports: string;
  workers: number;
  cache?: string;
  offline: boolean;
  maxTokens?: number;
  maxUsd?: number;
  lang: "zh" | "en";
  estimate: boolean;
  quiet: boolean;
}

/**
 * Parses the flags after `study`; `null` for `--help`.
 *
 * @throws {ConfigError} Naming the flag (the command exits 2).
 */
export async function parseStudyArgs(argv: string[]): Promise<StudyArgs | null> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help") return null;
  if (!Object.hasOwn(STUDIES, name)) {
    throw new ConfigError(
      `study: '${name}' is unknown; expected one of ${Object.keys(STUDIES).join(", ")}`,
    );
  }
  const study = STUDIES[name];
  const own = Object.fromEntries(
    Object.entries(study.flags ?? {}).map(([k, f]) => [k, { type: f.type }]),
  ) as Record<string, { type: "string" | "boolean" }>;
  const { values: v } = parseFlags(rest, { ...OPTIONS, ...own });
  const str = (flag: string) => v[flag] as string | undefined;
  if (v.help) return null;
  const small = v.small === true;
  const seeds = v.seeds !== undefined
    ? parseSeeds(str("seeds")!)
    : small
    ? study.seeds.small
    : study.seeds.default;
  const agents = (v.agents as string[] | undefined) ?? [];
  // fails early, naming the flag and the file
  for (const file of agents) await withFlag("--agents", () => loadAgentsFile(file));
  const lang = parseLang(str("lang"));
  if (v.offline && !v.cache) throw new ConfigError("--offline: needs --cache DIR");
  const values: Record<string, string | boolean> = {};
  for (const k of Object.keys(own)) {
    if (v[k] !== undefined) values[k] = v[k] as string | boolean;
  }
  const budget = parseBudget(v);
  return {
    study,
    context: {
      seeds,
      agents,
      small,
      horizon: parseInteger("rounds", str("rounds"), 1),
      values,
      dir: str("out") ?? join("data", "studies", `study-${name}`),
    },
    reports: str("reports") ?? "reports",
    workers: parseInteger("workers", str("workers"), 1) ?? 1,
    cache: str("cache"),
    offline: v.offline === true,
    maxTokens: budget.maxTokens,
    maxUsd: budget.maxUsd,
    lang,
    estimate: v.estimate === true,
    quiet: v.quiet === true,
  };
}

/**
 * The agents of each value of the grid's `agents` key, read once: from the design's own
 * files when it writes them (nothing is written for an estimate), else from disk.
 */
async function agentFiles(
  grid: GridFile,
  files: Record<string, unknown>,
): Promise<Map<string, AgentSpec[]>> {
  const out = new Map<string, AgentSpec[]>();
  for (const value of grid.grid.agents ?? []) {
    const path = String(value);
    out.set(
      path,
      Object.hasOwn(files, path)
        ? parseAgentsFile(files[path], path).agents
        : (await loadAgentsFile(path)).agents,
    );
  }
  return out;
}

/** The run requests of a design's sweep (seat rotations expanded), for `--estimate`. */
export async function studyRequests(
  design: StudyDesign,
  context: StudyContext,
  lang: "zh" | "en",
): Promise<RunRequest[]> {
  if (!design.grid) return [];
  const grid = structuredClone(design.grid);
  const experiment = findExperiment(grid.experiment);
  if (!experiment) throw new ConfigError(`study: experiment '${grid.experiment}' is unknown`);
  const files = await agentFiles(grid, design.files ?? {});
  if (design.rotateSeats && files.size) {
    const k = [...files.values()][0].length;
    grid.grid = { ...grid.grid, seat_rotation: Array.from({ length: k }, (_, r) => r) };
  }
  return sweepItems(grid, context.seeds).map((item) => {
    const list = typeof item.params.agents === "string" ? files.get(item.params.agents)! : null;
    const r = item.params.seat_rotation;
    return {
      experiment,
      config: cellConfig(grid, item.params),
      seed: item.seed,
      horizon: context.horizon,
      lang,
      agents: list && typeof r === "number" ? rotateSeats(list, r) : list,
    };
  });
}

/** The finished runs of the study's sweep, the last row of each run winning. */
async function studyRuns(sweepDir: string, planned: number): Promise<StudyRuns> {
  const rows = await readJsonl(join(sweepDir, SWEEP_FILES.index), SweepIndexRowSchema, {
    tolerateTornTail: true,
  });
  const last = new Map(rows.map((r) => [r.run, r]));
  const valid: StudyRun[] = [];
  let invalid = 0;
  for (const r of last.values()) {
    if (r.status !== "completed") continue;
    if (r.valid === false) {
      invalid++;
      continue;
    }
    const dir = join(sweepDir, r.run);
    const summary = JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.summary)));
    valid.push({ cell: r.cell, params: r.params, seed: r.seed, dir, summary });
  }
  return { valid, invalid, failed: Math.max(0, planned - valid.length - invalid) };
}

/**
 * Lists the study, its sibling studies and every run, sweep, profile and study of `data` in
 * `<reports>/index.html`.
 */
async function writeIndex(reports: string, dir: string): Promise<string> {
  // the study and its sibling studies (a study directory outside data/ keeps its neighbours)
  const siblings = [dir];
  for await (const d of Deno.readDir(dirname(resolve(dir)))) {
    if (d.isDirectory) siblings.push(join(dirname(resolve(dir)), d.name));
  }
  return await rebuildIndex({ reportsRoot: reports, extra: siblings });
}

/** The `answer` of a finished run's `study.json` in the study directory, if any. */
async function readPilot(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    const data = JSON.parse(await Deno.readTextFile(join(dir, STUDY_FILE)));
    return data && typeof data.answer === "object" ? data.answer : undefined;
  } catch {
    return undefined;
  }
}

/** The seeds-needed line, saying whether its effect sizes are assumed or from the pilot. */
export function powerText(power: StudyPower): string {
  const e = power.estimate;
  return `seeds needed: ${e.n} per condition (${e.total} in all) for ${power.assumption}, ` +
    `at alpha ${e.alpha} and power ${e.power} (${e.method}; ${
      power.source === "pilot"
        ? "effect size and sd from the pilot: this study's finished runs"
        : "effect sizes assumed, not measured: run the study once to size it from the pilot"
    })`;
}

/** Runs the study command; returns the exit code. */
export async function studyMain(argv: string[]): Promise<number> {
  try {
    const args = await parseStudyArgs(argv);
    if (!args) {
      console.log(studyHelp());
      return 0;
    }
    const { study, context } = args;
    const design = await study.design(context);
    const pilot = await readPilot(context.dir);
    let power = study.power(context, pilot);
    if (args.estimate) {
      const { estimateRuns, formatEstimate } = await import("../run/estimate.ts");
      const e = await estimateRuns(await studyRequests(design, context, args.lang));
      console.log(formatEstimate(e, `study ${study.name}`));
      console.log(`  ${powerText(power)}`);
      return 0;
    }
    await Deno.mkdir(context.dir, { recursive: true });
    for (const [path, value] of Object.entries(design.files ?? {})) {
      await Deno.mkdir(join(path, ".."), { recursive: true });
      await Deno.writeTextFile(path, JSON.stringify(value, null, 2) + "\n");
    }
    const sweepDir = join(context.dir, "sweep");
    let runs: StudyRuns = { valid: [], invalid: 0, failed: 0 };
    if (design.grid) {
      const result = await runSweep({
        gridPath: `study-${study.name}`,
        grid: structuredClone(design.grid),
        seeds: context.seeds,
        rotateSeats: design.rotateSeats,
        workers: args.workers,
        out: sweepDir,
        horizon: context.horizon,
        lang: args.lang,
        agents: null,
        cacheDir: args.cache,
        offline: args.offline,
        maxTokens: args.maxTokens,
        maxUsd: args.maxUsd,
        quiet: args.quiet,
        lookup: findExperiment,
        workerUrl: new URL("./sweep_worker.ts", import.meta.url),
      });
      const planned = result.ran + result.skipped + result.failed;
      runs = await studyRuns(sweepDir, planned);
      if (runs.valid.length === 0) {
        console.error(`study ${study.name}: no run completed validly; nothing to report`);
        return result.failed ? EXIT_BUDGET : 1;
      }
    }
    const answer = await study.analyze(context, design, runs);
    power = study.power(context, answer.data);
    const powerLine = powerText(power);
    const counted = design.grid
      ? `${runs.valid.length} valid runs counted; ${runs.invalid} invalid runs (too many LLM fallbacks) excluded; ${runs.failed} planned runs did not complete.`
      : "played in process: no run directories, no invalid runs.";
    const sections: ReportDocument["sections"] = [
      {
        title: "Question",
        blocks: [{ text: study.question }, ...answer.headline.map((t) => ({ text: t }))],
      },
      {
        title: "Design",
        blocks: [
          { table: { header: ["setting", "value"], rows: design.rows } },
          {
            text: `Seeds ${context.seeds[0]}..${context.seeds[1]}; ${counted}${
              design.grid ? ` Runs: ${sweepDir}.` : ""
            }`,
          },
          { text: powerLine + "." },
        ],
      },
      { title: "Answer", blocks: answer.parts },
      {
        title: "Caveats",
        blocks: [{
          list: [
            ...answer.caveats,
            ...(design.grid
              ? [
                `Invalid runs are excluded from every figure: ${runs.invalid} of ${
                  runs.valid.length + runs.invalid
                } completed runs here.`,
              ]
              : []),
            context.agents.length
              ? "Each model is named by its agents-file entry (provider:model); its figures pool every seat it played."
              : "Offline: every seat is a scripted policy. These figures test the toolkit and the design; they are not findings about LLMs (rerun with --agents).",
          ],
        }],
      },
    ];
    const id = basename(resolve(context.dir));
    const data = {
      v: SCHEMA_VERSION,
      kind: "study",
      study: study.name,
      question: study.question,
      seeds: context.seeds,
      small: context.small,
      agents: context.agents,
      design: Object.fromEntries(design.rows),
      grid: design.grid,
      rotate_seats: design.rotateSeats,
      runs: { valid: runs.valid.length, invalid: runs.invalid, failed: runs.failed },
      power: { ...power.estimate, assumption: power.assumption, source: power.source },
      answer: answer.data,
      headline: answer.headline,
    };
    await writeJsonAtomic(join(context.dir, STUDY_FILE), data);
    const { writeStudyReport } = await import("../reports/study_report.ts");
    const path = await writeStudyReport(join(args.reports, id), {
      title: `Study ${study.name}: ${study.description}`,
      sections,
      data,
    });
    const index = await writeIndex(args.reports, context.dir);
    for (const line of answer.headline) console.log(line);
    console.log(`study ${study.name}: ${context.dir}\n  report: ${path}\n  index: ${index}`);
    return 0;
  } catch (e) {
    return commandFailed(e);
  }
}

/** The registered command. */
export const studyCommand: Command = {
  description: "one command per research question: rq2, shelter, delegation (see study --help)",
  run: studyMain,
};
