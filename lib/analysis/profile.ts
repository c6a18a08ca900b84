/**
 * The card of a model profile (`deno task run profile`, see `lib/run/profile.ts`): every
 * finished run of the profile measured by its experiment's profile part, and each figure's
 * interval over seeds (Student t for means, share intervals inside [0, 1] for shares, Wilson
 * for rates), written as `card.json`.
 *
 * @example
 * ```ts
 * import { cardCell } from "./profile.ts";
 * console.log(cardCell("rate", [true, false, true, true]).value); // 0.75
 * ```
 * @module
 */
import { join } from "node:path";
import { PROFILE_FILES } from "../core/catalog.ts";
import { SCHEMA_VERSION } from "../core/records.ts";
import { exists, RUN_FILES } from "../core/run_dir.ts";
import { writeJsonAtomic } from "../core/run_log.ts";
import type { AgentSpec } from "../llm/agents_file.ts";
import type { Experiment, ProfileMetric, ProfileRun } from "../run/experiment.ts";
import { planProfile, type ProfileSpec, runUsage, type Usage } from "../run/profile.ts";
import { meanCI, proportionCI } from "./stats.ts";
import { type SeedCount, shareCI } from "./share_ci.ts";

/** The order of the card's axes; others follow, validity comes last. */
const AXIS_ORDER = ["exploitation", "cooperation", "honesty"];

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
  await writeJsonAtomic(join(dir, PROFILE_FILES.card), card);
  return card;
}
