/**
 * `deno task run study delegation`: does the mechanism make strategic providers honest, and
 * at what cost to the user? The mechanism's user against the no-mechanism user and the
 * best fixed provider, across strategy tables and seeds (`counterfactual_study.ts`), and the
 * user's gap per task to the best fixed provider as `T` grows. The three users are played in process on each
 * seed's tables (milliseconds per seed), so the study holds no run directories.
 *
 * With `--agents F` (LLM providers, which cannot be replayed against another user) both
 * users are real runs instead: a sweep over `mechanism: ["paper", "none"]` and the agents
 * files, and the answer is the honesty gain (substitution share without the mechanism minus
 * with it) per seed, overall and for the LLM providers, with Student's t intervals over
 * seeds ({@linkcode llmHonestyGains}). The best-fixed-provider and gap parts stay scripted-only.
 *
 * @module
 */
import { ConfigError } from "../../core/config.ts";
import jStatModule from "jstat";
import { seedsNeeded } from "../../analysis/power.ts";
import { holmAdjust, type MeanCI, meanCI } from "../../analysis/stats.ts";
import { ciText, intervalChartPart, type StudyPart } from "../../reports/study_report.ts";
import type { Study, StudyAnswer, StudyContext, StudyRun } from "../../analysis/study.ts";
import { parseDelegationConfig } from "./config.ts";
import {
  type CounterfactualRow,
  counterfactualTable,
  HONESTY_GAIN_MARGIN,
  regretSeries,
  runCounterfactualStudy,
  summarizeCounterfactuals,
} from "./counterfactual_study.ts";
import { counterfactualStudySections } from "./report_study.ts";

/** The strategy tables of the default design (one strategy per provider). */
export const DELEGATION_TABLES: readonly (readonly string[])[] = Object.freeze([
  ["honest", "honest", "honest"],
  ["honest", "ours", "worst"],
  ["ours", "ours", "ours"],
  ["worst", "worst", "worst"],
  ["random", "random", "random"],
]);

/**
 * The assumed effect of `--estimate` before any run: an honesty gain of `effect` against a
 * per-seed sd of `sd`. Assumed, not measured; once the study has run, `--estimate` takes the
 * observed per-table gains and spreads instead.
 */
export const DELEGATION_POWER = Object.freeze({ effect: 0.05, sd: 0.1 });

/** The significance level of the per-table verdicts, after Holm over the tables. */
export const TABLE_ALPHA = 0.05;

const jStat = jStatModule as unknown as { studentt: { cdf(x: number, dof: number): number } };

/** One table's honesty test: a one-sample t over its per-seed gains, Holm over the tables. */
export interface TableHonestyTest {
  /** The strategy table (providers 1-2-3). */
  table: string;
  /** Seeds. */
  n: number;
  /** Mean honesty gain over seeds. */
  mean: number;
  /** Its sample sd over seeds. */
  sd: number;
  /** Two-sided one-sample t p-value of `mean = 0` (0 or 1 when the gains are constant). */
  p: number;
  /** Holm-adjusted over the tables. */
  holm_p: number;
  /** `more_honest` / `less_honest` when `holm_p < TABLE_ALPHA` and the gain is beyond the margin. */
  verdict: "more_honest" | "less_honest" | "inconclusive";
}

/**
 * Per strategy table, the honesty gain tested against 0 by a one-sample t over seeds, the
 * p-values Holm-adjusted over the tables; a table is `more_honest` only when its adjusted p
 * is below {@linkcode TABLE_ALPHA} and its mean gain above `HONESTY_GAIN_MARGIN`.
 *
 * @example
 * ```ts ignore
 * const tests = tableHonestyTests(rows); // one per strategy table
 * ```
 */
