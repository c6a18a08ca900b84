/**
 * A model's profile across the experiments that declare a profile part
 * ({@linkcode Experiment.profile}): for each model, each experiment's conditions (the model
 * in one seat, in every seat...) x each seed, run as ordinary run directories inside one
 * profile directory, under one budget and one cache; then the card's figures with intervals
 * over seeds.
 *
 * Layout: `<profile>/profile.json` (the plan), `<profile>/runs/<model>/<experiment>-<condition>-s<seed>/`
 * (run directories), `<profile>/cache/` (the replies cache, by default) and
 * `<profile>/card.json` (the card's data). Rerunning skips finished runs and resumes
 * unfinished ones. Experiments are found through a lookup function (the CLI's registry), so
 * nothing here names an engine.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../core/config.ts";
import { LlmCallRecordSchema, SCHEMA_VERSION } from "../core/records.ts";
import { readJsonl, writeJsonAtomic } from "../core/run_log.ts";
import { meanCI, proportionCI } from "../analysis/stats.ts";
import { type SeedCount, shareCI } from "../analysis/share_ci.ts";
import { type AgentSpec, redactAgents } from "../llm/agents_file.ts";
import type { SharedLimits } from "../llm/factory.ts";
import type { Experiment, ProfileMetric, ProfileOptions, ProfileRun } from "./experiment.ts";
import { agentsDifference, openRun, resumeRun, type RunRequest, runToEnd } from "./open.ts";
import { exists, isRunDir, readRunConfig, RUN_FILES } from "./run_dir.ts";
import type { RunOutcome } from "./session.ts";

/** What to profile. */
/** The order of the card's axes; others follow, validity comes last. */
const AXIS_ORDER = ["exploitation", "cooperation", "honesty"];

export interface ProfileSpec {
  /** The models, one agents-file entry each; their names name them on the card. */
  models: AgentSpec[];
  /** Inclusive seed range. */
  seeds: [number, number];
  /** The experiments to run (default: every one with a profile part, in lookup order). */
  experiments: string[];
  /** Base config per experiment (before seating). */
  configs?: Record<string, Record<string, unknown>>;
  /** Horizon per experiment (its horizon field: rounds, days, T...). */
  horizons?: Record<string, number>;
  options?: ProfileOptions;
  lang?: "zh" | "en";
}

/** One planned run. */
export interface PlannedRun {
  model: string;
  experiment: string;
  condition: string;
  seed: number;
  /** The run directory, relative to the profile directory. */
  dir: string;
  /** The run without its directory, budget and cache. */
  request: RunRequest;
  /** The seats the model plays. */
  seats: string[];
}

/** A file-system-safe form of a model name. */
export function modelSlug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 64);
}

/**
 * Every run of a profile, in order (model, experiment, condition, seed).
 *
 * @throws {ConfigError} For an unknown experiment, one without a profile part, two models
 * of the same name or a config that does not validate.
 */
export function planProfile(
  spec: ProfileSpec,
  lookup: (name: string) => Experiment | undefined,
): PlannedRun[] {
  const names = new Set<string>();
  for (const m of spec.models) {
    if (m.provider === "policy") {
      throw new ConfigError(`--agents: '${m.name}' is a policy; a profile is of an LLM`);
    }
    if (names.has(modelSlug(m.name))) {
      throw new ConfigError(`--agents: two models are named '${m.name}'; rename one`);
    }
    names.add(modelSlug(m.name));
  }
  const plan: PlannedRun[] = [];
  for (const m of spec.models) {
    for (const name of spec.experiments) {
      const experiment = lookup(name);
      if (!experiment) throw new ConfigError(`profile: experiment '${name}' is unknown`);
      if (!experiment.profile) {
        throw new ConfigError(`profile: experiment '${name}' has no profile part`);
      }
      const base = { ...(spec.configs?.[name] ?? {}) };
      const horizon = spec.horizons?.[name];
      if (horizon !== undefined) base[experiment.horizon] = horizon;
      let parsed: Record<string, unknown>;
      try {
        parsed = experiment.parseConfig(base) as Record<string, unknown>;
      } catch (e) {
        if (e instanceof ConfigError) throw new ConfigError(`${name}: ${e.message}`);
        throw e;
      }
      for (const c of experiment.profile.conditions) {
        const seated = c.seat(m, base, parsed, spec.options ?? {});
        for (let seed = spec.seeds[0]; seed <= spec.seeds[1]; seed++) {
          plan.push({
            model: m.name,
            experiment: name,
            condition: c.name,
            seed,
            dir: join("runs", modelSlug(m.name), `${name}-${c.name}-s${seed}`),
            request: {
              experiment,
              config: seated.config,
              seed,
              agents: seated.agents,
              lang: spec.lang ?? "en",
            },
            seats: seated.agents.filter((a) => a.provider !== "policy").map((a) => a.name),
          });
        }
      }
    }
  }
  return plan;
}

