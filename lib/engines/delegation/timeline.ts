/**
 * The phase timeline of a run: its delegations over time, by provider and phase, thinned to
 * at most a few thousand points for a chart. Plain records, no Polars (the study command
 * uses it at start-up speed); `analysis.ts` re-exports it.
 *
 * @example
 * ```ts
 * import { phaseTimeline } from "./timeline.ts";
 * const rows = [{ time: 0, agent: "p1", phase: "exploration", model: "o1" }];
 * console.log(phaseTimeline(rows)); // [{ time: 0, provider: "p1", phase: "exploration", model: "o1" }]
 * ```
 * @module
 */

/** One point of the phase timeline. */
export interface TimelinePoint {
  /** The delegation's time step (its index in the run, from 0). */
  time: number;
  /** The provider that served it. */
  provider: string;
  /** The phase it was made in (`exploration`, `exploitation`, ...). */
  phase: string;
  /** The model the provider served it with. */
  model: string;
}

/**
 * A Polars DataFrame of decision rows as the timeline reads it (structural: this file never
 * loads Polars).
 */
export interface TimelineFrame {
  /** The frame with these columns only. */
  select(...columns: string[]): { toRecords(): Record<string, unknown>[] };
}

/** A delegation row as the timeline reads it. */
export interface TimelineRow {
  /** The delegation's time step. */
  time: number;
  /** The provider, as decision rows name it. */
  agent?: string;
  /** The provider, as engine records name it (wins over `agent`). */
  provider?: string;
  /** The phase it was made in. */
  phase: string;
  /** The model the provider served it with. */
  model: string;
}

/**
 * The delegations over time, at most `maxPoints` of them (every k-th row when there are
 * more; the kept rows are evenly spread).
 *
 * @param data Decision rows (or engine records with `provider` and a phase name), or their
 * Polars frame (`loadDelegationDecisions`).
 * @param maxPoints The most points kept. @default 4000
 */
export function phaseTimeline(
  data: readonly TimelineRow[] | TimelineFrame,
  maxPoints = 4000,
): TimelinePoint[] {
  const rows: readonly TimelineRow[] = Array.isArray(data)
    ? data
    : (data as TimelineFrame).select("time", "agent", "phase", "model")
      .toRecords() as unknown as TimelineRow[];
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new RangeError(`Cannot build timeline: 'maxPoints' must be >= 1, got ${maxPoints}`);
  }
  const k = Math.max(1, Math.ceil(rows.length / maxPoints));
  const out: TimelinePoint[] = [];
  for (let i = 0; i < rows.length; i += k) {
    const r = rows[i];
    out.push({
      time: r.time,
      provider: r.provider ?? r.agent ?? "",
      phase: r.phase,
      model: r.model,
    });
  }
  return out;
}