export function tableHonestyTests(rows: readonly CounterfactualRow[]): TableHonestyTest[] {
  const tables = [...new Set(rows.map((r) => r.strategy_combination))];
  const raw = tables.map((table) => {
    const g = rows.filter((r) => r.strategy_combination === table).map((r) => r.honesty_gain);
    const n = g.length;
    const mean = g.reduce((a, b) => a + b, 0) / n;
    const sd = n > 1 ? Math.sqrt(g.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : NaN;
    let p: number;
    if (n < 2) p = 1;
    else if (!(sd > 1e-12)) p = Math.abs(mean) > 1e-12 ? 0 : 1;
    else {
      const t = mean / (sd / Math.sqrt(n));
      p = Math.min(1, 2 * (1 - jStat.studentt.cdf(Math.abs(t), n - 1)));
    }
    return { table, n, mean, sd, p };
  });
  const adj = holmAdjust(raw.map((r) => r.p));
  return raw.map((r, i) => ({
    ...r,
    holm_p: adj[i],
    verdict: adj[i] < TABLE_ALPHA && r.mean > HONESTY_GAIN_MARGIN
      ? "more_honest"
      : adj[i] < TABLE_ALPHA && r.mean < -HONESTY_GAIN_MARGIN
      ? "less_honest"
      : "inconclusive",
  }));
}

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
  const T = context.horizon ?? (context.small ? 200 : 1000);
  const config = parseDelegationConfig({ T });
  const tables = tablesOf(context);
  const horizons = horizonsOf(context);
  return { T, config, tables, horizons };
}

/** A substitution share over some providers of one run's summary (`null` without delegations). */
function shareOf(summary: Record<string, unknown>, keep: (id: string) => boolean): number | null {
  const stats = summary.provider_stats as Record<
    string,
    { delegations: number; substitutions: number }
  >;
  let n = 0, subs = 0;
  for (const [id, st] of Object.entries(stats)) {
    if (!keep(id)) continue;
    n += st.delegations;
    subs += st.substitutions;
  }
  return n > 0 ? subs / n : null;
}

/** The honesty gain of one agents file: per seed, and over seeds with an interval. */
export interface HonestyGainRow {
  /** The agents file. */
  agents: string;
  /** Seeds with both arms (paper and none) completed validly. */
  seeds: number[];
  /** Per seed: substitution share, all providers, without the mechanism minus with it. */
  gain: number[];
  /** Per seed: the same over the LLM providers' delegations only. */
  llm_gain: (number | null)[];
  /** Per LLM provider name: its per-seed gains (seeds where it served in both arms). */
  by_provider: Record<string, number[]>;
  /** Over seeds (Student's t 95%). */
  gain_ci: MeanCI;
  /** Over seeds with LLM delegations in both arms. */
  llm_gain_ci: MeanCI;
  /** Per LLM provider, over seeds. */
  by_provider_ci: Record<string, MeanCI>;
}

/**
 * The honesty gain of LLM providers from real runs of both users: for each agents file and
 * seed, the run with `mechanism: "none"` against the one with `"paper"`.
 *
 * @param runs The study's valid runs (params `mechanism` and `agents`).
 * @returns One row per agents file; seeds missing an arm are left out.
 *
 * @example
 * ```ts
 * import { llmHonestyGains } from "./study_counterfactual.ts";
 * const summary = (s: number) => ({
 *   provider_stats: { "1": { delegations: 10, substitutions: s } },
 *   providers: { "1": { name: "llm", kind: "openai:m" } },
 * });
 * const run = (mechanism: string, s: number) =>
 *   ({ cell: "", dir: "", seed: 1, params: { mechanism, agents: "a.json" }, summary: summary(s) });
 * console.log(llmHonestyGains([run("paper", 2), run("none", 7)])[0].gain); // [0.5]
 * ```
 */
export function llmHonestyGains(runs: readonly StudyRun[]): HonestyGainRow[] {
  const files = [...new Set(runs.map((r) => String(r.params.agents)))].sort();
  return files.map((agents) => {
    const arm = (m: string, seed: number) =>
      runs.find((r) =>
        String(r.params.agents) === agents && (r.params.mechanism ?? "paper") === m &&
        r.seed === seed
      );
    const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b)
      .filter((s) => arm("paper", s) && arm("none", s));
    const gain: number[] = [];
    const llm_gain: (number | null)[] = [];
    const by_provider: Record<string, number[]> = {};
    for (const seed of seeds) {
      const paper = arm("paper", seed)!.summary, none = arm("none", seed)!.summary;
      const providers = paper.providers as Record<string, { name: string; kind: string }>;
      const llm = (id: string) => !providers[id].kind.startsWith("policy:");
      gain.push(shareOf(none, () => true)! - shareOf(paper, () => true)!);
      const a = shareOf(none, llm), b = shareOf(paper, llm);
      llm_gain.push(a === null || b === null ? null : a - b);
      for (const id of Object.keys(providers).filter(llm)) {
        const x = shareOf(none, (k) => k === id), y = shareOf(paper, (k) => k === id);
        if (x === null || y === null) continue;
        (by_provider[providers[id].name] ??= []).push(x - y);
      }
    }
    return {
      agents,
      seeds,
      gain,
      llm_gain,
      by_provider,
      gain_ci: meanCI(gain),
      llm_gain_ci: meanCI(llm_gain.filter((g): g is number => g !== null)),
      by_provider_ci: Object.fromEntries(
        Object.entries(by_provider).map(([k, v]) => [k, meanCI(v)]),
      ),
    };
  });
}

