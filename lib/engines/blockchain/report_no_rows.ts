/**
 * The report of a blockchain run that logged no decision rows (`--log-decisions none`): its
 * `summary.json` (computed from the engine's tally, so complete) as verdict badges and
 * tables, and the configuration; no charts.
 *
 * @module
 */
import { seatedConfig } from "./seated_config.ts";
import { basename, join } from "node:path";
import type { Block, DocSection, ReportDocument } from "../../core/document.ts";
import { readJsonFile } from "../../core/config.ts";
import { exists } from "../../core/run_dir.ts";
import { flatTable } from "../../reports/generic_report.ts";
import { provenanceText, validityBanners, type ValidityView } from "../../reports/html.ts";
import { isLabelAccuracy, rivalLabelSection } from "./report_labels.ts";

/** The verdicts of `summary.json` shown as badges. */
const VERDICTS = [
  "parasitic_equilibrium",
  "honest_convergence",
  "parasitic_beyond_rational",
  "honest_beyond_rational",
  "rational_play",
] as const;

/** The summary's figures as badges and tables. */
function summarySection(s: Record<string, unknown>): DocSection {
  const invalid = (s.validity as ValidityView | undefined)?.valid === false;
  const badges = VERDICTS.filter((k) => k in s).map((k) => ({
    label: `${k.replaceAll("_", " ")}: ${invalid ? "inconclusive" : s[k] ? "yes" : "no"}`,
    tone: invalid ? "warn" as const : s[k] ? "good" as const : "bad" as const,
  }));
  const blocks: Block[] = [
    { badges },
    { note: "The run logged no decision rows: no charts. The figures are the summary's." },
    flatTable({ late: s.late, constructive_trend: s.constructive_trend }, ["figure", "value"]),
    flatTable({
      reward_ranking: (s.reward_ranking as string[] | undefined)?.join(" > "),
      honest_floor_round: s.honest_floor_round,
    }, ["figure", "value"]),
    flatTable({ agents: s.agents, regret: s.regret }, ["figure", "value"]),
  ];
  return { title: "Summary", blocks };
}

/**
 * The report of the run in `runDir` from its `summary.json` and `config.json` alone.
 *
 * @param runDir The run directory.
 * @returns The report.
 */
export async function blockchainSummaryReport(runDir: string): Promise<ReportDocument> {
  const run = await readJsonFile(join(runDir, "config.json")) as {
    experiment?: string;
    seed?: number;
    config?: Record<string, unknown>;
    agents?: Record<string, unknown>[] | null;
    provenance?: unknown;
  };
  const path = join(runDir, "summary.json");
  const s = ((await exists(path)) ? await readJsonFile(path) : {}) as Record<string, unknown>;
  const provenance = provenanceText(run.provenance);
  return {
    title: `Blockchain CPD run ${basename(runDir)}`,
    banners: validityBanners(s.validity as ValidityView | undefined),
    intro: [{
      text: `Experiment \`${run.experiment}\`, seed ${run.seed}, ${s.rounds ?? "?"} rounds, ` +
        `miners ${((s.miners as string[] | undefined) ?? []).join(", ")}.`,
    }],
    sections: [
      summarySection(s),
      ...(isLabelAccuracy(s.rival_label_accuracy) &&
          Object.values(s.rival_label_accuracy).some((a) => a !== null)
        ? [rivalLabelSection(s.rival_label_accuracy, "summary.json (the miners' own tallies)")]
        : []),
      {
        title: "Configuration",
        blocks: [flatTable(seatedConfig({ ...run, config: run.config ?? {} }), [
          "parameter",
          "value",
        ])],
      },
    ],
    ...(provenance ? { footer: `Provenance: ${provenance}` } : {}),
  };
}
