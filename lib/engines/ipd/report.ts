/**
 * The report of an IPD run, as data: the verdict and each player's payoff, cooperation rate
 * and stage-game regret, two charts (cumulative payoff, cooperation rate), the configuration
 * and, for LLM players, the LLM calls. The model of an engine's report: read the run
 * directory, return a `ReportDocument`, write nothing (the run layer renders it).
 *
 * @module
 */
import { basename, join } from "node:path";
import type { Block, DocSection, ReportDocument } from "../../core/document.ts";
import { readJsonFile } from "../../core/config.ts";
import { LlmCallRecordSchema } from "../../core/records.ts";
import { exists } from "../../core/run_dir.ts";
import { streamJsonl } from "../../core/run_log.ts";
import { chartBlock } from "../../charts/chart_block.ts";
import { flatTable } from "../../reports/generic_report.ts";
import { provenanceText, validityBanners, type ValidityView } from "../../reports/html.ts";
import { type BudgetView, llmSection } from "../../reports/llm_section.ts";
import { cooperationPointsChart, cumulativePayoffChart } from "./charts.ts";
import { type IpdChartData, ipdChartData } from "./chart_data.ts";
import { IPD_REGRET_NOTE, MUTUAL_COOPERATION_THRESHOLD } from "./verdicts.ts";

/** The fields of `summary.json` the report reads. */
interface IpdSummary {
  status?: string;
  rounds?: number;
  agents?: Record<string, { kind: string; total: number; cooperation_rate: number }>;
  reward_ranking?: string[];
  mutual_cooperation?: boolean | string;
  mutual_cooperation_rate?: number;
  regret?: Record<string, { mean: number; total: number; near_best_share: number | null }>;
  rational_baseline?: Record<
    string,
    { best_response_total: number; best_response_share: number }
  >;
  validity?: ValidityView;
  llm_budget?: BudgetView;
}

/** The run's configuration file. */
interface ConfigFile {
  experiment: string;
  seed: number;
  config: Record<string, unknown>;
  provenance?: unknown;
}

/** The verdict, how it reads and the numbers behind it; each player's figures. */
function summarySection(s: IpdSummary): DocSection {
  const verdict = s.mutual_cooperation;
  const word = typeof verdict === "boolean" ? (verdict ? "yes" : "no") : String(verdict ?? "n/a");
  const tone = verdict === true ? "good" : verdict === false ? "bad" : "warn";
  const rows = Object.entries(s.agents ?? {}).map(([name, a]) => [
    name,
    a.kind,
    a.total,
    a.cooperation_rate,
    s.regret?.[name]?.mean,
    s.regret?.[name]?.total,
    s.rational_baseline?.[name]?.best_response_total,
    s.rational_baseline?.[name]?.best_response_share,
  ]);
  const header = [
    "player",
    "kind",
    "total payoff",
    "cooperation rate",
    "stage regret / round",
    "stage regret total",
    "best-response total",
    "best-response share",
  ];
  return {
    title: "Summary",
    blocks: [
      { badges: [{ label: `Mutual cooperation: ${word}`, tone }] },
      {
        kv: [
          ["status", s.status],
          ["rounds", s.rounds],
          ["rounds both cooperated (share)", s.mutual_cooperation_rate],
          ["verdict threshold (share, inclusive)", MUTUAL_COOPERATION_THRESHOLD],
          ["reward ranking", (s.reward_ranking ?? []).join(" > ")],
        ],
      },
      { table: { header, rows } },
      { text: IPD_REGRET_NOTE },
    ],
  };
}

/** The two charts, or a note when the run logged no decision rows. */
function chartsSection(data: IpdChartData, rounds: number | undefined): DocSection {
  if (!data.logged) {
    return { title: "Charts", blocks: [{ note: "The run logged no decision rows: no charts." }] };
  }
  const { logged } = data;
  const blocks: Block[] = [
    chartBlock(
      cumulativePayoffChart(data.payoff),
      "payoff.svg",
      "Each player's cumulative payoff.",
    ),
    chartBlock(
      cooperationPointsChart(data.cooperation, MUTUAL_COOPERATION_THRESHOLD),
      "cooperation.svg",
      "Share of C moves up to each round, per player and for both at once (dashed); the rule is the mutual-cooperation threshold.",
    ),
  ];
  if (rounds !== undefined && logged < rounds) {
    blocks.push({ note: `The charts cover the ${logged} logged rounds of ${rounds}.` });
  }
  const shown = new Set(data.payoff.map((r) => r.round)).size;
  if (shown < logged) {
    blocks.push({ note: `The charts show a sample of ${shown} of the ${logged} logged rounds.` });
  }
  return { title: "Charts", blocks };
}

/**
 * The report of the IPD run in `runDir`, as a document (charts `payoff.svg` and
 * `cooperation.svg` as Vega-Lite specs); nothing is written.
 *
 * @param runDir The run directory (`config.json`, `summary.json`, `decisions.jsonl`,
 * `llm_calls.jsonl`).
 * @returns The report.
 *
 * @example
 * ```ts ignore
 * import { ipdReport } from "./report.ts";
 * const doc = await ipdReport("data/runs/ipd-1");
 * console.log(doc.sections.map((s) => s.title)); // ["Summary", "Charts", "Configuration"]
 * ```
 */
export async function ipdReport(runDir: string): Promise<ReportDocument> {
  const config = await readJsonFile(join(runDir, "config.json")) as ConfigFile;
  const summaryPath = join(runDir, "summary.json");
  const summary =
    ((await exists(summaryPath)) ? await readJsonFile(summaryPath) : {}) as IpdSummary;
  // Calls first: the rows are then streamed once, keeping the LLM seats' and a chart sample.
  const calls = [];
  for await (const c of streamJsonl(join(runDir, "llm_calls.jsonl"), LlmCallRecordSchema)) {
    calls.push(c);
  }
  const data = await ipdChartData(
    join(runDir, "decisions.jsonl"),
    new Set(calls.map((c) => c.agent)),
  );
  const llm = llmSection(calls, data.llmRows, summary.llm_budget);
  const players = Object.entries(summary.agents ?? {}).map(([n, a]) => `${n} (${a.kind})`);
  return {
    title: `IPD run ${basename(runDir)}`,
    banners: [
      ...validityBanners(summary.validity),
      ...(summary.status && summary.status !== "completed"
        ? [{
          tone: "warn" as const,
          text: `The run did not complete (status: ${summary.status}): its figures cover ${
            summary.rounds ?? "?"
          } rounds only.`,
        }]
        : []),
    ],
    intro: [{
      text: `Experiment \`${config.experiment}\`, seed ${config.seed}, ${
        summary.rounds ?? "?"
      } rounds, players ${players.join(" and ")}.`,
    }],
    sections: [
      summarySection(summary),
      chartsSection(data, summary.rounds),
      { title: "Configuration", blocks: [flatTable(config.config, ["parameter", "value"])] },
      ...(llm ? [llm] : []),
    ],
    footer: `Provenance: ${provenanceText(config.provenance)}`,
  };
}