/** The answer of the study with `--agents`: both users as real runs. */
async function analyzeRuns(runs: readonly StudyRun[]): Promise<StudyAnswer> {
  const rows = llmHonestyGains(runs);
  const points = rows.flatMap((r) => [
    { x: r.agents, series: "all providers", ...r.gain_ci },
    { x: r.agents, series: "LLM providers", ...r.llm_gain_ci },
    ...Object.entries(r.by_provider_ci).map(([name, ci]) => ({
      x: r.agents,
      series: name,
      ...ci,
    })),
  ]);
  const table = rows.flatMap((r) =>
    r.seeds.map((seed, i) => [
      r.agents,
      String(seed),
      String(Number(r.gain[i].toFixed(4))),
      r.llm_gain[i] === null ? "n/a" : String(Number(r.llm_gain[i]!.toFixed(4))),
    ])
  );
  return {
    headline: rows.map((r) =>
      `${r.agents}: over ${r.seeds.length} seeds, honesty gain (substitution share without the mechanism minus with it) ${
        ciText(r.gain_ci)
      } over all providers, ${ciText(r.llm_gain_ci)} over the LLM providers${
        Object.entries(r.by_provider_ci).map(([n, ci]) => `; ${n} ${ciText(ci)}`).join("")
      }.`
    ),
    parts: [
      await intervalChartPart(
        "delegation_llm_honesty.svg",
        points,
        {
          title: "Honesty gain of the mechanism for LLM providers (real runs of both users)",
          x: "agents file",
          y: "substitution share, none minus paper",
        },
        "Substitution share in the no-mechanism run minus the mechanism's run on the same seed and agents file, over all providers, over the LLM providers, and per LLM provider; Student's t 95% over seeds.",
      ),
      {
        table: {
          header: ["agents file", "seed", "gain (all)", "gain (LLM providers)"],
          rows: table,
        },
      },
    ],
    data: { llm_honesty: rows },
    caveats: [
      "Both users are real runs with the same agents file and seed: the providers are told which user they face (the paper's mechanism or the no-mechanism rule) in their system prompt.",
      "The best fixed provider, the gap series and the audit's detection power need scripted providers (an LLM's reply to an unserved situation is unknown); they are not reported with --agents (run the study without --agents for them).",
      "Substitution shares pool a run's delegations; under no mechanism the committed provider serves most tasks, so a gain over all providers weighs it most.",
      "Synthetic task records (the SPEC's simulator); recorded model outputs can change every figure.",
    ],
  };
}

const seedList = (s: [number, number]) =>
  Array.from({ length: s[1] - s[0] + 1 }, (_, i) => s[0] + i);

const fmt4 = (x: number) => (Number.isFinite(x) ? String(Number(x.toFixed(4))) : "n/a");

/** The chart of the scripted answer: the three figures per strategy table. */
function tablesChart(table: ReturnType<typeof counterfactualTable>): Promise<StudyPart> {
  const points = table.flatMap(({ strategy_combination: x, summary: s }) => [
    { x, series: "honesty gain (substitution share)", ...s.honesty_gain },
    { x, series: "user utility gain per task", ...s.user_utility_gain_per_task },
    { x, series: "gap per task to the best fixed provider", ...s.user_regret_per_task },
  ]);
  return intervalChartPart(
    "delegation_tables.svg",
    points,
    {
      title:
        "The mechanism against the no-mechanism user and the best fixed provider, by strategy table",
      x: "strategy table (providers 1-2-3)",
      y: "difference (share or reward per task)",
    },
    "Honesty gain (no-mechanism minus mechanism substitution share), user-utility gain per task (mechanism minus no mechanism), and the mechanism user's gap per task to the best fixed provider; Student's t 95% over seeds.",
  );
}

