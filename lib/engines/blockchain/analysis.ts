/**
 * Blockchain CPD metrics computed from the frames of `loadBlockchainDecisions` with Polars
 * expressions: late-window means, per-agent table, honest-group trace and floor, constructive
 * trend, reward ranking, and cross-run statistics over seeds. The summary, the reports and
 * the notebooks all use these, so a number means the same thing everywhere.
 *
 * Which miners count: the late means and the constructive trend average the LLM miners of a
 * run (`llm` column); a run without LLM miners (a policy run) averages all its miners.
 *
 * Every function returns plain data (records, arrays, numbers), never a frame.
 *
 * @example
 * ```ts
 * import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
 * import { agentTable, lateMeansFrame } from "./analysis.ts";
 * const df = await loadDecisions("data/runs/blockchain-1");
 * console.log(lateMeansFrame(df), agentTable(df));
 * ```
 * @module
 */
import pl from "nodejs-polars";
import { type DecisionLoadOptions, loadDecisions } from "../../analysis/frames.ts";
import { BlockchainDecisionSchema } from "./decision_row.ts";
import { tQuantile } from "../../analysis/stats.ts";
import { shareCI } from "../../analysis/share_ci.ts";
import { type LabelKey, strategyLabel } from "./labels.ts";
import { lateWindow, verdicts, type VerdictThresholds } from "./metrics.ts";

/** Late-window means of one run. */
export interface LateMeansRecord {
  /** The run's id. */
  run: string;
  /** Mean constructive effort share over the window. */
  c: number;
  /** Mean parasitic effort share over the window. */
  p: number;
  /** Mean destructive effort share over the window. */
  d: number;
  /** First and last round averaged, e.g. 16 and 30. */
  from: number;
  /** Last round averaged. */
  to: number;
  /** Rounds averaged (`to - from + 1` unless the run is shorter). */
  window: number;
  /** The miners averaged, sorted. */
  miners: string[];
}

/** Options choosing the late window. */
export interface LateWindowOptions {
  /** Exact number of late rounds to average in every run; overrides `fullWindow`. */
  window?: number;
  /**
   * The full window `W` of {@linkcode lateWindow}: `W` rounds when a run has at least `2W`,
   * else half its rounds. @default 15
   */
  fullWindow?: number;
}

/** One row of {@linkcode agentTable}. */
export interface AgentRecord {
  /** The run's id. */
  run: string;
  /** The miner's name. */
  agent: string;
  /** What drives it (e.g. `policy:honest`, `openai`), or `null` when unrecorded. */
  kind: string | null;
  /** Its LLM model, or `null` for a scripted miner. */
  model: string | null;
  /** `true` for an LLM miner. */
  llm: boolean;
  /** Decision rows of the agent. */
  rounds: number;
  /** Mean action over all its rounds. */
  c: number;
  /** Mean parasitic effort share over all its rounds. */
  p: number;
  /** Mean destructive effort share over all its rounds. */
  d: number;
  /** {@linkcode strategyLabel} of the mean action. */
  label: LabelKey;
  /** Sum of its rewards. */
  reward: number;
  /** `cumulative_reward` of its last round. */
  final_cumulative_reward: number | null;
  /** Share of rounds whose reply parsed. */
  valid_action_rate: number;
  /** LLM usage from the calls frame (0 without one). */
  calls: number;
  /** Input tokens of its calls. */
  input_tokens: number;
  /** Output tokens of its calls. */
  output_tokens: number;
  /** Input tokens served from the provider's prompt cache. */
  cached_tokens: number;
  /** `input_tokens + output_tokens`. */
  tokens: number;
  /** Cost of its calls, in US dollars. */
  cost_usd: number;
}

/** Mean `c` in the first and the second half of the rounds. */
export interface ConstructiveTrend {
  /** Mean `c` over rounds `1..floor(R/2)`; null when that half is empty (`R = 1`). */
  first_half: number | null;
  /** Mean `c` over rounds `floor(R/2)+1..R`. */
  second_half: number | null;
  /** `second_half - first_half`: positive when miners build more as the run goes on. */
  delta: number | null;
}

