/**
 * The contract of a study (`deno task run study <name>`): one command per research
 * question. A study declares its design (a sweep grid over one experiment, or nothing when
 * it plays in process), and from the finished runs it computes its answer with intervals.
 * The CLI (`lib/cli/study.ts`) runs the sweep (resumable, every run a directory inside the
 * study's), writes the report (Question, Design, Answer, Caveats) under `--reports` and lists
 * it in the index. The answer is data: its parts are blocks of the report document model
 * (`lib/core/document.ts`). Studies live in their engine's folder and are named in
 * `lib/cli/registry.ts`.
 *
 * @module
 */
import type { Block } from "../core/document.ts";
import type { GridFile } from "../core/sweep_dir.ts";
import type { ExperimentFlag } from "../run/experiment.ts";
import type { SeedsNeeded } from "./power.ts";

/** What the command line gives a study. */
export interface StudyContext {
  /** Inclusive seed range. */
  seeds: [number, number];
  /** Agents files (`--agents F`, repeatable): real models; empty for the offline design. */
  agents: string[];
  /** `--small`: the CI setting (few seeds, short runs). */
  small: boolean;
  /** The horizon (`--rounds N`), when given. */
  horizon?: number;
  /** The values of the study's own flags (see {@linkcode Study.flags}). */
  values: Record<string, string | boolean>;
  /** The study directory (its runs go to `<dir>/sweep`). */
  dir: string;
}

/** A study's design. */
export interface StudyDesign {
  /** The sweep (one experiment, a grid), or `null` when the study plays in process. */
  grid: GridFile | null;
  /** Play every agent in every seat (a Latin square; needs agents files in the grid). */
  rotateSeats: boolean;
  /** Lines of the report's Design section: what, value. */
  rows: [string, string][];
  /** Files written before the sweep (e.g. the agents files of scripted mixes): path to JSON. */
  files?: Record<string, unknown>;
}

/** A finished run of a study's sweep. */
export interface StudyRun {
  /** The cell's name. */
  cell: string;
  /** The cell's parameters (dotted keys, `agents`, `seat_rotation`). */
  params: Record<string, unknown>;
  /** The seed. */
  seed: number;
  /** The run directory. */
  dir: string;
  /** Its `summary.json`. */
  summary: Record<string, unknown>;
}

/** The runs a study's answer is computed from. */
export interface StudyRuns {
  /** Completed and valid runs (the only ones counted). */
  valid: StudyRun[];
  /** Completed runs whose verdicts are inconclusive (too many fallbacks): excluded. */
  invalid: number;
  /** Planned runs that did not complete. */
  failed: number;
}

/** A study's answer. */
export interface StudyAnswer {
  /** One or two sentences: the answer in words (the Question section's last paragraph). */
  headline: string[];
  /**
   * The Answer section's blocks (the report document model of `lib/core/document.ts`):
   * figures with intervals, at least one chart (a Vega-Lite spec, rendered when written).
   */
  parts: Block[];
  /** The study's own caveats (the CLI adds the invalid and failed runs' counts). */
  caveats: string[];
  /** The numbers behind the figures (into `study.json`). */
  data: Record<string, unknown>;
}

/** A seeds-needed estimate with the assumption it rests on. */
export interface StudyPower {
  /** From `lib/analysis/power.ts`. */
  estimate: SeedsNeeded;
  /** What is to be detected, e.g. "a regret difference of 0.5 with a per-seed sd of 1". */
  assumption: string;
  /**
   * Where the effect size and spread come from: `assumed` (the study's named constants) or
   * `pilot` (observed in a finished run of the study, its `study.json`).
   */
  source: "assumed" | "pilot";
}

/** A registered study. */
export interface Study {
  /** The CLI name, e.g. `rq2`. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** The research question, as the report states it. */
  question: string;
  /** Its seeds without `--seeds`: the default and the `--small` ones. */
  seeds: { default: [number, number]; small: [number, number] };
  /** The study's own flags (name without `--`). */
  flags?: Readonly<Record<string, ExperimentFlag>>;
  /**
   * The design for these flags.
   *
   * @throws {ConfigError} Naming the flag, for a bad value.
   */
  design(context: StudyContext): StudyDesign | Promise<StudyDesign>;
  /** The answer from the runs (for an in-process study, `runs` is empty and it plays here). */
  analyze(context: StudyContext, design: StudyDesign, runs: StudyRuns): Promise<StudyAnswer>;
  /**
   * Seeds needed per condition for the comparison the report tests: from `pilot` (the
   * `answer` of a finished run's `study.json`) when it holds a usable contrast, else from
   * the study's assumed effect sizes (named in `assumption`).
   */
  power(context: StudyContext, pilot?: Record<string, unknown>): StudyPower;
}