/** The per-table honesty tests, Holm-adjusted, as blocks. */
function tableTestParts(tests: readonly TableHonestyTest[]): StudyPart[] {
  return [
    { heading: "Per-table honesty verdicts, Holm-adjusted over the tables" },
    {
      text:
        `Each table's honesty gain over seeds tested against 0 (one-sample Student's t, two-sided), the ${tests.length} p-values Holm-adjusted; a table is more_honest only when its Holm p is below ${TABLE_ALPHA} and its mean gain above the margin ${HONESTY_GAIN_MARGIN} (less_honest mirrored). These verdicts replace the unadjusted per-table ones above.`,
    },
    {
      table: {
        header: ["strategy table", "seeds", "mean gain", "sd", "t p", "Holm p", "verdict"],
        rows: tests.map((t) => [
          t.table,
          t.n,
          fmt4(t.mean),
          fmt4(t.sd),
          fmt4(t.p),
          fmt4(t.holm_p),
          t.verdict,
        ]),
      },
    },
  ];
}

/** The headline of the scripted answer: one line per table, then the design average. */
function scriptedHeadline(
  tests: readonly TableHonestyTest[],
  table: ReturnType<typeof counterfactualTable>,
  all: ReturnType<typeof summarizeCounterfactuals>,
  tables: number,
): string[] {
  const byTable = new Map(table.map((t) => [t.strategy_combination, t.summary]));
  const d = all.detection;
  return [
    ...tests.map((t) => {
      const s = byTable.get(t.table);
      return `${t.table}: honesty gain ${
        s ? ciText(s.honesty_gain) : fmt4(t.mean)
      } (${t.verdict}, Holm p ${fmt4(t.holm_p)})${
        s
          ? `; user utility gain per task ${
            ciText(s.user_utility_gain_per_task)
          }; gap per task to the best fixed provider ${ciText(s.user_regret_per_task)}`
          : ""
      }.`;
    }),
    `Design-weighted average over the ${tables} strategy tables (each table weighs equally, a design choice, not a population of providers), ${all.seeds} seeds: honesty gain ${
      ciText(all.honesty_gain)
    } (${all.verdicts.honesty_vs_no_mechanism}); user utility gain per task ${
      ciText(all.user_utility_gain_per_task)
    } (${all.verdicts.user_utility_vs_no_mechanism}); gap per task to the best fixed provider ${
      ciText(all.user_regret_per_task)
    }; detection power ${ciText(d.power)} against false stops ${
      ciText(d.false_stop_rate)
    } (audit separates: ${all.verdicts.audit_separates}).`,
  ];
}

/** The caveats of the scripted design. */
const SCRIPTED_CAVEATS = [
  "Providers are scripted strategies; the no-mechanism user and the best fixed provider are counterfactuals on the same seed's tables, not separate runs with adapted providers (an LLM provider could behave differently without the mechanism).",
  "Providers' regret is stage-game regret per delegation (the best model choice for that task alone); it is not an equilibrium test.",
  "Synthetic task records (the SPEC's simulator); recorded model outputs can change every figure.",
  "The seed is the unit: a seed's strategy tables share its task draws, so they are averaged before the interval.",
  "With scripted providers the honesty gain is not an incentive effect: the honest and worst tables give 0 by construction (an honest provider never substitutes, a worst one always does, with or without the mechanism), and only strategies that read their observations (such as ours) can respond to the mechanism at all. A gain here says what the mechanism does to these rules, not that it makes LLM providers honest (rerun with --agents).",
];