/** One run in {@linkcode crossRunStats}. */
export interface RunStatRecord extends LateMeansRecord {
  /** The experiment's name. */
  experiment: string;
  /** The run's seed. */
  seed: number;
  /** The run's parasitic-equilibrium verdict. */
  parasitic_equilibrium: boolean;
  /** The run's honest-convergence verdict. */
  honest_convergence: boolean;
  /** The values of the `by` columns. */
  [key: string]: unknown;
}

/** One group of runs (seeds) in {@linkcode crossRunStats}. */
export interface GroupStatRecord {
  /** Runs in the group. */
  runs: number;
  /** Their seeds, sorted. */
  seeds: number[];
  /** Share of runs with a parasitic equilibrium / honest convergence. */
  parasitic_rate: number;
  /** Share of runs with an honest convergence. */
  honest_rate: number;
  /**
   * Mean over runs of the late `c`; its 95% interval is a share interval (`shareCI`: Wilson at
   * the effective sample size, seeds as clusters), always inside [0, 1] (null for one run).
   */
  c_mean: number;
  /** Sample standard deviation of the runs' late `c` (`null` for one run). */
  c_sd: number | null;
  /** Lower bound of the 95% interval of `c_mean` (`null` for one run). */
  c_ci_low: number | null;
  /** Upper bound of the 95% interval of `c_mean` (`null` for one run). */
  c_ci_high: number | null;
  /** Mean over runs of the late `p`. */
  p_mean: number;
  /** Sample standard deviation of the runs' late `p` (`null` for one run). */
  p_sd: number | null;
  /** Lower bound of the 95% interval of `p_mean` (`null` for one run). */
  p_ci_low: number | null;
  /** Upper bound of the 95% interval of `p_mean` (`null` for one run). */
  p_ci_high: number | null;
  /** Mean over runs of the late `d`. */
  d_mean: number;
  /** Sample standard deviation of the runs' late `d` (`null` for one run). */
  d_sd: number | null;
  /** Lower bound of the 95% interval of `d_mean` (`null` for one run). */
  d_ci_low: number | null;
  /** Upper bound of the 95% interval of `d_mean` (`null` for one run). */
  d_ci_high: number | null;
  /** The values of the `by` columns. */
  [key: string]: unknown;
}

/** One row of {@linkcode labelChanges}: a miner's label differs from its previous round's. */
export interface LabelChangeRecord {
  /** The run's id. */
  run: string;
  /** The round (1-based). */
  round: number;
  /** The miner's name. */
  agent: string;
  /** Label of the previous round. */
  from: LabelKey;
  /** Label of this round. */
  to: LabelKey;
  /** The action of this round. */
  c: number | null;
  /** The parasitic share of this round's action. */
  p: number | null;
  /** The destructive share of this round's action. */
  d: number | null;
  /** The LLM's reasoning this round, when there is one. */
  thought: string | null;
}

/** Result of {@linkcode crossRunStats}. */
export interface CrossRunStats {
  /** One record per run, sorted by the `by` columns then seed. */
  runs: RunStatRecord[];
  /** One record per group, sorted by the `by` columns. */
  groups: GroupStatRecord[];
}

/** Options of {@linkcode crossRunStats}. */
export interface CrossRunOptions extends LateWindowOptions {
  /** Columns grouping runs (seeds of one config), e.g. `["experiment", "kappa"]`. @default {["experiment"]} */
  by?: string[];
  /** Verdict thresholds, SPEC defaults otherwise. */
  thresholds?: VerdictThresholds;
}

/** The miners that count: LLM miners, or all miners of a run without any. */
function countedMiners(df: pl.DataFrame): pl.DataFrame {
  return df.filter(pl.col("llm").or(pl.col("llm").any().over("run").not()));
}

/** Throws unless `df` holds at most one run. */
function requireOneRun(df: pl.DataFrame, what: string): void {
  const n = df.height === 0 ? 0 : df.getColumn("run").nUnique();
  if (n > 1) {
    throw new RangeError(
      `Cannot compute ${what}: the frame holds ${n} runs, filter it to one run first`,
    );
  }
}