/** LLM use read from run directories' `llm_calls.jsonl`. */
export interface Usage {
  calls: number;
  input: number;
  output: number;
  usd: number;
}

/** The LLM use logged in one run directory (zero when it has no calls yet). */
export async function runUsage(dir: string): Promise<Usage> {
  const path = join(dir, RUN_FILES.llmCalls);
  const u = { calls: 0, input: 0, output: 0, usd: 0 };
  if (!(await exists(path))) return u;
  for (const c of await readJsonl(path, LlmCallRecordSchema, { tolerateTornTail: true })) {
    u.calls++;
    u.input += c.input_tokens;
    u.output += c.output_tokens;
    u.usd += c.cost_usd;
  }
  return u;
}

/** Options of {@linkcode runProfile}. */
export interface RunProfileOptions {
  spec: ProfileSpec;
  /** The profile directory. */
  dir: string;
  lookup(name: string): Experiment | undefined;
  /** Replies cache. @default {"<dir>/cache"} */
  cacheDir?: string;
  offline?: boolean;
  /** One budget for the whole profile (every run counts against it). */
  maxTokens?: number;
  maxUsd?: number;
  maxFallbackShare?: number;
  argv?: string[];
  /** One line per run. */
  log?(line: string): void;
  signal?: AbortSignal;
}

/** How a profile ended. */
export interface ProfileResult {
  dir: string;
  plan: PlannedRun[];
  status: "completed" | RunOutcome["status"];
  /** Runs played now / found finished. */
  ran: number;
  skipped: number;
  reason?: string;
}

const PLAN_FILE = "profile.json";

async function checkPlanFile(dir: string, spec: ProfileSpec): Promise<void> {
  const path = join(dir, PLAN_FILE);
  const models = redactAgents(spec.models);
  if (await exists(path)) {
    const before = JSON.parse(await Deno.readTextFile(path)) as { models: AgentSpec[] };
    const diff = agentsDifference(before.models, models);
    if (diff) {
      throw new ConfigError(`--agents: the profile in ${dir} was begun with others: ${diff}`);
    }
  }
  await Deno.mkdir(dir, { recursive: true });
  await writeJsonAtomic(path, {
    v: SCHEMA_VERSION,
    kind: "profile",
    models,
    seeds: spec.seeds,
    experiments: spec.experiments,
    configs: spec.configs ?? {},
    horizons: spec.horizons ?? {},
    options: spec.options ?? {},
    lang: spec.lang ?? "en",
    updated_at: new Date().toISOString(),
  });
}

/**
 * Plays every run of a profile that is not finished (resuming interrupted ones), under one
 * budget: before each run, the tokens and dollars the other runs used are taken off the
 * limits. Stops at the first run that does not complete (budget, interrupt).
 */
