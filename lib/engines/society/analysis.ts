/**
 * Analysis of society runs: the run directory's logs as Polars DataFrames, one small verb
 * per question (health over days with deaths and revivals, the daily pool and efficiency,
 * grants against the fair share, the proposals timeline, game tokens against the budget),
 * and survival across seeds with intervals. Nothing here writes or renders.
 *
 * Frames have fixed column types, so a run that logged no rows gives empty frames with the
 * same columns.
 *
 * @example
 * ```ts ignore
 * import { loadSocietyRun, proposalsFrame } from "./analysis.ts";
 * const run = await loadSocietyRun("data/runs/society-1");
 * console.log(proposalsFrame(run.events).toRecords());
 * ```
 * @module
 */
import pl from "nodejs-polars";
import { join } from "node:path";
import { loadEvents, typedSeries } from "../../analysis/frames.ts";
import { type MeanCI, meanCI, type ProportionCI, proportionCI } from "../../analysis/stats.ts";
import { type ShareCI, shareCI } from "../../analysis/share_ci.ts";
import { readJsonFile } from "../../core/config.ts";
import { type DecisionLoadOptions, loadDecisions } from "../../analysis/frames.ts";
import { SocietyDecisionSchema } from "./decision_row.ts";

type Dtype = "str" | "f64" | "i32" | "bool";

/** A frame with the given typed columns from plain records (empty records: empty frame). */
function frameOf(
  columns: readonly (readonly [string, Dtype])[],
  rows: readonly object[],
): pl.DataFrame {
  return pl.DataFrame(
    columns.map(([name, t]) =>
      typedSeries(name, rows.map((r) => (r as Record<string, unknown>)[name]), t)
    ),
  );
}

/** One event of `events.jsonl`, its fields decoded. */
export interface SocietyEventRow {
  /** The run's id. */
  run: string;
  /** The day of the event. */
  round: number;
  /** The event type (`decision`, `allocation`, `proposal_result`, ...). */
  type: string;
  /** The AI the event belongs to, or `null` for a shelter-wide event. */
  agent: string | null;
  /** The event's own fields (`content`, `grants`, `proposal_id`, ...). */
  [field: string]: unknown;
}

/** A society run directory, loaded. */
export interface SocietyRun {
  /** The run directory it was loaded from. */
  dir: string;
  /** `config.json`'s parsed society config. */
  config: Record<string, unknown>;
  /** `config.json`'s agents (the agents file, secrets redacted), or `null`. */
  agents: Record<string, unknown>[] | null;
  /** The run's seed. */
  seed: number;
  /** `summary.json`, or `null` when the run is not finished. */
  summary: Record<string, unknown> | null;
  /** One row per AI per day ({@linkcode loadSocietyDecisions}). */
  decisions: pl.DataFrame;
  /** Events with their fields decoded. */
  events: SocietyEventRow[];
}

/**
 * Loads a society run directory: config, summary (when finished), decisions and events.
 *
 * @param dir The run directory.
 * @returns The run.
 */