/** Late-window means per run as a frame (see {@linkcode lateMeansByRun}). */
function lateFrame(df: pl.DataFrame, options: LateWindowOptions): pl.DataFrame {
  const { window, fullWindow = 15 } = options;
  if (window !== undefined && (!Number.isInteger(window) || window < 1)) {
    throw new RangeError(
      `Cannot compute late means: 'window' must be a positive integer, got ${window}`,
    );
  }
  const counted = countedMiners(df);
  const last = counted.groupBy("run").agg(pl.col("round").max().alias("to")).sort("run");
  const windows = last.toRecords().map((r) => window ?? lateWindow(Number(r.to), fullWindow));
  const spans = last.withColumns(pl.Series("window", windows, pl.Int32));
  return counted
    .join(spans, { on: "run" })
    .filter(pl.col("round").gt(pl.col("to").minus(pl.col("window"))))
    .groupBy("run")
    .agg(
      pl.col("c").mean(),
      pl.col("p").mean(),
      pl.col("d").mean(),
      pl.col("round").min().alias("from"),
      pl.col("to").first(),
      pl.col("window").first(),
      pl.col("agent").unique().sort().alias("miners"),
    )
    .select("run", "c", "p", "d", "from", "to", "window", "miners")
    .sort("run");
}

/**
 * Mean `c`, `p`, `d` over the last rounds of each run in the frame, across the miners that
 * count (LLM miners; all miners in a policy run). The window counts back from each run's
 * highest round.
 *
 * @param df A decisions frame of one or many runs.
 * @param options An exact `window`, or the `fullWindow` of {@linkcode lateWindow}.
 * @returns One record per run, sorted by run.
 *
 * @example
 * ```ts
 * import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
 * import { lateMeansByRun } from "./analysis.ts";
 * const df = await loadDecisions(["data/runs/a", "data/runs/b"]);
 * console.log(lateMeansByRun(df).map((r) => r.c));
 * ```
 */
export function lateMeansByRun(
  df: pl.DataFrame,
  options: LateWindowOptions = {},
): LateMeansRecord[] {
  return lateFrame(df, options).toRecords() as unknown as LateMeansRecord[];
}

/**
 * Mean `c`, `p`, `d` over the last `window` rounds of one run, across the miners that count
 * (the SPEC's late means).
 *
 * @param df A decisions frame of one run.
 * @param window Rounds to average. @default {lateWindow(highest round)} (15, or half a short run)
 * @returns The means, the rounds covered and the miners averaged.
 * @throws {RangeError} When the frame is empty or holds several runs.
 *
 * @example
 * ```ts
 * import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
 * import { lateMeansFrame } from "./analysis.ts";
 * const late = lateMeansFrame(await loadDecisions("data/runs/blockchain-1"));
 * console.log(late.from, late.to, late.p);
 * ```
 */
export function lateMeansFrame(df: pl.DataFrame, window?: number): LateMeansRecord {
  requireOneRun(df, "late means");
  const [late] = lateMeansByRun(df, { window });
  if (!late) throw new RangeError("Cannot compute late means: no decision rows");
  return late;
}

/**
 * One row per agent (and run): mean action, its label, total and final cumulative reward,
 * valid-action rate, and LLM usage when `calls` is given.
 *
 * @param df A decisions frame of one or many runs.
 * @param calls The matching {@linkcode loadLlmCalls} frame, for token and cost columns.
 * @returns Records sorted by run then agent.
 *
 * @example
 * ```ts
 * import { loadLlmCalls } from "../../analysis/frames.ts";
 * import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
 * import { agentTable } from "./analysis.ts";
 * const dir = "data/runs/blockchain-1";
 * for (const a of agentTable(await loadDecisions(dir), await loadLlmCalls(dir))) {
 *   console.log(a.agent, a.label, a.reward, a.tokens);
 * }
 * ```
 */