export async function runProfile(options: RunProfileOptions): Promise<ProfileResult> {
  const { spec, dir, lookup } = options;
  const plan = planProfile(spec, lookup);
  await checkPlanFile(dir, spec);
  const cacheDir = options.cacheDir ?? join(dir, "cache");
  const limits: SharedLimits = new Map();
  const log = options.log ?? (() => {});
  let ran = 0, skipped = 0;
  const usage = new Map<string, Usage>();
  for (const p of plan) usage.set(p.dir, await runUsage(join(dir, p.dir)));
  for (const p of plan) {
    const runDir = join(dir, p.dir);
    if (await exists(join(runDir, RUN_FILES.summary))) {
      skipped++;
      continue;
    }
    let others = { tokens: 0, usd: 0 };
    for (const [d, u] of usage) {
      if (d !== p.dir) {
        others = { tokens: others.tokens + u.input + u.output, usd: others.usd + u.usd };
      }
    }
    const left = {
      maxTokens: options.maxTokens === undefined ? undefined : options.maxTokens - others.tokens,
      maxUsd: options.maxUsd === undefined ? undefined : options.maxUsd - others.usd,
    };
    if ((left.maxTokens ?? 1) <= 0 || (left.maxUsd ?? 1) <= 0) {
      const reason = `the profile's budget is spent (${others.tokens} tokens, $${
        others.usd.toFixed(4)
      })`;
      return { dir, plan, status: "stopped_budget", ran, skipped, reason };
    }
    const common = {
      cacheDir,
      offline: options.offline,
      maxTokens: left.maxTokens,
      maxUsd: left.maxUsd,
      reportsRoot: null,
      maxFallbackShare: options.maxFallbackShare,
    };
    let session;
    if (await isRunDir(runDir)) {
      // A resumed run keeps the limits it began with unless told otherwise: lift them
      // when the profile now has none.
      const o = (await readRunConfig(runDir)).options as Record<string, unknown>;
      const lift = {
        maxTokens: common.maxTokens ?? (o.max_tokens == null ? undefined : Number.MAX_SAFE_INTEGER),
        maxUsd: common.maxUsd ?? (o.max_usd == null ? undefined : Number.MAX_VALUE),
      };
      session = await resumeRun(
        runDir,
        lookup,
        { ...common, ...lift, agents: p.request.agents },
        limits,
      );
    } else {
      session = await openRun({ ...p.request, ...common, out: runDir, argv: options.argv }, limits);
    }
    const r = await runToEnd(session, { signal: options.signal });
    usage.set(p.dir, await runUsage(runDir));
    if (r.outcome.status !== "completed") {
      return { dir, plan, status: r.outcome.status, ran, skipped, reason: r.outcome.reason };
    }
    ran++;
    log(`${p.model} ${p.experiment}-${p.condition}-s${p.seed}: done`);
  }
  return { dir, plan, status: "completed", ran, skipped };
}

/** One figure for one model: the interval over its runs. */
export interface CardCell {
  /** Runs that define the figure. */
  n: number;
  /** Runs of the condition (some may not define the figure, e.g. no floor reached). */
  runs: number;
  /** Mean, or share for a rate; `null` when no run defines it. */
  value: number | null;
  /**
   * 95% interval: Student t for means; inside [0, 1] for shares (Wilson at the effective
   * sample size over seeds, `shareCI`) and rates (Wilson); `null` for a mean with fewer
   * than two runs ([0, 1] for a share: one seed says nothing of the spread).
   */
  lo: number | null;
  hi: number | null;
  /** Finished runs left out because they are invalid (`summary.validity.valid === false`). */
  excluded: number;
}

/**
 * Profile figures known to lie in [0, 1] (shares), by key, besides `"rate"` metrics: their
 * intervals are share intervals. `ProfileMetric` (lib/run/experiment.ts) has no such flag
 * yet; a metric may also declare `share: true` on itself.
 */
export const SHARE_METRIC_KEYS: ReadonlySet<string> = new Set([
  "late_p",
  "late_d",
  "over_usage",
  "equality",
  "substitution_share",
  "valid_action_rate",
]);

/** `true` when a metric's values lie in [0, 1]: a rate, a declared share or a known one. */
export function isShareMetric(metric: ProfileMetric): boolean {
  return metric.kind === "rate" || (metric as { share?: boolean }).share === true ||
    SHARE_METRIC_KEYS.has(metric.key);
}

/** One row of the card: a figure of one experiment's condition, for every model. */
export interface CardRow {
  axis: string;
  experiment: string;
  /** The condition, or {@linkcode POOLED} for rows over every condition (validity). */
  condition: string;
  key: string;
  label: string;
  description: string;
  kind: "mean" | "rate";
  /** Values in [0, 1]: the intervals are share intervals, inside [0, 1]. */
  share: boolean;
  better?: "higher" | "lower";
  cells: Record<string, CardCell>;
}