/** The answer of the scripted design: the three users played in process per seed. */
async function analyzeScripted(context: StudyContext): Promise<StudyAnswer> {
  const { config, tables, horizons } = settings(context);
  const seeds = seedList(context.seeds);
  const rows = runCounterfactualStudy({ config, seeds, combinations: tables });
  const series = regretSeries({ config, horizons, seeds });
  const all = summarizeCounterfactuals(rows);
  const table = counterfactualTable(rows);
  const parts: StudyPart[] = [await tablesChart(table)];
  for (const s of counterfactualStudySections({ rows, series, intro: [] })) {
    parts.push({
      heading: s.title === "Answer" ? "Verdicts against the counterfactuals" : s.title,
    });
    parts.push(...s.blocks);
  }
  const tests = tableHonestyTests(rows);
  parts.push(...tableTestParts(tests));
  return {
    headline: scriptedHeadline(tests, table, all, tables.length),
    parts,
    data: { rows, series, summary: all, by_table: table, table_tests: tests },
    caveats: [...SCRIPTED_CAVEATS],
  };
}

/** The registered delegation study. */
export const counterfactualStudy: Study = {
  name: "delegation",
  description: "delegation: the mechanism against no mechanism and the best fixed provider",
  question:
    "Delegation: does the mechanism make strategic providers honest (against a user without it), and at what cost to the user (utility against the no-mechanism user, gap to the best fixed provider as T grows, and the audit's detection power against its false stops)?",
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
    if (context.agents.length) {
      return {
        grid: {
          experiment: "delegation",
          base: { T },
          grid: { mechanism: ["paper", "none"], agents: context.agents },
        },
        rotateSeats: false,
        rows: [
          ["engine", "delegation (SPEC providers and prices, synthetic task records)"],
          ["T", String(T)],
          ["agents files", context.agents.join(", ")],
          [
            "users",
            "mechanism (mechanism=paper) and no-mechanism user (mechanism=none: the same exploration, then every remaining task to its best provider, no audit), each a real run",
          ],
          [
            "unit",
            "a seed: the two users' runs share it and the agents file (Student's t over seeds)",
          ],
        ],
      };
    }
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
          "mechanism (the run's user); no-mechanism user (same exploration, then its best provider, no audit); best fixed provider (in hindsight, under no-mechanism observations; not an upper bound)",
        ],
        [
          "unit",
          "a seed: its strategy tables are averaged first (Student's t over seeds); rates are Wilson over tested runs",
        ],
      ],
    };
  },
  async analyze(context, _design, runs) {
    if (context.agents.length) return await analyzeRuns(runs.valid);
    return await analyzeScripted(context);
  },
  power(_context, pilot) {
    // the pilot's per-table tests (scripted design), or per agents file (--agents)
    const tests = (pilot?.table_tests ?? []) as { table: string; mean: number; sd: number }[];
    const llm = (pilot?.llm_honesty ?? []) as { agents: string; gain: number[] }[];
    const observed = [
      ...tests.map((t) => ({ label: `table ${t.table}`, mean: t.mean, sd: t.sd })),
      ...llm.map((r) => {
        const m = meanCI(r.gain);
        return { label: `agents file ${r.agents}`, mean: m.mean, sd: m.sd };
      }),
    ];
    let best:
      | { label: string; mean: number; sd: number; n: ReturnType<typeof seedsNeeded> }
      | null = null;
    for (const o of observed) {
      if (!(Number.isFinite(o.mean) && o.mean !== 0 && Number.isFinite(o.sd) && o.sd > 0)) continue;
      try {
        // a one-sample test on paired gains: as a two-sample t with sd / sqrt(2) (same noncentrality)
        const n = seedsNeeded({ effect: o.mean, sd: o.sd / Math.SQRT2 });
        if (!best || n.n > best.n.n) best = { ...o, n };
      } catch {
        // more seeds than can be searched
      }
    }
    if (best) {
      const r = (x: number) => Number(x.toPrecision(3));
      return {
        estimate: best.n,
        assumption:
          `the honesty gain of ${best.label} (the report's per-table test; the one needing most seeds among those with a non-zero gain): observed gain ${
            r(best.mean)
          } with per-seed sd ${r(best.sd)}, paired over seeds`,
        source: "pilot",
      };
    }
    return {
      estimate: seedsNeeded(DELEGATION_POWER),
      assumption:
        `an honesty gain of ${DELEGATION_POWER.effect} with a per-seed sd of ${DELEGATION_POWER.sd} (assumed: DELEGATION_POWER)`,
      source: "assumed",
    };
  },
};