export function agentTable(df: pl.DataFrame, calls?: pl.DataFrame): AgentRecord[] {
  let table = df.groupBy("run", "agent").agg(
    pl.col("kind").dropNulls().first(),
    pl.col("model").dropNulls().first(),
    pl.col("llm").any(),
    pl.len().alias("rounds"),
    pl.col("c").mean(),
    pl.col("p").mean(),
    pl.col("d").mean(),
    pl.col("reward").sum(),
    pl.col("cumulative_reward").sortBy("round").last().alias("final_cumulative_reward"),
    pl.col("parse_ok").cast(pl.Float64).mean().alias("valid_action_rate"),
  );
  const usage = ["calls", "input_tokens", "output_tokens", "cached_tokens", "cost_usd"];
  if (calls) {
    const perAgent = calls.groupBy("run", "agent").agg(
      pl.len().cast(pl.Int64).alias("calls"),
      pl.col("input_tokens").sum(),
      pl.col("output_tokens").sum(),
      pl.col("cached_tokens").sum(),
      pl.col("cost_usd").sum(),
    );
    table = table.join(perAgent, { on: ["run", "agent"], how: "left" })
      .withColumns(...usage.map((k) => pl.col(k).fillNull(0)));
  } else {
    table = table.withColumns(...usage.map((k) => pl.lit(0).alias(k)));
  }
  return table
    .withColumns(pl.col("input_tokens").plus(pl.col("output_tokens")).alias("tokens"))
    .sort(["run", "agent"])
    .toRecords()
    .map((r) => {
      const label = strategyLabel([r.c, r.p, r.d].map(Number));
      return {
        run: r.run,
        agent: r.agent,
        kind: r.kind,
        model: r.model,
        llm: r.llm,
        rounds: r.rounds,
        c: r.c,
        p: r.p,
        d: r.d,
        label,
        reward: r.reward,
        final_cumulative_reward: r.final_cumulative_reward,
        valid_action_rate: r.valid_action_rate,
        calls: Number(r.calls),
        input_tokens: Number(r.input_tokens),
        output_tokens: Number(r.output_tokens),
        cached_tokens: Number(r.cached_tokens),
        tokens: Number(r.tokens),
        cost_usd: Number(r.cost_usd),
      } as AgentRecord;
    });
}

/**
 * The honest group's efficiency after each round, in round order.
 *
 * @param df A decisions frame of one run.
 * @returns One value per round (rounds without a value are skipped).
 * @throws {RangeError} When the frame holds several runs.
 *
 * @example
 * ```ts
 * import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
 * import { honestTrace } from "./analysis.ts";
 * console.log(honestTrace(await loadDecisions("data/runs/blockchain-1"))); // [1, 0.9, ...]
 * ```
 */
export function honestTrace(df: pl.DataFrame): number[] {
  requireOneRun(df, "the honest trace");
  return df.filter(pl.col("honest_efficiency").isNotNull())
    .groupBy("round")
    .agg(pl.col("honest_efficiency").first())
    .sort("round")
    .getColumn("honest_efficiency")
    .toArray() as number[];
}

/**
 * The first round after which the honest group's efficiency is at the floor `eta_min`
 * (within 1e-12, as the engine's `honest_floor` event), or `null` when it never is.
 *
 * @param df A decisions frame of one run.
 * @param etaMin The efficiency floor (`config.eta_min`).
 * @returns The round, or `null`.
 * @throws {RangeError} When the frame holds several runs.
 *
 * @example
 * ```ts
 * import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
 * import { honestFloorRound } from "./analysis.ts";
 * console.log(honestFloorRound(await loadDecisions("data/runs/blockchain-1"), 0.1)); // 7 or null
 * ```
 */
export function honestFloorRound(df: pl.DataFrame, etaMin: number): number | null {
  requireOneRun(df, "the honest floor round");
  const hit = df.filter(pl.col("honest_efficiency").ltEq(etaMin + 1e-12))
    .select(pl.col("round").min())
    .toRecords()[0];
  return (hit?.round as number | null | undefined) ?? null;
}

/**
 * Mean `c` of the miners that count in the first half of the rounds versus the second half
 * (`R` = highest round; the first half is rounds `1..floor(R/2)`).
 *
 * @param df A decisions frame of one run.
 * @returns Both means and `delta = second_half - first_half` (nulls when a half is empty).
 * @throws {RangeError} When the frame holds several runs.
 *
 * @example
 * ```ts
 * import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
 * import { constructiveTrend } from "./analysis.ts";
 * const { delta } = constructiveTrend(await loadDecisions("data/runs/blockchain-1"));
 * console.log(delta! > 0 ? "building more" : "building less");
 * ```
 */
