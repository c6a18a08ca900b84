/**
 * The report of a delegation run, as data ({@linkcode delegationReport}): the verdicts, which
 * strategy each provider played (with its parameters), the mechanism against its
 * counterfactual users, the mechanism's figures, delegations over time by phase (from the
 * decision rows when they were logged, else per phase from the summary), per-provider
 * utilities, the provider table, the resolved configuration and, for LLM seats, the LLM
 * calls. Charts are Vega-Lite specs in chart blocks; nothing is written here (the run layer
 * renders the document with `writeDocument`). The study reports are in `report_study.ts`.
 *
 * @module
 */
import { basename, join } from "node:path";
import type { Block, Cell, DocSection, ReportDocument } from "../../core/document.ts";
import { readJsonFile } from "../../core/config.ts";
import { LlmCallRecordSchema } from "../../core/records.ts";
import { exists } from "../../core/run_dir.ts";
import { readJsonl } from "../../core/run_log.ts";
import { chartBlock } from "../../charts/chart_block.ts";
import { flatten } from "../../reports/generic_report.ts";
import { provenanceText, validityBanners, type ValidityView } from "../../reports/html.ts";
import { type BudgetView, llmSection } from "../../reports/llm_section.ts";
import { formatNumber } from "../../reports/render_document.ts";
import { bestModelIndex, cheapestModelIndex, unitPrices } from "./accounting.ts";
import { phaseCountRows, providerRows, providerUtilityRows } from "./figures.ts";
import { phaseTimeline, type TimelineRow } from "./timeline.ts";
import { describePricing, type PricingSpec } from "./pricing.ts";
import { phaseSection, pricingBanners } from "./report_phases.ts";
import { phaseCountChart, phaseTimelineChart, providerUtilityChart } from "./charts.ts";
import { counterfactualSections } from "./report_counterfactual.ts";
import { STRATEGY_RULES } from "./strategies.ts";
import type { DelegationSummary } from "./summary.ts";

export { counterfactualSections } from "./report_counterfactual.ts";
export * from "./report_study.ts";

/** A run's summary as the report reads it (older summaries may lack the optional blocks). */
type RunSummary = DelegationSummary & Record<string, unknown> & {
  /** The seats: name, what decided (`policy:<strategy>` or an LLM's id), models and eta. */
  providers?: Record<string, SeatView>;
  /** The run's seed. */
  seed?: number;
  /** `recorded:<dir>`, `synthetic` or `live`. */
  records?: string;
  /** `toolkit` or `python`. */
  rng?: string;
  /** The run's validity block. */
  validity?: ValidityView;
  /** The LLM budget block. */
  llm_budget?: BudgetView;
};

/** One seat of a summary's `providers` block. */
interface SeatView {
  /** The provider's name. */
  name: string;
  /** What decided: `policy:<strategy>` or an LLM's id. */
  kind: string;
  /** The LLM's model, for an LLM seat. */
  model?: string;
  /** The provider's models, in config order. */
  models: string[];
  /** Its eta. */
  eta: number;
  /** Its pricing policy (absent: the list price). */
  pricing?: PricingSpec;
}

/** The run's `config.json`. */
interface ConfigFile {
  experiment?: string;
  seed?: number;
  config?: Record<string, unknown>;
  provenance?: unknown;
}

/** A decision row as the report reads it. */
interface DecisionLine extends TimelineRow {
  agent: string;
  fallback?: boolean;
}

/** Reads the decision rows of a run (none when it logged none). */
async function readDecisionRows(runDir: string): Promise<DecisionLine[]> {
  const path = join(runDir, "decisions.jsonl");
  if (!(await exists(path))) return [];
  const rows: DecisionLine[] = [];
  for (const line of (await Deno.readTextFile(path)).split("\n")) {
    if (line.trim() === "") continue;
    const r = JSON.parse(line);
    rows.push({
      time: r.time,
      agent: r.agent,
      phase: r.phase,
      model: r.model,
      fallback: r.fallback,
    });
  }
  return rows;
}

const say = (v: unknown) => (v === true ? "yes" : v === false ? "no" : String(v ?? "n/a"));

