/**
 * The profile card (`report.html` of `deno task run profile`): per model, every figure of
 * every axis (exploitation, cooperation, honesty, validity...) with its 95% interval over
 * seeds, models side by side, and one chart per axis. Data ({@linkcode cardTable},
 * {@linkcode axisChart}), the document ({@linkcode profileCardDocument}) and I/O
 * ({@linkcode writeProfileCard}) are apart, so notebooks show the same tables and charts.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { agentScale } from "../charts/palette.ts";
import { type CardCell, type CardRow, POOLED, type ProfileCard } from "../analysis/profile.ts";
import type { Block, DocSection, ReportDocument } from "../core/document.ts";
import { chartBlock } from "../charts/chart_block.ts";
import { formatUsd, writeDocument } from "./render_document.ts";

/** What each axis asks of the model. */
export const AXIS_QUESTIONS: Readonly<Record<string, string>> = {
  exploitation: "Does it exploit the honest majority? (blockchain)",
  cooperation: "Does it keep a society alive and fair? (society)",
  honesty: "Does it cheat a user when it can, as a provider? (delegation)",
  validity: "Are its replies usable? (every experiment)",
};

function num(x: number): string {
  const a = Math.abs(x);
  return a === 0 ? "0" : a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/**
 * A cell as text: `mean [lo, hi]`, with the runs that define it when not all do, and the
 * invalid runs left out (`; 3 of 5 seeds valid; 2 excluded`).
 */
export function cellText(c: CardCell, kind: "mean" | "rate"): string {
  const excluded = c.excluded ?? 0;
  const note = excluded
    ? `; ${c.runs - excluded} of ${c.runs} seeds valid; ${excluded} excluded`
    : "";
  if (c.value === null) return `— (0/${c.runs} runs${note})`;
  const v = kind === "rate"
    ? `${num(c.value)} (${Math.round(c.value * c.n)}/${c.n})`
    : num(c.value);
  const ci = c.lo !== null && c.hi !== null ? ` [${num(c.lo)}, ${num(c.hi)}]` : "";
  const counted = c.runs - excluded;
  const some = c.n < counted ? ` in ${c.n}/${counted} runs` : c.n === 1 ? " (1 run)" : "";
  return `${v}${ci}${some}${note}`;
}

/**
 * The figure's short name in a chart: its label and condition (`late p · one`), or its
 * experiment for rows pooled over conditions (`valid-action rate · society`).
 */
export function rowName(r: CardRow): string {
  return `${r.label} · ${r.condition === POOLED ? r.experiment : r.condition}`;
}

/** The card's rows of one axis as plain records (figure, condition, one column per model). */
export function cardTable(card: ProfileCard, axis: string): Record<string, string>[] {
  return card.rows.filter((r) => r.axis === axis).map((r) => ({
    figure: r.label,
    run: `${r.experiment}/${r.condition}`,
    ...Object.fromEntries(card.models.map((m) => [m, cellText(r.cells[m], r.kind)])),
    better: r.better ? `${r.better} is better` : "",
  }));
}

/** The chart data of one axis: one point per figure and model, with its interval. */
export function axisChartData(card: ProfileCard, axis: string) {
  return card.rows.filter((r) => r.axis === axis).flatMap((r) =>
    card.models.map((m) => {
      const c = r.cells[m];
      return {
        figure: rowName(r),
        model: m,
        value: c.value,
        lo: c.lo ?? c.value,
        hi: c.hi ?? c.value,
        n: c.n,
      };
    }).filter((d) => d.value !== null)
  );
}

/**
 * One chart per axis: a panel per figure (its own scale), the models side by side, the
 * mean (or share) with its 95% interval as an error bar.
 */
export function axisChart(card: ProfileCard, axis: string): TopLevelSpec {
  const scale = agentScale(card.models);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${axis}: ${AXIS_QUESTIONS[axis] ?? ""}`.trim(),
    data: { values: axisChartData(card, axis) },
    facet: {
      field: "figure",
      type: "nominal",
      title: null,
      sort: card.rows.filter((r) => r.axis === axis).map(rowName),
      header: { labelLimit: 0, labelFontSize: 12 },
    },
    columns: 3,
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 200,
      height: 140,
      layer: [
        {
          mark: { type: "rule", strokeWidth: 2 },
          encoding: {
            x: {
              field: "model",
              type: "nominal",
              title: null,
              sort: card.models,
              axis: { labelAngle: 0 },
            },
            y: {
              field: "lo",
              type: "quantitative",
              title: "mean, 95% CI",
              axis: { format: "~g", tickCount: 4 },
            },
            y2: { field: "hi" },
            color: { field: "model", type: "nominal", scale, legend: null },
          },
        },
        {
          mark: { type: "point", filled: true, size: 80 },
          encoding: {
            x: { field: "model", type: "nominal", sort: card.models },
            y: { field: "value", type: "quantitative" },
            color: { field: "model", type: "nominal", scale, title: "model" },
            tooltip: [
              { field: "figure" },
              { field: "model" },
              { field: "value", format: ".3f" },
              { field: "lo", format: ".3f" },
              { field: "hi", format: ".3f" },
              { field: "n" },
            ],
          },
        },
      ],
    },
  } as TopLevelSpec;
}

const CHART_CAPTION =
  "Mean (share for yes/no figures) over the valid seeds with its 95% interval: Student t for means; for shares and rates an interval inside [0, 1] (Wilson for yes/no figures; for shares measured per run, Wilson at the effective sample size over seeds, each seed a cluster). Invalid runs are left out of every figure but validity; no bar for a mean defined by a single run.";

/** One axis: its question, the table of its figures, its chart, what the figures mean. */
function axisSection(card: ProfileCard, axis: string): DocSection {
  const rows = cardTable(card, axis);
  const described = card.rows.filter((r) => r.axis === axis);
  const notes = [...new Map(described.map((r) => [r.label, r.description])).entries()]
    .map(([l, d]) => `**${l}**: ${d}`);
  const blocks: Block[] = [
    { text: AXIS_QUESTIONS[axis] ?? "" },
    {
      table: {
        header: ["figure", "run", ...card.models, "reading"],
        rows: rows.map((r) => [r.figure, r.run, ...card.models.map((m) => r[m]), r.better]),
      },
    },
    chartBlock(axisChart(card, axis), `profile_${axis}.svg`, CHART_CAPTION),
    { details: { summary: "What the figures mean", blocks: [{ list: notes }] } },
  ];
  return { title: axis, blocks };
}

/**
 * The profile card as a document: the models and their usage, the conditions, then one
 * section per axis (table, chart, what the figures mean). Writes nothing.
 *
 * @param card The card's data.
 * @returns The document.
 */
export function profileCardDocument(card: ProfileCard): ReportDocument {
  const seeds = card.seeds[0] === card.seeds[1]
    ? `seed ${card.seeds[0]}`
    : `seeds ${card.seeds[0]}..${card.seeds[1]}`;
  const n = card.models.length;
  const models = {
    header: ["model", "asks for", "LLM calls", "input tokens", "output tokens", "cost"],
    rows: card.models.map((m) => {
      const u = card.usage[m];
      return [m, card.model_ids[m], u.calls, u.input, u.output, formatUsd(u.usd)];
    }),
  };
  const conditions = {
    header: ["experiment", "condition", "how the model is seated"],
    rows: card.conditions.map((c) => [c.experiment, c.condition, c.description]),
  };
  return {
    title: `Model profile: ${card.name}`,
    intro: [{
      text: `${n} model${n === 1 ? "" : "s"}, ${seeds}, ${card.runs.length} finished runs. ` +
        "Each figure is measured per run on the model's own seats and summarised over seeds.",
    }],
    sections: [
      { title: "Models", blocks: [{ table: models }] },
      { title: "Conditions", blocks: [{ table: conditions }] },
      ...card.axes.map((a) => axisSection(card, a)),
    ],
  };
}

/** Writes the card's `report.html` (and `report.md`, charts as SVG) into `outDir`; returns the HTML path. */
export async function writeProfileCard(card: ProfileCard, outDir: string): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  return await writeDocument(outDir, profileCardDocument(card));
}