export function constructiveTrend(df: pl.DataFrame): ConstructiveTrend {
  requireOneRun(df, "the constructive trend");
  const counted = countedMiners(df);
  const halves = counted
    .withColumns(
      pl.col("round").mul(2).gt(pl.col("round").max()).alias("second"),
    )
    .groupBy("second")
    .agg(pl.col("c").mean())
    .toRecords();
  const mean = (second: boolean) =>
    (halves.find((h) => h.second === second)?.c as number | null | undefined) ?? null;
  const first_half = mean(false);
  const second_half = mean(true);
  const delta = first_half === null || second_half === null ? null : second_half - first_half;
  return { first_half, second_half, delta };
}

/**
 * Agents by total reward, highest first (ties by name).
 *
 * @param df A decisions frame of one run.
 * @returns Agent names.
 * @throws {RangeError} When the frame holds several runs.
 *
 * @example
 * ```ts
 * import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
 * import { rewardRanking } from "./analysis.ts";
 * console.log(rewardRanking(await loadDecisions("data/runs/blockchain-1"))); // ["miner_b", ...]
 * ```
 */
export function rewardRanking(df: pl.DataFrame): string[] {
  requireOneRun(df, "the reward ranking");
  return df.groupBy("agent")
    .agg(pl.col("reward").sum())
    .sort(["reward", "agent"], [true, false])
    .getColumn("agent")
    .toArray() as string[];
}

/**
 * The turning points of each miner: rounds whose strategy label differs from the same
 * miner's previous round.
 *
 * @param df A decisions frame of one or many runs (rows without a label are skipped).
 * @returns Records sorted by run, round, agent.
 *
 * @example
 * ```ts
 * import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
 * import { labelChanges } from "./analysis.ts";
 * for (const t of labelChanges(await loadDecisions("data/runs/blockchain-1"))) {
 *   console.log(`${t.agent} round ${t.round}: ${t.from} -> ${t.to}`);
 * }
 * ```
 */
export function labelChanges(df: pl.DataFrame): LabelChangeRecord[] {
  return df.filter(pl.col("label").isNotNull())
    .sort(["run", "agent", "round"])
    .withColumns(pl.col("label").shift(1).over("run", "agent").alias("from"))
    .filter(pl.col("from").isNotNull().and(pl.col("from").neq(pl.col("label"))))
    .select(
      "run",
      "round",
      "agent",
      "from",
      pl.col("label").alias("to"),
      "c",
      "p",
      "d",
      "thought",
    )
    .sort(["run", "round", "agent"])
    .toRecords() as unknown as LabelChangeRecord[];
}

/**
 * Statistics over many runs: per run the late means and verdicts, per group of runs (the
 * seeds of one config, grouped by `by`) the verdict rates and the mean late `c`, `p`, `d`
 * with sample sd and a 95% Student-t CI (`t(0.975, runs - 1)`, e.g. 2.776 for 5 runs).
 *
 * @param df A decisions frame of many runs (add config columns with `loadDecisions`'s
 * `config` option to group by them).
 * @param options Grouping columns, late window, verdict thresholds.
 * @returns Per-run and per-group records.
 * @throws {RangeError} When a `by` column is missing from the frame.
 *
 * @example
 * ```ts
 * import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
 * import { crossRunStats } from "./analysis.ts";
 * const dirs = [...Deno.readDirSync("data/sweeps/kappa")].map((e) => `data/sweeps/kappa/${e.name}`);
 * const df = await loadDecisions(dirs, { config: ["kappa"] });
 * const { groups } = crossRunStats(df, { by: ["kappa"] });
 * for (const g of groups) console.log(g.kappa, g.parasitic_rate, g.p_mean, g.p_ci_low, g.p_ci_high);
 * ```
 */
export function crossRunStats(df: pl.DataFrame, options: CrossRunOptions = {}): CrossRunStats {
  const { by = ["experiment"], thresholds = {}, ...windowOptions } = options;
  const missing = by.filter((k) => !df.columns.includes(k));
  if (missing.length > 0) {
    throw new RangeError(
      `Cannot compute cross-run stats: no column '${
        missing[0]
      }' (load it with the 'config' option)`,
    );
  }
  const runs = runVerdictFrame(df, by, thresholds, windowOptions);
  const runRecords = runs.toRecords() as unknown as RunStatRecord[];
  const groups = (groupStatFrame(runs, by).toRecords() as unknown as GroupStatRecord[])
    .map((g) => withShareIntervals(g, runRecords, by));
  return { runs: runRecords, groups };
}