/** The card's data (`card.json`). */
export interface ProfileCard {
  v: number;
  kind: "profile";
  name: string;
  models: string[];
  /** The model name each entry asked for (`provider:model`). */
  model_ids: Record<string, string>;
  seeds: [number, number];
  axes: string[];
  conditions: { experiment: string; condition: string; description: string }[];
  rows: CardRow[];
  usage: Record<string, Usage>;
  /** Every run: model, experiment, condition, seed, directory and its figures. */
  runs: {
    model: string;
    experiment: string;
    condition: string;
    seed: number;
    dir: string;
    values: Record<string, number | boolean | null>;
    /** `false` when the run's validity check failed: left out of every figure but validity. */
    valid: boolean;
    /** The LLM decisions that were valid, of all LLM decisions (the validity row's counts). */
    validity: SeedCount | null;
  }[];
}

/** The condition name of rows pooled over every condition of an experiment (validity). */
export const POOLED = "pooled";

/** The validity row every experiment gets: the share of the model's decisions that parsed. */
export const VALIDITY_METRIC: ProfileMetric = {
  key: "valid_action_rate",
  axis: "validity",
  label: "valid-action rate",
  description: "share of the model's decisions that were valid (not the engine's fallback)",
  kind: "mean",
  better: "higher",
};