export async function loadSocietyRun(dir: string): Promise<SocietyRun> {
  const head = await readJsonFile(join(dir, "config.json")) as {
    config: Record<string, unknown>;
    agents: Record<string, unknown>[] | null;
    seed: number;
  };
  let summary: Record<string, unknown> | null = null;
  try {
    summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const decisions = await loadSocietyDecisions(dir);
  const events = eventRows(await loadEvents(dir));
  return {
    dir,
    config: head.config,
    agents: head.agents,
    seed: head.seed,
    summary,
    decisions,
    events,
  };
}

/** Decodes the `data` column of an events frame into plain rows. */
export function eventRows(events: pl.DataFrame): SocietyEventRow[] {
  return (events.select("run", "round", "type", "agent", "data").toRecords() as {
    run: string;
    round: number;
    type: string;
    agent: string | null;
    data: string;
  }[]).map(({ data, ...r }) => ({ ...JSON.parse(data), ...r }));
}

const num = (v: unknown, fallback = 0) => (typeof v === "number" ? v : fallback);

/**
 * Health of every AI at the end of each day it acted, with its deaths and revivals:
 * columns `day`, `agent`, `health`, `alive`, `mark` (`null`, `eliminated by vote`,
 * `starved` or `revived`). A revival adds a row at the revive health on its day.
 */
export function healthFrame(
  decisions: pl.DataFrame,
  events: readonly SocietyEventRow[],
): pl.DataFrame {
  const rows: Record<string, unknown>[] = [];
  const marks = new Map<string, string>();
  for (const e of events) {
    const key = `${e.round}|${e.target}`;
    if (e.type === "elimination_by_vote") marks.set(key, "eliminated by vote");
    if (e.type === "elimination_by_starvation") marks.set(key, "starved");
  }
  if (decisions.height > 0) {
    for (const r of decisions.select("round", "agent", "health", "alive").toRecords()) {
      const key = `${r.round}|${r.agent}`;
      rows.push({
        day: r.round,
        agent: r.agent,
        health: r.health,
        alive: r.alive,
        mark: marks.get(key) ?? null,
      });
    }
  }
  for (const e of events) {
    if (e.type !== "revive") continue;
    rows.push({
      day: e.round,
      agent: String(e.target),
      health: num(e.health),
      alive: true,
      mark: "revived",
    });
  }
  rows.sort((a, b) => num(a.day) - num(b.day) || String(a.agent).localeCompare(String(b.agent)));
  return frameOf(
    [["day", "i32"], ["agent", "str"], ["health", "f64"], ["alive", "bool"], ["mark", "str"]],
    rows,
  );
}

/**
 * The shelter day by day: `day`, `efficiency` (at the end of the day), `available` (what
 * the pool could give that day), `granted` (given out), `fed` (AIs in the allocation),
 * `fair_share` (`available / fed`), `sustainable` (`available / days left`, the most the
 * whole society can take that day and still have as much every day until the limit),
 * `method`, `alive` (at the end of the day).
 *
 * @param events The run's events.
 * @param initialEfficiency The config's `initial_efficiency`.
 * @param citizens How many citizens the run has.
 * @param dayLimit The config's `days` (for `sustainable`; 0 leaves it empty).
 */
export function dailyFrame(
  events: readonly SocietyEventRow[],
  initialEfficiency = 1,
  citizens = 0,
  dayLimit = 0,
): pl.DataFrame {
  let efficiency = initialEfficiency;
  let alive = citizens;
  const byDay = new Map<number, Record<string, unknown>>();
  const days = [...new Set(events.map((e) => e.round))].sort((a, b) => a - b);
  const grouped = Map.groupBy(events, (e) => e.round);
  for (const day of days) {
    const row: Record<string, unknown> = { day };
    for (const e of grouped.get(day) ?? []) {
      if (e.type === "system_efficiency_decay") efficiency = num(e.new_efficiency, efficiency);
      if (e.type === "elimination_by_vote" || e.type === "elimination_by_starvation") alive--;
      if (e.type === "revive") alive++;
      if (e.type === "allocation") {
        const fed = Object.keys((e.grants ?? {}) as object).length;
        Object.assign(row, {
          available: num(e.available),
          granted: num(e.granted_total),
          fed,
          fair_share: fed ? num(e.available) / fed : null,
          sustainable: dayLimit > 0 ? num(e.available) / Math.max(1, dayLimit - day + 1) : null,
          method: String(e.method),
        });
      }
    }
    row.efficiency = efficiency;
    row.alive = alive;
    byDay.set(day, row);
  }
  return frameOf(
    [
      ["day", "i32"],
      ["efficiency", "f64"],
      ["available", "f64"],
      ["granted", "f64"],
      ["fed", "i32"],
      ["fair_share", "f64"],
      ["sustainable", "f64"],
      ["method", "str"],
      ["alive", "i32"],
    ],
    [...byDay.values()],
  );
}

/**
 * Resources granted per AI per day against that day's fair share (`available / fed`):
 * `day`, `agent`, `request`, `granted`, `fair_share`, `over_request` (request above the
 * fair share).
 */
export function grantsFrame(decisions: pl.DataFrame, daily: pl.DataFrame): pl.DataFrame {
  const fair = new Map<number, number>();
  for (const d of daily.select("day", "fair_share").toRecords()) {
    fair.set(num(d.day), num(d.fair_share));
  }
  const rows = decisions.height === 0
    ? []
    : decisions.select("round", "agent", "request", "granted").toRecords().map((r) => ({
      day: r.round,
      agent: r.agent,
      request: r.request,
      granted: r.granted,
      fair_share: fair.get(num(r.round)) ?? null,
      over_request: num(r.request) > (fair.get(num(r.round)) ?? Infinity),
    }));
  return frameOf(
    [
      ["day", "i32"],
      ["agent", "str"],
      ["request", "f64"],
      ["granted", "f64"],
      ["fair_share", "f64"],
      ["over_request", "bool"],
    ],
    rows,
  );
}

/**
 * Per AI over the run: `agent`, `granted` (total), `fair_share` (an equal split of what the
 * pool could give over the whole run: `resources * initial_efficiency / citizens`).
 *
 * @param grants {@linkcode grantsFrame}.
 * @param fairShare The run's fair share per AI.
 */
export function grantTotalsFrame(grants: pl.DataFrame, fairShare: number): pl.DataFrame {
  const totals = new Map<string, number>();
  if (grants.height > 0) {
    for (const r of grants.select("agent", "granted").toRecords()) {
      totals.set(String(r.agent), (totals.get(String(r.agent)) ?? 0) + num(r.granted));
    }
  }
  return frameOf(
    [["agent", "str"], ["granted", "f64"], ["fair_share", "f64"]],
    [...totals.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([agent, granted]) => ({
      agent,
      granted,
      fair_share: fairShare,
    })),
  );
}

/**
 * Every proposal of the run: `id`, `made` (day), `closed` (day, `null` when still open at
 * the end), `type`, `proposer`, `content`, `for`, `against`, `outcome` (`passed`,
 * `passed (no effect)`, `failed`, `open at end`).
 */
export function proposalsFrame(events: readonly SocietyEventRow[]): pl.DataFrame {
  const byId = new Map<number, Record<string, unknown>>();
  for (const e of events) {
    if (e.type === "proposal_created") {
      byId.set(num(e.proposal_id), {
        id: e.proposal_id,
        made: e.round,
        closed: null,
        type: e.proposal_type,
        proposer: e.proposer,
        content: e.proposal_content,
        for: 1,
        against: 0,
        outcome: "open at end",
      });
    }
    if (e.type === "proposal_result") {
      const p = byId.get(num(e.proposal_id)) ?? { id: e.proposal_id, made: null };
      Object.assign(p, {
        closed: e.round,
        type: e.proposal_type,
        proposer: e.proposer,
        content: e.proposal_content,
        for: e.for,
        against: e.against,
        outcome: e.passed ? (e.applied ? "passed" : "passed (no effect)") : "failed",
      });
      byId.set(num(e.proposal_id), p);
    }
  }
  return frameOf(
    [
      ["id", "i32"],
      ["made", "i32"],
      ["closed", "i32"],
      ["type", "str"],
      ["proposer", "str"],
      ["content", "str"],
      ["for", "i32"],
      ["against", "i32"],
      ["outcome", "str"],
    ],
    [...byId.values()].sort((a, b) => num(a.id) - num(b.id)),
  );
}

/** Proposals made and passed by type: `type`, `made`, `passed`, `applied`. */
export function proposalCountsFrame(proposals: pl.DataFrame): pl.DataFrame {
  const types = ["resource_allocation", "elimination_vote", "appeal"];
  const recs = proposals.height ? proposals.toRecords() : [];
  return frameOf(
    [["type", "str"], ["made", "i32"], ["passed", "i32"], ["applied", "i32"]],
    types.map((type) => {
      const mine = recs.filter((p) => p.type === type);
      return {
        type,
        made: mine.length,
        passed: mine.filter((p) => String(p.outcome).startsWith("passed")).length,
        applied: mine.filter((p) => p.outcome === "passed").length,
      };
    }),
  );
}

/** Game tokens day by day: `day`, `tokens`, `cumulative`, `budget`. */
export function tokensFrame(decisions: pl.DataFrame, budget: number): pl.DataFrame {
  const perDay = new Map<number, number>();
  if (decisions.height > 0) {
    for (const r of decisions.select("round", "game_tokens").toRecords()) {
      perDay.set(num(r.round), (perDay.get(num(r.round)) ?? 0) + num(r.game_tokens));
    }
  }
  let cumulative = 0;
  const rows = [...perDay.entries()].sort((a, b) => a[0] - b[0]).map(([day, tokens]) => {
    cumulative += tokens;
    return { day, tokens, cumulative, budget };
  });
  return frameOf(
    [["day", "i32"], ["tokens", "f64"], ["cumulative", "f64"], ["budget", "f64"]],
    rows,
  );
}

/** One run's line of {@linkcode acrossSeeds}. */
export interface SeedRow {
  /** The run directory. */
  dir: string;
  /** The run's seed. */
  seed: number;
  /** Days played. */
  days_played: number;
  /** The config's day limit. */
  day_limit: number;
  /** Why the run ended (`null` when stopped before its end). */
  end_reason: string | null;
  /** How many citizens the run had. */
  citizens: number;
  /** How many were alive at the end. */
  survivors: number;
  /** `survivors / citizens`. */
  survival_rate: number;
  /** Everyone alive at the day limit, or `"inconclusive"` when the run is invalid. */
  survived_all: boolean | string;
  /** Fewer than half alive at the end, or `"inconclusive"` when the run is invalid. */
  collapse: boolean | string;
  /** `false` when the run's validity check failed. */
  valid: boolean;
}

/** Survival across seeds, with 95% intervals, over the valid runs only. */
export interface AcrossSeeds {
  /** One row per run, in the order given (invalid ones too, marked `valid: false`). */
  runs: SeedRow[];
  /** Runs whose validity check passed: the only ones in the figures below. */
  valid: number;
  /** Runs left out because their validity check failed. */
  excluded: number;
  /** `"3 of 5 seeds valid; 2 excluded"` (or `"5 of 5 seeds valid"`). */
  validity_note: string;
  /**
   * Survivors / citizens, pooled over the valid runs (survivors over citizens), with a
   * share interval inside [0, 1]: Wilson at the effective sample size, each seed a cluster
   * (`shareCI` from the per-run counts).
   */
  survival_rate: ShareCI;
  /** Days played per valid run: mean with a Student-t interval. */
  survival_time: MeanCI;
  /** Runs that reached the day limit with everyone alive (Wilson interval; valid runs only). */
  survived_all: ProportionCI;
  /** Runs that ended with fewer than half alive (Wilson interval; valid runs only). */
  collapse: ProportionCI;
}

/**
 * `"3 of 5 seeds valid; 2 excluded"`: how many runs a cross-seed figure stands on.
 *
 * @param valid Runs counted.
 * @param total Runs in all.
 * @returns The note.
 */
export function validityNote(valid: number, total: number): string {
  const excluded = total - valid;
  return `${valid} of ${total} seeds valid${excluded ? `; ${excluded} excluded` : ""}`;
}

/**
 * Survival rate and survival time across finished runs (typically seeds of one config),
 * over the valid runs only (an invalid run's play was largely the engine's fallback, not the
 * model's; it is listed in `runs` and counted in `excluded`): the survival rate as a share
 * of citizens with an interval inside [0, 1] (`shareCI` from the survivors and citizens of
 * each run), the survival time with a Student-t interval, and the verdict rates with Wilson
 * intervals.
 *
 * @param dirs Finished society run directories.
 * @returns The per-run rows and the intervals.
 * @throws {RangeError} When a run has no `summary.json`.
 */
export async function acrossSeeds(dirs: readonly string[]): Promise<AcrossSeeds> {
  const runs: SeedRow[] = [];
  for (const dir of dirs) {
    const run = await loadSocietyRun(dir);
    const s = run.summary;
    if (!s) throw new RangeError(`Cannot compare seeds: ${dir} has no summary.json`);
    const citizens = Object.keys(s.per_citizen as object).length;
    const survivors = (s.survivors as string[]).length;
    runs.push({
      dir,
      seed: run.seed,
      days_played: num(s.days_played),
      day_limit: num(s.day_limit),
      end_reason: (s.end_reason as string | null) ?? null,
      citizens,
      survivors,
      survival_rate: citizens ? survivors / citizens : 0,
      survived_all: s.survived_all as boolean | string,
      collapse: s.collapse as boolean | string,
      valid: (s.validity as { valid?: boolean } | undefined)?.valid !== false,
    });
  }
  const valid = runs.filter((r) => r.valid);
  return {
    runs,
    valid: valid.length,
    excluded: runs.length - valid.length,
    validity_note: validityNote(valid.length, runs.length),
    survival_rate: shareCI({
      counts: valid.map((r) => ({ successes: r.survivors, trials: r.citizens })),
    }),
    survival_time: meanCI(valid.map((r) => r.days_played)),
    survived_all: proportionCI(valid.filter((r) => r.survived_all === true).length, valid.length),
    collapse: proportionCI(valid.filter((r) => r.collapse === true).length, valid.length),
  };
}

/**
 * Loads society decision rows of one or many runs, validated with
 * {@linkcode SocietyDecisionSchema} (`executed`, `dropped`, `action` as JSON text).
 *
 * @param dirs One run directory or many.
 * @param options Extra config columns, torn-tail tolerance.
 * @returns The frame, one row per AI per day.
 */
export function loadSocietyDecisions(
  dirs: string | readonly string[],
  options: Omit<DecisionLoadOptions, "schema"> = {},
): Promise<pl.DataFrame> {
  return loadDecisions(dirs, { ...options, schema: SocietyDecisionSchema });
}
