/**
 * The strategy-combination study (SPEC section 3): every combination of the strategies
 * `honest`, `ours`, `worst`, `random` over the `K` providers, in the order of Python's
 * `itertools.product(..., repeat=K)` (provider 1 varies slowest), for each seed, played in
 * process by the same engine and strategies as a normal run.
 *
 * Seeding: `per_run` (default) gives each combination x seed a fresh stream seeded with the
 * seed; `chained` seeds one stream per seed and runs every combination through it in order
 * (how the paper's table was made).
 *
 * Row values follow the paper's table: per-provider figures rounded to 4 decimals, totals
 * the sums of those rounded figures.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { runStudy, strategyCombinations } from "./study.ts";
 * console.log(strategyCombinations(2).slice(0, 3)); // [["honest","honest"],["honest","ours"],["honest","worst"]]
 * const rows = runStudy({ config: parseDelegationConfig({ T: 200 }), seeds: [1] });
 * console.log(rows.length); // 64
 * ```
 * @module
 */
import type { AgentId } from "../../core/game.ts";
import type { DelegationConfig } from "./config.ts";
import { DelegationEngine, type DelegationObs } from "./engine.ts";
import { createStream } from "./python_random.ts";
import type { TaskRecords } from "./records.ts";
import { STRATEGIES, strategyView } from "./strategies.ts";
import { delegationSummary } from "./summary.ts";

/** The study's strategies, in the paper's order. */
export const STUDY_STRATEGIES = ["honest", "ours", "worst", "random"] as const;

/** How streams are seeded across the study's runs. */
export type StudySeeding = "per_run" | "chained";

/** Options of {@linkcode runStudy}. */
export interface StudyOptions {
  /** The base config; its providers' strategies are replaced by each combination. */
  config: DelegationConfig;
  /** Records for recorded mode. */
  records?: TaskRecords;
  /** Seeds to run. @default {[42]} */
  seeds?: number[];
  /**
   * How streams are seeded: a fresh one per run, or one chained through the combinations.
   * @default {"per_run"}
   */
  seeding?: StudySeeding;
  /** The strategies combined. @default {STUDY_STRATEGIES} */
  strategies?: readonly string[];
}

/** One row: the paper's columns (plus `seed`), `provider_<i>_<strategy>` = its utility. */
export type StudyRow = Record<string, string | number>;

/**
 * `itertools.product(strategies, repeat=K)` as arrays, first position varying slowest.
 *
 * @example
 * ```ts
 * import { strategyCombinations } from "./study.ts";
 * console.log(strategyCombinations(1, ["a", "b"])); // [["a"], ["b"]]
 * ```
 */
export function strategyCombinations(
  K: number,
  strategies: readonly string[] = STUDY_STRATEGIES,
): string[][] {
  if (!Number.isInteger(K) || K < 1) {
    throw new RangeError(`Cannot combine strategies: 'K' must be a positive integer, got ${K}`);
  }
  let out: string[][] = [[]];
  for (let i = 0; i < K; i++) out = out.flatMap((c) => strategies.map((s) => [...c, s]));
  return out;
}

/** Rounds to 4 decimals, as the original's logged figures. */
export function round4(x: number): number {
  return Number(x.toFixed(4));
}

/**
 * Runs the study.
 *
 * @param options Config, records, seeds, seeding.
 * @returns One row per seed x combination (seeds outer, combinations inner).
 */
export function runStudy(options: StudyOptions): StudyRow[] {
  const {
    config,
    records,
    seeds = [42],
    seeding = "per_run",
    strategies = STUDY_STRATEGIES,
  } = options;
  if (seeding !== "per_run" && seeding !== "chained") {
    throw new RangeError(
      `Cannot run study: 'seeding' must be "per_run" or "chained", got ${seeding}`,
    );
  }
  for (const s of strategies) {
    if (!STRATEGIES[s]) throw new RangeError(`Cannot run study: unknown strategy '${s}'`);
  }
  const K = config.providers.length;
  const engine = new DelegationEngine(config, { records });
  const names = engine.agents;
  const combos = strategyCombinations(K, strategies);
  const rows: StudyRow[] = [];
  for (const seed of seeds) {
    const chain = seeding === "chained" ? createStream(config.rng, seed) : undefined;
    for (const combo of combos) {
      const fns = combo.map((s) => STRATEGIES[s]);
      let obs: Record<AgentId, DelegationObs> = engine.reset({ seed, stream: chain })
        .observations;
      const views = names.map((n) => strategyView(engine, n));
      const actions: Record<AgentId, string> = {};
      while (!engine.isDone()) {
        const i = engine.actor;
        const v = views[i];
        v.obs = obs[names[i]];
        actions[names[i]] = fns[i](v);
        obs = engine.step(actions).observations;
        delete actions[names[i]];
      }
      rows.push(studyRow(combo, seed, delegationSummary(config, engine.getState())));
    }
  }
  return rows;
}

/** The row of one run. */
function studyRow(
  combo: readonly string[],
  seed: number,
  s: ReturnType<typeof delegationSummary>,
): StudyRow {
  const row: StudyRow = { strategy_combination: combo.join("-") };
  combo.forEach((st, i) => (row[`provider${i + 1}_strategy`] = st));
  let user = 0, provider = 0, reward = 0;
  const utilities: number[] = [];
  combo.forEach((_, i) => {
    const p = s.provider_stats[String(i + 1)];
    user += round4(p.user_utility);
    reward += round4(p.total_reward);
    const u = round4(p.provider_utility);
    provider += u;
    utilities.push(u);
  });
  row.total_user_utility = user;
  row.total_provider_utility = provider;
  row.total_reward = reward;
  row.total_delegations = s.total_delegations;
  row.best_provider = s.best_provider_id ?? "";
  combo.forEach((st, i) => (row[`provider_${i + 1}_${st}`] = utilities[i]));
  row.best_provider_strategy = s.best_provider_id ? combo[s.best_provider_id - 1] : "";
  row.seed = seed;
  return row;
}

/**
 * The rows as CSV: columns in order of first appearance (as pandas writes a list of
 * dicts), empty cells for missing values. Without `seed` the header is the paper's.
 *
 * @param rows Study rows.
 * @param options `seed`: keep the seed column (default true).
 */
export function studyCsv(rows: readonly StudyRow[], options: { seed?: boolean } = {}): string {
  const { seed = true } = options;
  const cols: string[] = [];
  for (const r of rows) {
    for (const k of Object.keys(r)) if (!cols.includes(k) && (seed || k !== "seed")) cols.push(k);
  }
  const cell = (v: string | number | undefined) => {
    if (v === undefined) return "";
    if (typeof v === "number") return Object.is(v, -0) ? "-0.0" : String(v);
    return /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") +
    "\n";
}
