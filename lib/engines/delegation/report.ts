/**
 * Reports of the delegation mechanism, each a self-contained `report.html` (charts inline)
 * and a `report.md` (charts as SVG files next to it):
 *
 * - a run: verdicts, the mechanism's parameters, delegations over time by phase (from the
 *   decision rows when they were logged, else per phase from the summary), per-provider
 *   utilities and the provider table;
 * - a study: the user-utility heatmap over combinations, provider utility by own strategy,
 *   the phase timeline of one run, and the side-by-side comparison with a reference table
 *   when one was given.
 *
 * Data come from `analysis.ts`, specs from `charts.ts`; this file only reads, lays out and
 * writes.
 *
 * @module
 */
import { basename, join } from "node:path";
import { readJsonFile } from "../../core/config.ts";
import { toSvg } from "../../charts/render.ts";
import {
  escapeHtml,
  htmlPage,
  htmlTable,
  mdTable,
  validityBanner,
  validityNote,
  type ValidityView,
} from "../../reports/html.ts";
import {
  heatmapCells,
  phaseCounts,
  phaseTimeline,
  providerTable,
  providerUtilities,
  type ReferenceComparison,
  type TimelinePoint,
  type TimelineRow,
  utilityByOwnStrategy,
} from "./analysis.ts";
import {
  phaseCountChart,
  phaseTimelineChart,
  providerUtilityChart,
  userUtilityHeatmap,
  utilityByStrategyChart,
} from "./charts.ts";
import type { StudyRow } from "./study.ts";
import type { DelegationSummary } from "./summary.ts";

/** A section of a report: a heading, paragraphs, tables and charts, in order. */
interface Section {
  title: string;
  parts: Part[];
}

type Part =
  | { text: string }
  | { table: { header: string[]; rows: unknown[][] } }
  | { chart: { file: string; svg: string; caption: string } };

const fmt = (x: unknown, digits = 4) =>
  typeof x === "number" && Number.isFinite(x) ? String(Number(x.toFixed(digits))) : x ?? "n/a";

/** Renders the sections as Markdown. */
function markdown(title: string, intro: string[], sections: Section[]): string {
  const out = [`# ${title}`, "", ...intro.flatMap((t) => [t, ""])];
  for (const s of sections) {
    out.push(`## ${s.title}`, "");
    for (const p of s.parts) {
      if ("text" in p) out.push(p.text, "");
      else if ("table" in p) out.push(mdTable(p.table.header, p.table.rows), "");
      else out.push(`![${p.chart.caption}](${p.chart.file})`, "", `*${p.chart.caption}*`, "");
    }
  }
  return out.join("\n");
}

/** Renders the sections as one self-contained HTML page. */
function html(title: string, banner: string, intro: string[], sections: Section[]): string {
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    banner,
    ...intro.map((t) => `<p>${escapeHtml(t)}</p>`),
  ];
  for (const s of sections) {
    body.push(`<h2>${escapeHtml(s.title)}</h2>`);
    for (const p of s.parts) {
      if ("text" in p) body.push(`<p>${escapeHtml(p.text)}</p>`);
      else if ("table" in p) body.push(htmlTable(p.table.header, p.table.rows));
      else {
        body.push(
          `<figure>${p.chart.svg}<figcaption>${escapeHtml(p.chart.caption)}</figcaption></figure>`,
        );
      }
    }
  }
  return htmlPage(title, body.join("\n"));
}

/** Writes the chart files, `report.md` and `report.html`; returns the HTML path. */
async function writeReport(
  outDir: string,
  title: string,
  validity: ValidityView | undefined,
  intro: string[],
  sections: Section[],
): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  for (const s of sections) {
    for (const p of s.parts) {
      if ("chart" in p) await Deno.writeTextFile(join(outDir, p.chart.file), p.chart.svg);
    }
  }
  const note = validityNote(validity);
  await Deno.writeTextFile(
    join(outDir, "report.md"),
    markdown(title, note ? [note, ...intro] : intro, sections),
  );
  const path = join(outDir, "report.html");
  await Deno.writeTextFile(path, html(title, validityBanner(validity), intro, sections));
  return path;
}

/** Reads the timeline fields of a run's decision rows (none when it logged none). */
async function readTimelineRows(runDir: string): Promise<TimelineRow[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(runDir, "decisions.jsonl"));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const rows: TimelineRow[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const r = JSON.parse(line);
    rows.push({ time: r.time, agent: r.agent, phase: r.phase, model: r.model });
  }
  return rows;
}

const say = (v: unknown) => (v === true ? "yes" : v === false ? "no" : String(v ?? "n/a"));

