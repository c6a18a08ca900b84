/**
 * The charts of the society run report, chosen by the size of the run. Up to
 * {@linkcode PER_CITIZEN_CHART_LIMIT} citizens: one line (or bar) per citizen, each in its
 * colour (health with deaths and revivals, grants stacked by citizen, grants against the
 * fair share) and every proposal as a point. Above it, where hundreds of lines and legend
 * entries read as noise: the distribution across citizens per day (quantile bands of health
 * and of grants), the histogram of grants over the run, and proposals counted per day. The
 * survival curve, the efficiency and the game tokens are charted at every size.
 *
 * @example
 * ```ts
 * import { usesDistributions } from "./report_charts.ts";
 * console.log(usesDistributions(10), usesDistributions(1000)); // false true
 * ```
 * @module
 */
import type pl from "nodejs-polars";
import type { TopLevelSpec } from "vega-lite";
import { chartBlock } from "../../charts/chart_block.ts";
import type { ChartBlock } from "../../core/document.ts";
import {
  type DailyRow,
  efficiencyChart,
  fairShareChart,
  type GrantRow,
  grantsChart,
  type GrantTotalRow,
  healthChart,
  type HealthRow,
  type ProposalRow,
  proposalsChart,
  type TokenRow,
  tokensChart,
} from "./charts.ts";
import {
  bandsChart,
  grantTotalsHistogram,
  PER_CITIZEN_CHART_LIMIT,
  proposalCountsChart,
  survivalChart,
} from "./distribution_charts.ts";
import { dailyQuantiles } from "./distributions.ts";

export { PER_CITIZEN_CHART_LIMIT };

/** What the charts are drawn from: the run's frames and a few config figures. */
export interface ChartInputs {
  /** The citizens' names, in config order. */
  citizens: readonly string[];
  /** The frames of `analysis.ts`. */
  frames: {
    health: pl.DataFrame;
    daily: pl.DataFrame;
    grants: pl.DataFrame;
    totals: pl.DataFrame;
    proposals: pl.DataFrame;
    tokens: pl.DataFrame;
  };
  /** The config's `min_efficiency`. */
  minEfficiency: number;
  /** The config's game-token budget. */
  budget: number;
  /** An equal split of what the pool could give over the run. */
  fairShare: number;
  /** What a citizen eats per day (`consumption`). */
  consumption: number;
}

/**
 * `true` when a run of `citizens` citizens is charted as distributions rather than one line
 * per citizen.
 *
 * @param citizens How many citizens the run has.
 * @returns Whether the distributions are used.
 */
export function usesDistributions(citizens: number): boolean {
  return citizens > PER_CITIZEN_CHART_LIMIT;
}

/** A chart before it becomes a block: its file, caption and Vega-Lite spec. */
interface SpecChart {
  file: string;
  caption: string;
  spec: TopLevelSpec;
}

const recs = <T>(df: pl.DataFrame) => df.toRecords() as unknown as T[];
const round1 = (x: number) => Math.round(x * 10) / 10;

function perCitizenCharts(d: ChartInputs, daily: DailyRow[]): SpecChart[] {
  return [
    {
      file: "health.svg",
      caption:
        "Health of each citizen at the end of each day it acted; deaths and revivals marked.",
      spec: healthChart(recs<HealthRow>(d.frames.health), d.citizens),
    },
    {
      file: "grants.svg",
      caption:
        "Resources granted per day, stacked by citizen; dashed line: the sustainable ration of the day (available / days left), above which the society eats into the days ahead.",
      spec: grantsChart(recs<GrantRow>(d.frames.grants), daily, d.citizens),
    },
    {
      file: "fair_share.svg",
      caption:
        `Resources granted per citizen over the run (bar) against the fair share (rule: resources x initial efficiency / citizens = ${
          round1(d.fairShare)
        }).`,
      spec: fairShareChart(recs<GrantTotalRow>(d.frames.totals), d.citizens),
    },
    {
      file: "proposals.svg",
      caption:
        "Proposals by the day they closed, type and outcome, labelled with the votes for:against.",
      spec: proposalsChart(recs<ProposalRow>(d.frames.proposals)),
    },
  ];
}

function distributionCharts(d: ChartInputs): SpecChart[] {
  const health = recs<HealthRow>(d.frames.health).filter((r) => r.alive)
    .map((r) => ({ day: r.day, value: r.health }));
  const grants = recs<GrantRow>(d.frames.grants).map((r) => ({ day: r.day, value: r.granted }));
  const n = d.citizens.length;
  return [
    {
      file: "health.svg",
      caption:
        `Health of the living citizens at the end of each day (${n} citizens: their distribution, not one line each): median (line), middle half (dark band) and 10-90% (light band).`,
      spec: bandsChart(dailyQuantiles(health), {
        title: "Health of the living: median and quantile bands",
        y: "health",
        domain: [0, 100],
      }),
    },
    {
      file: "grants.svg",
      caption:
        `Resources granted to each citizen that acted, per day: median, middle half and 10-90%; dashed rule: the ${d.consumption} a citizen eats per day (below it, health falls).`,
      spec: bandsChart(dailyQuantiles(grants), {
        title: "Resources granted per citizen per day: median and quantile bands",
        y: "resources granted",
        rules: [{ value: d.consumption, label: `daily need ${d.consumption}` }],
      }),
    },
    {
      file: "fair_share.svg",
      caption:
        `How many citizens were granted how much over the run, against the fair share (resources x initial efficiency / citizens = ${
          round1(d.fairShare)
        }).`,
      spec: grantTotalsHistogram(recs<GrantTotalRow>(d.frames.totals), d.fairShare),
    },
    {
      file: "proposals.svg",
      caption:
        "Proposals counted by the day they closed (or were made, when open at the end), by type and outcome.",
      spec: proposalCountsChart(recs<ProposalRow>(d.frames.proposals)),
    },
  ];
}

/**
 * The report's charts for a run of its size (see the module doc).
 *
 * @param d The frames and figures of the run.
 * @returns The chart blocks, in order.
 */
export function societyReportCharts(d: ChartInputs): { readonly chart: ChartBlock }[] {
  const daily = recs<DailyRow>(d.frames.daily);
  const large = usesDistributions(d.citizens.length);
  const [health, ...rest] = large ? distributionCharts(d) : perCitizenCharts(d, daily);
  const charts: SpecChart[] = [
    {
      file: "survival.svg",
      caption: `Citizens alive at the end of each day, of ${d.citizens.length} at the start.`,
      spec: survivalChart(daily, d.citizens.length),
    },
    health,
    {
      file: "efficiency.svg",
      caption:
        `System efficiency at the end of each day; dashed rule at its floor ${d.minEfficiency}.`,
      spec: efficiencyChart(daily, d.minEfficiency),
    },
    ...rest,
    {
      file: "tokens.svg",
      caption: `Game tokens consumed so far; dashed rule at the budget of ${d.budget}.`,
      spec: tokensChart(recs<TokenRow>(d.frames.tokens), d.budget),
    },
  ];
  return charts.map((c) => chartBlock(c.spec, c.file, c.caption));
}
