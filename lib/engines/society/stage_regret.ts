/**
 * Stage-game regret of every decision of a society run, computed after the run from its
 * events alone (`decision` events: who decided and its request; `allocation` events: the
 * method, the units available and the grants).
 *
 * **Stage-game regret** of citizen `i` on day `d` = the grant of the myopic best response
 * ({@linkcode bestResponseRequest}: the request that maximises the day's grant, every other
 * decision and `i`'s own votes and proposals held as they were) minus the grant `i` got
 * (its reward). On a `default` allocation day, for a citizen fed that day, the best is the
 * whole available pool `A`, so the regret is `A − granted`; on a `proposal` day, or for a
 * citizen voted out before the allocation, the request changes nothing and the regret is
 * 0 (those decisions still count, with `request_mattered: false`). It is myopic: not an
 * equilibrium test, since what a citizen leaves in the pool today keeps the shelter alive
 * later.
 *
 * @example
 * ```ts
 * import { societyRegretRows } from "./stage_regret.ts";
 * const rows = societyRegretRows([
 *   { round: 1, type: "decision", agent: "a", request: 30 },
 *   { round: 1, type: "decision", agent: "b", request: 10 },
 *   { round: 1, type: "allocation", method: "default", available: 100, grants: { a: 30, b: 10 } },
 * ]);
 * console.log(rows.map((r) => [r.agent, r.best, r.regret])); // [["a", 100, 70], ["b", 100, 90]]
 * ```
 * @module
 */
import type { RegretPoint } from "../../core/regret.ts";
import { bestResponses } from "./best_response.ts";

/** The fields of an event the regret reads (an `events.jsonl` record fits). */
export interface RegretEvent {
  /** The day. */
  round: number;
  /** `decision` and `allocation` are read; other types are skipped. */
  type: string;
  /** The decider (`decision`). */
  agent?: unknown;
  /** The request as executed (`decision`). */
  request?: unknown;
  /** `default` or `proposal` (`allocation`). */
  method?: unknown;
  /** Units available that day (`allocation`). */
  available?: unknown;
  /** Grant per fed citizen (`allocation`). */
  grants?: unknown;
  /** Other fields of the event. */
  [field: string]: unknown;
}

/** One decision against the rational baseline. */
export interface SocietyRegretRow {
  /** The day. */
  day: number;
  /** The citizen. */
  agent: string;
  /** `true` for an LLM seat. */
  llm: boolean;
  /** The request it made. */
  request: number;
  /** `true` when the request decided its grant (fed on a `default` allocation day). */
  request_mattered: boolean;
  /** The best-response request, or `null` when the request did not matter. */
  best_request: number | null;
  /** The grant of the best response (what the rational baseline earns). */
  best: number;
  /** The grant it got (its reward). */
  earned: number;
  /** `best − earned` (>= 0). */
  regret: number;
}

/**
 * Every decision's stage-game regret, in day then decision order. A day without an
 * `allocation` event (a run cut short mid-day) is left out.
 *
 * @param events The run's events (any order within a day is fine; days in any order).
 * @param llmAgents The LLM seats. @default {[]}
 * @returns One row per decision.
 * @throws {RangeError} When a `decision` or `allocation` event lacks its fields.
 *
 * @example
 * ```ts
 * import { societyRegretRows } from "./stage_regret.ts";
 * const [row] = societyRegretRows([
 *   { round: 2, type: "decision", agent: "a", request: 20 },
 *   { round: 2, type: "allocation", method: "proposal", available: 90, grants: { a: 45 } },
 * ]);
 * console.log(row.request_mattered, row.best, row.regret); // false 45 0
 * ```
 */
export function societyRegretRows(
  events: readonly RegretEvent[],
  llmAgents: readonly string[] = [],
): SocietyRegretRow[] {
  const days = eventsByDay(events);
  const out: SocietyRegretRow[] = [];
  for (const day of [...days.keys()].sort((a, b) => a - b)) {
    const { deciders, allocation } = days.get(day)!;
    if (allocation) out.push(...dayRows(day, deciders, allocation, llmAgents));
  }
  return out;
}

interface RegretDay {
  deciders: { agent: string; request: number }[];
  allocation?: RegretEvent;
}