/** Per run: its keys, late means and SPEC verdicts, sorted by `by`, seed and run. */
function runVerdictFrame(
  df: pl.DataFrame,
  by: readonly string[],
  thresholds: Partial<VerdictThresholds>,
  windowOptions: LateWindowOptions,
): pl.DataFrame {
  const keys = df.groupBy("run").agg(
    ...["experiment", "seed", ...by.filter((k) => k !== "experiment" && k !== "seed")]
      .map((k) => pl.col(k).first()),
  );
  const late = lateFrame(df, windowOptions).join(keys, { on: "run" });
  const verdictRows = late.select("c", "p", "d").toRecords().map((r) =>
    verdicts({ c: Number(r.c), p: Number(r.p), d: Number(r.d) }, thresholds)
  );
  return late.withColumns(
    pl.Series("parasitic_equilibrium", verdictRows.map((v) => v.parasitic_equilibrium), pl.Bool),
    pl.Series("honest_convergence", verdictRows.map((v) => v.honest_convergence), pl.Bool),
  ).sort([...by, "seed", "run"]);
}

/** Per group of runs: verdict rates, mean, sd and Student-t interval of `c`, `p`, `d`. */
function groupStatFrame(runs: pl.DataFrame, by: readonly string[]): pl.DataFrame {
  // Student's t with runs - 1 degrees of freedom (2.776 for 5 runs), not 1.96.
  const tCol = (runs: number) => runs > 1 ? tQuantile(0.975, runs - 1) : NaN;
  const stat = (k: string) => {
    const half = pl.col(`${k}_sd`).mul(pl.col("t")).div(pl.col("runs").cast(pl.Float64).pow(0.5));
    return [
      pl.col(`${k}_mean`).minus(half).alias(`${k}_ci_low`),
      pl.col(`${k}_mean`).plus(half).alias(`${k}_ci_high`),
    ];
  };
  const groups = runs.groupBy(...by).agg(
    pl.len().alias("runs"),
    pl.col("seed").sort().alias("seeds"),
    pl.col("parasitic_equilibrium").cast(pl.Float64).mean().alias("parasitic_rate"),
    pl.col("honest_convergence").cast(pl.Float64).mean().alias("honest_rate"),
    ...["c", "p", "d"].flatMap((k) => [
      pl.col(k).mean().alias(`${k}_mean`),
      pl.col(k).std().alias(`${k}_sd`),
    ]),
  );
  const withT = groups.withColumns(
    pl.Series("t", groups.getColumn("runs").toArray().map((n) => tCol(Number(n))), pl.Float64),
  );
  return withT.withColumns(...stat("c"), ...stat("p"), ...stat("d")).drop("t").sort([...by]);
}

/**
 * A group's `c`, `p`, `d` intervals as share intervals, always inside [0, 1] (a t interval
 * over a few seeds runs past 0 or 1); a group of one run is left as it is.
 */
function withShareIntervals(
  g: GroupStatRecord,
  runRecords: readonly RunStatRecord[],
  by: readonly string[],
): GroupStatRecord {
  if (g.runs < 2) return g;
  const mine = runRecords.filter((r) =>
    by.every((k) => (r as unknown as Record<string, unknown>)[k] === g[k])
  );
  const out: GroupStatRecord = { ...g };
  for (const k of ["c", "p", "d"] as const) {
    const ci = shareCI({
      values: mine.map((r) => Number((r as unknown as Record<string, unknown>)[k])),
    });
    out[`${k}_ci_low`] = ci.lo;
    out[`${k}_ci_high`] = ci.hi;
  }
  return out;
}

/**
 * Loads blockchain decision rows of one or many runs, validated with
 * {@linkcode BlockchainDecisionSchema}, with the action's entries as `c`, `p`, `d` columns.
 */
export async function loadBlockchainDecisions(
  dirs: string | readonly string[],
  options: Omit<DecisionLoadOptions, "schema"> = {},
): Promise<pl.DataFrame> {
  const df = await loadDecisions(dirs, { ...options, schema: BlockchainDecisionSchema });
  return df.withColumns(
    ...["c", "p", "d"].map((k, i) =>
      pl.col("action").str.jsonPathMatch(`$[${i}]`).cast(pl.Float64).alias(k)
    ),
  );
}