/** The three verdicts with what each means (and, under dynamic pricing, that they are not the paper's). */
function verdictSection(s: RunSummary): DocSection {
  const rows: Cell[][] = [
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
  const table: Block = { table: { header: ["verdict", "value", "meaning"], rows } };
  const warn = pricingBanners(s)[0];
  return {
    title: "Verdicts",
    blocks: warn ? [{ note: warn.text, tone: "bad" }, table] : [table],
  };
}

/** The strategy a seat played and the parameters it reads, from the summary. */
function strategyOf(seat: SeatView, id: string, s: RunSummary): [string, string, string] {
  if (!seat.kind.startsWith("policy:")) {
    return ["LLM", seat.model ? `model ${seat.model} (${seat.kind})` : seat.kind, "an LLM decides"];
  }
  const name = seat.kind.slice("policy:".length);
  const rule = STRATEGY_RULES[name] ?? "a custom strategy (registered by user code)";
  let params = "";
  if ((name === "ours" || name === "strategic") && s.planned !== null) {
    const target = (s.planned ?? 0) * (s.second_best_utility ?? 0);
    params =
      `switches to its cheapest once its cumulative reward reaches planned ${s.planned} x second-best utility ${
        formatNumber(s.second_best_utility ?? 0)
      } = ${formatNumber(target)}`;
    if (String(s.best_provider_id) !== id) params += " (only as the best provider)";
  } else if (name === "random") params = `stream ${s.rng ?? "toolkit"}`;
  return [name, params, rule];
}

/** Which strategy each provider played: its models, eta, parameters and rule. */
function strategySection(s: RunSummary): DocSection {
  const seats = Object.entries(s.providers ?? {});
  if (!seats.length) {
    return {
      title: "Providers and their strategies",
      blocks: [{ text: "Not recorded: this summary has no providers block." }],
    };
  }
  const rows: Cell[][] = seats.map(([id, seat]) => {
    const prices = seat.models.map((m) => unitPrices(m));
    const [strategy, params, rule] = strategyOf(seat, id, s);
    return [
      Number(id),
      seat.name,
      strategy,
      params,
      seat.eta,
      seat.models.join(", "),
      seat.models[bestModelIndex(prices)],
      seat.models[cheapestModelIndex(prices)],
      rule,
      describePricing(seat.pricing),
    ];
  });
  const header = [
    "id",
    "provider",
    "strategy",
    "parameters",
    "eta",
    "models",
    "best (billed)",
    "cheapest",
    "what it serves",
    "pricing",
  ];
  return { title: "Providers and their strategies", blocks: [{ table: { header, rows } }] };
}

/** The mechanism's figures (`-inf` for `delta2` when the best mean utility is <= 0). */
function mechanismSection(s: RunSummary): DocSection {
  const kv: [string, Cell][] = [
    ["T", s.total_time],
    ["delegations", s.total_delegations],
    ["B", s.B],
    ["M", s.M],
    ["delta1", s.delta1],
    ["delta2", s.delta2 === null ? "-inf" : s.delta2],
    ["R2", s.R2],
    ["planned", s.planned],
    ["best provider", s.best_provider_id],
    ["second-best provider", s.second_best_provider_id],
    ["second-best utility", s.second_best_utility],
    ["threshold", s.threshold],
    ["total user utility", s.total_user_utility],
    ["total provider utility", s.total_provider_utility],
    ["total reward", s.total_reward],
    ["substitution rate", s.substitution_rate],
  ];
  return { title: "Mechanism", blocks: [{ table: { header: ["figure", "value"], rows: kv } }] };
}

/** The timeline (when rows were logged), delegations per phase and utilities per provider. */
function chartSection(s: RunSummary, rows: readonly TimelineRow[]): DocSection {
  const blocks: Block[] = [];
  if (rows.length > 0) {
    const points = phaseTimeline(rows);
    const which = points.length < rows.length
      ? `${points.length} of ${rows.length}, evenly sampled`
      : "all";
    blocks.push(chartBlock(
      phaseTimelineChart(points),
      "timeline.svg",
      `Each delegation (${which}) by time step and provider, coloured by phase.`,
    ));
  }
  blocks.push(chartBlock(
    phaseCountChart(phaseCountRows(s)),
    "phases.svg",
    rows.length > 0
      ? "Delegations per phase (from the summary)."
      : "Delegations per phase (from the summary: this run logged no decision rows).",
  ));
  blocks.push(chartBlock(
    providerUtilityChart(providerUtilityRows(s)),
    "utilities.svg",
    "Per provider: its own utility (eta x billed - cost, $) and the user's utility of its delegations (reward - price).",
  ));
  return { title: "Charts", blocks };
}

/** The per-provider sums of the run. */
function providerSection(s: RunSummary): DocSection {
  const table = providerRows(s);
  return {
    title: "Providers",
    blocks: [{
      table: {
        header: Object.keys(table[0] ?? {}),
        rows: table.map((r) => Object.values(r) as Cell[]),
      },
    }],
  };
}

/** The resolved configuration: its scalar fields, then the configured providers. */
function configSection(config: Record<string, unknown> | undefined): DocSection {
  if (!config) {
    return { title: "Configuration", blocks: [{ text: "Not recorded: no config.json." }] };
  }
  const { providers, ...rest } = config;
  const kv = flatten(rest).map(([k, v]) => [k, v as Cell] as const);
  const blocks: Block[] = [{ kv }];
  if (Array.isArray(providers)) {
    const rows = (providers as Record<string, unknown>[]).map((p) => [
      String(p.name),
      (p.models as string[]).join(", "),
      p.eta as number,
      String(p.strategy),
      describePricing(p.pricing as PricingSpec | undefined),
    ]);
    blocks.push({
      table: { header: ["provider", "models", "eta", "strategy (configured)", "pricing"], rows },
    });
  }
  return { title: "Configuration", blocks };
}

/** Provider names by 1-based id. */
function providerNames(s: RunSummary): Record<string, string> {
  return Object.fromEntries(Object.entries(s.provider_stats).map(([id, p]) => [id, p.name]));
}

/** The intro line: seed, T, providers, records and stream. */
function introText(id: string, s: RunSummary): string {
  return `Run ${id}: seed ${s.seed}, T = ${s.total_time}, ${
    Object.keys(s.provider_stats).length
  } providers, records ${s.records ?? "?"}, ${s.rng ?? "toolkit"} random stream.`;
}

/**
 * The report of the delegation run in `runDir`, as a document (charts `timeline.svg`,
 * `phases.svg` and `utilities.svg` as Vega-Lite specs); nothing is written.
 *
 * @param runDir The run directory (`summary.json`, `config.json`, `decisions.jsonl`,
 * `llm_calls.jsonl`).
 * @returns The report.
 * @throws {Deno.errors.NotFound} When `summary.json` is missing.
 *
 * @example
 * ```ts ignore
 * import { delegationReport } from "./report.ts";
 * const doc = await delegationReport("data/runs/delegation-1");
 * console.log(doc.sections.map((s) => s.title)[1]); // Providers and their strategies
 * ```
 */
export async function delegationReport(runDir: string): Promise<ReportDocument> {
  const summary = await readJsonFile(join(runDir, "summary.json")) as RunSummary;
  const configPath = join(runDir, "config.json");
  const config = (await exists(configPath))
    ? await readJsonFile(configPath) as ConfigFile
    : {} as ConfigFile;
  const rows = await readDecisionRows(runDir);
  const calls = await readJsonl(join(runDir, "llm_calls.jsonl"), LlmCallRecordSchema);
  const llm = llmSection(calls, rows, summary.llm_budget);
  const id = basename(runDir);
  return {
    title: `Delegation run ${id}`,
    banners: [...validityBanners(summary.validity), ...pricingBanners(summary)],
    intro: [{ text: introText(id, summary) }],
    sections: [
      verdictSection(summary),
      strategySection(summary),
      ...counterfactualSections(summary),
      mechanismSection(summary),
      phaseSection(summary, providerNames(summary)),
      chartSection(summary, rows),
      providerSection(summary),
      configSection(config.config),
      ...(llm ? [llm] : []),
    ],
    ...(config.provenance ? { footer: `Provenance: ${provenanceText(config.provenance)}` } : {}),
  };
}