/** The decisions and the allocation of each day, checked. */
function eventsByDay(events: readonly RegretEvent[]): Map<number, RegretDay> {
  const days = new Map<number, RegretDay>();
  const dayOf = (d: number) => {
    let x = days.get(d);
    if (!x) days.set(d, x = { deciders: [] });
    return x;
  };
  for (const e of events) {
    if (e.type === "decision") {
      if (typeof e.agent !== "string" || typeof e.request !== "number") {
        throw new RangeError(
          `Cannot compute stage regret: a decision event of day ${e.round} lacks 'agent' or 'request'`,
        );
      }
      dayOf(e.round).deciders.push({ agent: e.agent, request: e.request });
    } else if (e.type === "allocation") {
      if (
        typeof e.available !== "number" || typeof e.method !== "string" ||
        typeof e.grants !== "object" || e.grants === null
      ) {
        throw new RangeError(
          `Cannot compute stage regret: the allocation event of day ${e.round} lacks 'method', 'available' or 'grants'`,
        );
      }
      dayOf(e.round).allocation = e;
    }
  }
  return days;
}

/** One day's rows, in decision order (O(deciders): every best response at once). */
function dayRows(
  day: number,
  deciders: RegretDay["deciders"],
  allocation: RegretEvent,
  llmAgents: readonly string[],
): SocietyRegretRow[] {
  const grants = allocation.grants as Record<string, number>;
  const fed = deciders.filter((d) => Object.hasOwn(grants, d.agent));
  const available = allocation.available as number;
  const isDefault = allocation.method === "default";
  const best = isDefault ? bestResponses(fed.map((f) => f.request), available) : [];
  const fedAt = new Map(fed.map((d, i) => [d, i]));
  const llm = new Set(llmAgents);
  return deciders.map((d) => {
    const earned = Object.hasOwn(grants, d.agent) ? grants[d.agent] : 0;
    const index = fedAt.get(d) ?? -1;
    const br = isDefault && index >= 0 ? best[index] : null;
    const bestGrant = br ? br.grant : earned;
    return {
      day,
      agent: d.agent,
      llm: llm.has(d.agent),
      request: d.request,
      request_mattered: br !== null,
      best_request: br ? br.request : null,
      best: bestGrant,
      earned,
      regret: bestGrant - earned,
    };
  });
}

/**
 * The rows as the shared {@linkcode RegretPoint}s of `lib/core/regret.ts`.
 *
 * @param rows From {@linkcode societyRegretRows}.
 * @returns One point per row.
 */
export function societyRegretPoints(rows: readonly SocietyRegretRow[]): RegretPoint[] {
  return rows.map((r) => ({ agent: r.agent, best: r.best, earned: r.earned, llm: r.llm }));
}

/** One citizen's play against the rational baseline over a run (`summary.json`). */
export interface SocietyBaselineLine {
  /** Decisions made. */
  decisions: number;
  /** Decisions whose request decided the grant (fed on a `default` allocation day). */
  request_days: number;
  /** Resources granted over its decisions. */
  earned: number;
  /** What the best response would have been granted on the same days. */
  best_response_total: number;
  /** `earned / best_response_total` (1 when the best total is 0). */
  earned_share: number;
  /** Mean request on the days it mattered, `null` without such days. */
  mean_request: number | null;
}

/**
 * Each citizen's total against the rational baseline's, citizens sorted by name.
 *
 * @param rows From {@linkcode societyRegretRows}.
 * @returns One line per citizen.
 *
 * @example
 * ```ts
 * import { societyBaseline, societyRegretRows } from "./stage_regret.ts";
 * const rows = societyRegretRows([
 *   { round: 1, type: "decision", agent: "a", request: 25 },
 *   { round: 1, type: "allocation", method: "default", available: 100, grants: { a: 25 } },
 * ]);
 * console.log(societyBaseline(rows).a.earned_share); // 0.25
 * ```
 */
export function societyBaseline(
  rows: readonly SocietyRegretRow[],
): Record<string, SocietyBaselineLine> {
  const by = new Map<string, SocietyRegretRow[]>();
  for (const r of rows) {
    const mine = by.get(r.agent);
    if (mine) mine.push(r);
    else by.set(r.agent, [r]);
  }
  const r9 = (x: number) => Math.round(x * 1e9) / 1e9;
  return Object.fromEntries(
    [...by.keys()].sort().map((agent) => {
      const mine = by.get(agent)!;
      const earned = mine.reduce((s, r) => s + r.earned, 0);
      const best = mine.reduce((s, r) => s + r.best, 0);
      const mattered = mine.filter((r) => r.request_mattered);
      return [agent, {
        decisions: mine.length,
        request_days: mattered.length,
        earned,
        best_response_total: best,
        earned_share: best > 0 ? r9(earned / best) : 1,
        mean_request: mattered.length
          ? r9(mattered.reduce((s, r) => s + r.request, 0) / mattered.length)
          : null,
      }];
    }),
  );
}