/** The sections of a run report (pure but for rendering charts). */
async function runSections(
  summary: DelegationSummary & Record<string, unknown>,
  rows: TimelineRow[],
): Promise<Section[]> {
  const s = summary;
  const verdictRows = [
    ["stopped_early", say(s.stopped_early), "exploitation stopped early (recent utility fell)"],
    [
      "best_provider_honest",
      say(s.best_provider_honest),
      "the best provider always served its best model",
    ],
    [
      "substitution_detected",
      say(s.substitution_detected),
      "the best provider substituted in exploitation and exploitation stopped early",
    ],
  ];
  const parameterRows = [
    ["T", s.total_time],
    ["delegations", s.total_delegations],
    ["B", s.B],
    ["M", fmt(s.M)],
    ["delta1", fmt(s.delta1)],
    ["delta2", s.delta2 === null ? "-inf" : fmt(s.delta2)],
    ["R2", fmt(s.R2)],
    ["planned", s.planned],
    ["best provider", s.best_provider_id],
    ["second-best provider", s.second_best_provider_id],
    ["second-best utility", fmt(s.second_best_utility)],
    ["threshold", fmt(s.threshold)],
    ["total user utility", fmt(s.total_user_utility)],
    ["total provider utility", fmt(s.total_provider_utility)],
    ["total reward", fmt(s.total_reward)],
    ["substitution rate", fmt(s.substitution_rate)],
  ];
  const table = providerTable(s);
  const charts: Part[] = [];
  if (rows.length > 0) {
    const points = phaseTimeline(rows);
    charts.push({
      chart: {
        file: "timeline.svg",
        svg: await toSvg(phaseTimelineChart(points)),
        caption: `Each delegation (${
          points.length < rows.length ? `${points.length} of ${rows.length}, evenly sampled` : "all"
        }) by time step and provider, coloured by phase.`,
      },
    });
  }
  charts.push({
    chart: {
      file: "phases.svg",
      svg: await toSvg(phaseCountChart(phaseCounts(s))),
      caption: rows.length > 0
        ? "Delegations per phase (from the summary)."
        : "Delegations per phase (from the summary: this run logged no decision rows).",
    },
  });
  charts.push({
    chart: {
      file: "utilities.svg",
      svg: await toSvg(providerUtilityChart(providerUtilities(s))),
      caption:
        "Per provider: its own utility (eta x billed - cost, $) and the user's utility of its delegations (reward - price).",
    },
  });
  return [
    {
      title: "Verdicts",
      parts: [{ table: { header: ["verdict", "value", "meaning"], rows: verdictRows } }],
    },
    {
      title: "Mechanism",
      parts: [{ table: { header: ["figure", "value"], rows: parameterRows } }],
    },
    { title: "Charts", parts: charts },
    {
      title: "Providers",
      parts: [{
        table: {
          header: Object.keys(table[0] ?? {}),
          rows: table.map((r) => Object.values(r).map((v) => fmt(v))),
        },
      }],
    },
  ];
}

/**
 * Writes the report of the delegation run in `runDir` (after its `summary.json`).
 *
 * @param runDir The run directory.
 * @param outDir Where to write (created when missing).
 * @returns The path of `report.html`.
 */
export async function writeDelegationReport(runDir: string, outDir: string): Promise<string> {
  const summary = await readJsonFile(join(runDir, "summary.json")) as
    & DelegationSummary
    & Record<string, unknown>;
  const rows = await readTimelineRows(runDir);
  const id = basename(runDir);
  const intro = [
    `Run ${id}: seed ${summary.seed}, T = ${summary.total_time}, ${
      Object.keys(summary.provider_stats).length
    } providers, records ${summary.records ?? "?"}, ${summary.rng ?? "toolkit"} random stream.`,
  ];
  return await writeReport(
    outDir,
    `Delegation run ${id}`,
    summary.validity as ValidityView | undefined,
    intro,
    await runSections(summary, rows),
  );
}

/** What a study report shows besides its rows. */
export interface StudyReportInput {
  /** The study's rows (one per combination and seed). */
  rows: readonly StudyRow[];
  /** The delegations of one run, for the phase timeline. */
  timeline: readonly TimelinePoint[];
  /** Which run the timeline shows, e.g. `honest-ours-worst, seed 42`. */
  timelineRun: string;
  /** Lines describing the study (config, seeds, seeding, timing). */
  intro: string[];
  /** The comparison with a reference table, when one was given. */
  comparison?: readonly ReferenceComparison[];
  /** Name of the reference, e.g. its path. */
  reference?: string;
}

/**
 * Writes a study's report into `outDir`.
 *
 * @returns The path of `report.html`.
 */
export async function writeStudyReport(outDir: string, input: StudyReportInput): Promise<string> {
  const { rows, timeline, timelineRun, intro, comparison, reference } = input;
  const sections: Section[] = [
    {
      title: "User utility over strategy combinations",
      parts: [{
        chart: {
          file: "heatmap.svg",
          svg: await toSvg(userUtilityHeatmap(heatmapCells(rows))),
          caption: "Mean total user utility (reward - price) of each combination, over seeds.",
        },
      }],
    },
    {
      title: "Provider utility by own strategy",
      parts: [{
        chart: {
          file: "provider_utility.svg",
          svg: await toSvg(utilityByStrategyChart(utilityByOwnStrategy(rows))),
          caption:
            "Each provider's utility when it plays a strategy: bar = mean over the other providers' strategies and seeds, rule = range.",
        },
      }],
    },
    {
      title: "Delegations over time by phase",
      parts: [{
        chart: {
          file: "timeline.svg",
          svg: await toSvg(phaseTimelineChart(timeline)),
          caption: `One run: ${timelineRun}.`,
        },
      }],
    },
  ];
  if (comparison) {
    const max = Math.max(0, ...comparison.map((c) => c.max_difference));
    const same = comparison.filter((c) =>
      c.total_delegations === c.reference_delegations &&
      String(c.best_provider) === c.reference_best_provider
    ).length;
    sections.push({
      title: "Side by side with the reference table",
      parts: [
        {
          text: `${
            reference ?? "reference"
          }: ${comparison.length} combinations; total delegations and best provider equal in ${same}; largest utility or reward difference ${
            max.toExponential(2)
          }.`,
        },
        {
          table: {
            header: [
              "combination",
              "user utility",
              "reference",
              "delegations",
              "reference",
              "best",
              "reference",
              "max difference",
            ],
            rows: comparison.map((c) => [
              c.strategy_combination,
              fmt(c.total_user_utility),
              fmt(c.reference_user_utility),
              c.total_delegations,
              c.reference_delegations,
              c.best_provider,
              c.reference_best_provider,
              c.max_difference.toExponential(1),
            ]),
          },
        },
      ],
    });
  }
  return await writeReport(outDir, "Delegation strategy study", undefined, intro, sections);
}