function validityCounts(summary: Record<string, unknown>): SeedCount | null {
  const v = summary.validity as { llm_decisions?: number; fallbacks?: number } | undefined;
  if (!v?.llm_decisions) return null;
  return { successes: v.llm_decisions - (v.fallbacks ?? 0), trials: v.llm_decisions };
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Options of {@linkcode cardCell}. */
export interface CardCellOptions {
  /** The values lie in [0, 1]: a share interval. @default {false} */
  share?: boolean;
  /** Per-run counts of a share (null where a run has none), aligned with the values. */
  counts?: (SeedCount | null)[];
  /** Invalid runs left out before the values were taken. @default {0} */
  excluded?: number;
}

/**
 * The interval of one figure over runs: Wilson for a rate (yes/no per run); for a share,
 * `shareCI` (from the runs' counts when given, else their shares), always inside [0, 1];
 * Student t for any other mean.
 */
export function cardCell(
  kind: "mean" | "rate",
  values: (number | boolean | null)[],
  options: CardCellOptions = {},
): CardCell {
  const { share = false, counts, excluded = 0 } = options;
  const defined = values.filter((v) => v !== null && v !== undefined);
  const runs = values.length;
  if (defined.length === 0) return { n: 0, runs, value: null, lo: null, hi: null, excluded };
  if (kind === "rate") {
    const ci = proportionCI(defined.filter((v) => v === true).length, defined.length);
    return { n: ci.n, runs, value: ci.rate, lo: ci.lo, hi: ci.hi, excluded };
  }
  if (share) {
    const given = counts?.filter((c): c is SeedCount => c !== null) ?? [];
    const ci = given.length === defined.length && given.length
      ? shareCI({ counts: given })
      : shareCI({ values: defined.map(Number) });
    return { n: ci.n, runs, value: ci.mean, lo: ci.lo, hi: ci.hi, excluded };
  }
  const ci = meanCI(defined.map(Number));
  return { n: ci.n, runs, value: ci.mean, lo: finite(ci.lo), hi: finite(ci.hi), excluded };
}

/** The model id an entry names, e.g. `openai:gpt-4o-mini`. */
function modelId(spec: AgentSpec): string {
  return `${spec.provider}:${spec.model ?? spec.policy}`;
}

/**
 * Reads every finished run of a profile, measures it with its experiment's profile part
 * and computes the card. Unfinished runs are left out (their cells count fewer runs).
 */
export async function collectProfile(
  dir: string,
  spec: ProfileSpec,
  lookup: (name: string) => Experiment | undefined,
  name = dir.split("/").filter(Boolean).pop() ?? "profile",
): Promise<ProfileCard> {
  const plan = planProfile(spec, lookup);
  const runs: ProfileCard["runs"] = [];
  const usage: Record<string, Usage> = {};
  for (const m of spec.models) usage[m.name] = { calls: 0, input: 0, output: 0, usd: 0 };
  for (const p of plan) {
    const runDir = join(dir, p.dir);
    const u = await runUsage(runDir);
    const t = usage[p.model];
    t.calls += u.calls;
    t.input += u.input;
    t.output += u.output;
    t.usd += u.usd;
    const path = join(runDir, RUN_FILES.summary);
    if (!(await exists(path))) continue;
    const summary = JSON.parse(await Deno.readTextFile(path)) as Record<string, unknown>;
    const run: ProfileRun = {
      condition: p.condition,
      seed: p.seed,
      dir: runDir,
      summary,
      seats: p.seats,
    };
    const values = await lookup(p.experiment)!.profile!.measure(run);
    const counts = validityCounts(summary);
    values[VALIDITY_METRIC.key] = counts ? counts.successes / counts.trials : null;
    runs.push({
      model: p.model,
      experiment: p.experiment,
      condition: p.condition,
      seed: p.seed,
      dir: p.dir,
      values,
      valid: (summary.validity as { valid?: boolean } | undefined)?.valid !== false,
      validity: counts,
    });
  }
  const models = spec.models.map((m) => m.name);
  const rows: CardRow[] = [];
  const conditions: ProfileCard["conditions"] = [];
  const row = (
    e: string,
    condition: string,
    metric: ProfileMetric,
    pick: (r: typeof runs[number]) => boolean,
  ) => {
    const cells: Record<string, CardCell> = {};
    // Invalid runs (their play was largely the engine's fallback) count only for validity.
    const keepInvalid = metric.key === VALIDITY_METRIC.key;
    const share = isShareMetric(metric);
    for (const m of models) {
      const mine = plan.filter((p) =>
        p.model === m && p.experiment === e &&
        (condition === POOLED || p.condition === condition)
      );
      const found = mine.map((p) => runs.find((x) => x.dir === p.dir));
      const excluded = keepInvalid ? 0 : found.filter((r) => r && !r.valid).length;
      const kept = mine.filter((_, i) => keepInvalid || found[i]?.valid !== false);
      const got = kept.map((p) => runs.find((x) => x.dir === p.dir));
      const values = got.map((r) => r && pick(r) ? r.values[metric.key] ?? null : null);
      const counts = keepInvalid
        ? got.filter((r, i) => r && values[i] !== null).map((r) => r!.validity)
        : undefined;
      cells[m] = cardCell(metric.kind, values, { share, counts, excluded });
      cells[m].runs = mine.length;
    }
    const { key, axis, label, description, kind, better } = metric;
    rows.push({
      axis,
      experiment: e,
      condition,
      key,
      label,
      description,
      kind,
      share,
      better,
      cells,
    });
  };
  for (const e of spec.experiments) {
    const part = lookup(e)!.profile!;
    for (const c of part.conditions) {
      conditions.push({ experiment: e, condition: c.name, description: c.description });
    }
    for (const metric of part.metrics) {
      for (const c of part.conditions) {
        if (metric.conditions && !metric.conditions.includes(c.name)) continue;
        row(e, c.name, metric, () => true);
      }
    }
  }
  for (const e of spec.experiments) row(e, POOLED, VALIDITY_METRIC, () => true);
  // The card's order (the issue's): exploitation, cooperation, honesty, then any other axis,
  // validity last; rows keep their order within an axis.
  const rank = (axis: string) => {
    const i = AXIS_ORDER.indexOf(axis);
    return i >= 0 ? i : axis === "validity" ? 1e9 : AXIS_ORDER.length;
  };
  const axes = [...new Set(rows.map((r) => r.axis))].sort((a, b) => rank(a) - rank(b));
  rows.sort((a, b) => axes.indexOf(a.axis) - axes.indexOf(b.axis));
  const card: ProfileCard = {
    v: SCHEMA_VERSION,
    kind: "profile",
    name,
    models,
    model_ids: Object.fromEntries(spec.models.map((m) => [m.name, modelId(m)])),
    seeds: spec.seeds,
    axes,
    conditions,
    rows,
    usage,
    runs,
  };
  await writeJsonAtomic(join(dir, "card.json"), card);
  return card;
}

/** The requests of every run of a profile (for `--estimate`). */
export function profileRequests(
  spec: ProfileSpec,
  lookup: (name: string) => Experiment | undefined,
): RunRequest[] {
  return planProfile(spec, lookup).map((p) => p.request);
}
