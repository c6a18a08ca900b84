/**
 * `deno task run study delegation`: does the mechanism make strategic providers honest, and
 * at what cost to the user? The mechanism's user against the no-mechanism user and the
 * oracle user, across strategy tables and seeds (`counterfactual_study.ts`), and the user's
 * regret against the oracle as `T` grows. The three users are played in process on each
 * seed's tables (milliseconds per seed), so the study holds no run directories; the
 * counterfactual needs scripted providers, so `--agents` is refused (run LLM providers with
 * `deno task run delegation --agents F`: its summary has the mechanism's figures).
 *
 * @module
 */
import { ConfigError } from "../../core/config.ts";
import { toSvg } from "../../charts/render.ts";
import { seedsNeeded } from "../../analysis/power.ts";
import { ciText, intervalChart, type StudyPart } from "../../reports/study_report.ts";
import type { Study, StudyContext } from "../../run/study.ts";
import { parseDelegationConfig } from "./config.ts";
import {
  counterfactualTable,
  regretSeries,
  runCounterfactualStudy,
  summarizeCounterfactuals,
} from "./counterfactual_study.ts";
import { counterfactualStudySections } from "./report.ts";

/** The strategy tables of the default design (one strategy per provider). */
export const DELEGATION_TABLES: readonly (readonly string[])[] = Object.freeze([
  ["honest", "honest", "honest"],
  ["honest", "ours", "worst"],
  ["ours", "ours", "ours"],
  ["worst", "worst", "worst"],
  ["random", "random", "random"],
]);

/** The power assumption of `--estimate`: an honesty gain against its spread over seeds. */
export const DELEGATION_POWER = Object.freeze({ effect: 0.05, sd: 0.1 });

function tablesOf(context: StudyContext): string[][] {
  const v = context.values.tables;
  if (typeof v !== "string") return DELEGATION_TABLES.map((t) => [...t]);
  const tables = v.split(";").map((t) => t.split("-").map((s) => s.trim()));
  if (tables.some((t) => t.length !== 3 || t.some((s) => !s))) {
    throw new ConfigError(
      `--tables: expected tables of three strategies separated by ';', e.g. honest-ours-worst;ours-ours-ours, got '${v}'`,
    );
  }
  return tables;
}

function horizonsOf(context: StudyContext): number[] {
  const v = context.values.horizons;
  if (typeof v !== "string") return context.small ? [100, 1000] : [100, 1000, 10000];
  const list = v.split(",").map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ConfigError(`--horizons: expected positive integers, e.g. 100,1000, got '${v}'`);
  }
  return list;
}

function settings(context: StudyContext) {
  if (context.agents.length) {
    throw new ConfigError(
      "--agents: the delegation study's counterfactual users need scripted providers; run LLM providers with `deno task run delegation --agents F`",
    );
  }
  const T = context.horizon ?? (context.small ? 200 : 1000);
  const config = parseDelegationConfig({ T });
  const tables = tablesOf(context);
  const horizons = horizonsOf(context);
  return { T, config, tables, horizons };
}

const seedList = (s: [number, number]) =>
  Array.from({ length: s[1] - s[0] + 1 }, (_, i) => s[0] + i);

/** The registered delegation study. */
export const counterfactualStudy: Study = {
  name: "delegation",
  description: "delegation: the mechanism against no mechanism and the oracle",
  question:
    "Delegation: does the mechanism make strategic providers honest (against a user without it), and at what cost to the user (utility against the no-mechanism user, regret against an oracle as T grows, and the audit's detection power against its false stops)?",
  seeds: { default: [1, 10], small: [1, 3] },
  flags: {
    tables: {
      type: "string",
      description: "strategy tables, e.g. honest-ours-worst;ours-ours-ours (default: five)",
    },
    horizons: { type: "string", description: "horizons of the regret series, e.g. 100,1000" },
  },
  design(context) {
    const { T, config, tables, horizons } = settings(context);
    return {
      grid: null,
      rotateSeats: false,
      rows: [
        ["engine", "delegation (SPEC providers and prices, synthetic task records)"],
        ["T", String(T)],
        ["providers", config.providers.map((p) => `${p.name} (eta ${p.eta})`).join(", ")],
        ["strategy tables", tables.map((t) => t.join("-")).join("; ")],
        ["regret horizons", horizons.join(", ")],
        [
          "users",
          "mechanism (the run's user); no-mechanism user (same exploration, then its best provider, no audit); oracle (best fixed provider in hindsight)",
        ],
        [
          "unit",
          "a seed: its strategy tables are averaged first (Student's t over seeds); rates are Wilson over tested runs",
        ],
      ],
    };
  },
  async analyze(context) {
    const { config, tables, horizons } = settings(context);
    const seeds = seedList(context.seeds);
    const rows = runCounterfactualStudy({ config, seeds, combinations: tables });
    const series = regretSeries({ config, horizons, seeds });
    const all = summarizeCounterfactuals(rows);
    const table = counterfactualTable(rows);
    const points = table.flatMap(({ strategy_combination: x, summary: s }) => [
      { x, series: "honesty gain (substitution share)", ...s.honesty_gain },
      { x, series: "user utility gain per task", ...s.user_utility_gain_per_task },
      { x, series: "regret per task vs oracle", ...s.user_regret_per_task },
    ]);
    const parts: StudyPart[] = [{
      chart: {
        file: "delegation_tables.svg",
        svg: await toSvg(intervalChart(points, {
          title: "The mechanism against the no-mechanism user and the oracle, by strategy table",
          x: "strategy table (providers 1-2-3)",
          y: "difference (share or reward per task)",
        })),
        caption:
          "Honesty gain (no-mechanism minus mechanism substitution share), user-utility gain per task (mechanism minus no mechanism), and the mechanism user's regret per task against the oracle; Student's t 95% over seeds.",
      },
    }];
    for (const s of await counterfactualStudySections({ rows, series, intro: [] })) {
      parts.push({
        heading: s.title === "Answer" ? "Verdicts against the counterfactuals" : s.title,
      });
      for (const p of s.parts) parts.push(p);
    }
    const d = all.detection;
    return {
      headline: [
        `Over ${all.seeds} seeds and ${tables.length} strategy tables: honesty gain ${
          ciText(all.honesty_gain)
        } (${all.verdicts.honesty_vs_no_mechanism}); user utility gain per task ${
          ciText(all.user_utility_gain_per_task)
        } (${all.verdicts.user_utility_vs_no_mechanism}); regret per task against the oracle ${
          ciText(all.user_regret_per_task)
        }; detection power ${ciText(d.power)} against false stops ${
          ciText(d.false_stop_rate)
        } (audit separates: ${all.verdicts.audit_separates}).`,
      ],
      parts,
      data: { rows, series, summary: all, by_table: table },
      caveats: [
        "Providers are scripted strategies; the no-mechanism and oracle users are counterfactuals on the same seed's tables, not separate runs with adapted providers (an LLM provider could behave differently without the mechanism).",
        "Providers' regret is stage-game regret per delegation (the best model choice for that task alone); it is not an equilibrium test.",
        "Synthetic task records (the SPEC's simulator); recorded model outputs can change every figure.",
        "The seed is the unit: a seed's strategy tables share its task draws, so they are averaged before the interval.",
      ],
    };
  },
  power() {
    return {
      estimate: seedsNeeded(DELEGATION_POWER),
      assumption:
        `an honesty gain of ${DELEGATION_POWER.effect} with a per-seed sd of ${DELEGATION_POWER.sd}`,
    };
  },
};
