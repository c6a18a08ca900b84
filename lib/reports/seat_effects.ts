/**
 * Model effects apart from seat effects: in a sweep whose agents were rotated over the seats
 * (`--rotate-seats`, a Latin square), each model's mean return is averaged over every seat it
 * played, and each seat's over every model that sat in it, so "model X earned most" is not
 * "X sat in the richest seat". Reads `summary.json`'s `seats` and `returns` of each run.
 *
 * Data ({@linkcode seatEffects}), then a report section ({@linkcode seatEffectsSection});
 * no I/O and no markup here.
 *
 * @example
 * ```ts
 * import { seatEffects } from "./seat_effects.ts";
 * const seats = (a: string, b: string) => [
 *   { seat: 0, agent: a, kind: `policy:${a}` },
 *   { seat: 1, agent: b, kind: `policy:${b}` },
 * ];
 * const e = seatEffects([
 *   { seats: seats("x", "y"), returns: { x: 10, y: 2 } },
 *   { seats: seats("y", "x"), returns: { x: 6, y: 4 } },
 * ])!;
 * console.log(e.models.map((m) => [m.model, m.mean])); // [["policy:x", 8], ["policy:y", 3]]
 * console.log(e.seats.map((s) => [s.seat, s.mean]), e.balanced); // [[0, 7], [1, 4]] true
 * ```
 * @module
 */
import { meanCI } from "../analysis/stats.ts";
import type { Block, Cell, DocSection } from "../core/document.ts";
import { formatNumber } from "./render_document.ts";

/** What a run's summary says of its seats (`summary.seats`) and returns (`summary.returns`). */
export interface SeatRun {
  /** Who sat where: seat index, agent name, and its kind (`policy:greedy`, `openai:gpt-4o`). */
  seats: { seat: number; agent: string; kind?: string | null; model?: string | null }[];
  /** Each agent's return over the run. */
  returns: Record<string, number>;
  /** `false` for a run whose verdicts are inconclusive (too many fallbacks): left out. */
  valid?: boolean;
  /**
   * The run's seed: the unit of replication. A model's (or seat's) returns are averaged per
   * seed first, and the interval is taken over the seeds' means (runs of one seed share
   * opponents and states, so they are not independent). Without seeds, each run is its own
   * unit.
   */
  seed?: number;
}

/** A mean return with its 95% Student-t interval over the seeds (see {@linkcode SeatRun.seed}). */
export interface EffectRow {
  /** Units the interval is over: seeds (or runs, when the runs have no seed). */
  n: number;
  /** Agent-runs behind the estimate. */
  obs: number;
  /** Mean return. */
  mean: number;
  /** Lower bound (`-Infinity` with one observation). */
  lo: number;
  /** Upper bound. */
  hi: number;
}

/** Model and seat effects of a set of runs. */
export interface SeatEffects {
  /** Each model's mean return over every seat it played. */
  models: (EffectRow & { model: string })[];
  /** Each seat's mean return over every model that sat in it. */
  seats: (EffectRow & { seat: number })[];
  /** Mean return of each model in each seat. */
  cells: { model: string; seat: number; n: number; mean: number }[];
  /**
   * `true` when each model sat in every seat, equally often (the design separates model and
   * seat effects: each model's mean averages the seats alike, each seat's the models alike).
   */
  balanced: boolean;
  /** Runs used. */
  runs: number;
  /** Runs left out as invalid (inconclusive verdicts). */
  excluded: number;
}

/** Each unit's (seed's) mean first, then the mean and t interval over the units. */
function row(byUnit: Map<string, number[]>): EffectRow {
  const means = [...byUnit.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const ci = meanCI(means);
  const obs = [...byUnit.values()].reduce((n, v) => n + v.length, 0);
  return { n: ci.n, obs, mean: ci.mean, lo: ci.lo, hi: ci.hi };
}

function push<K>(map: Map<K, Map<string, number[]>>, key: K, unit: string, value: number) {
  const units = map.get(key) ?? map.set(key, new Map()).get(key)!;
  (units.get(unit) ?? units.set(unit, []).get(unit)!).push(value);
}

/**
 * The model and seat effects, or `undefined` when fewer than two models or two seats were
 * played (nothing to separate).
 *
 * @param runs The runs' seats and returns; runs without them are skipped.
 * @returns Effects, models and seats sorted.
 */
export function seatEffects(runs: readonly SeatRun[]): SeatEffects | undefined {
  const byModel = new Map<string, Map<string, number[]>>();
  const bySeat = new Map<number, Map<string, number[]>>();
  const byCell = new Map<string, number[]>();
  let used = 0, excluded = 0;
  for (const r of runs) {
    if (!Array.isArray(r.seats) || !r.returns) continue;
    if (r.valid === false) {
      excluded++;
      continue;
    }
    used++;
    const unit = r.seed === undefined ? `run ${used}` : `seed ${r.seed}`;
    for (const s of r.seats) {
      const value = r.returns[s.agent];
      if (typeof value !== "number") continue;
      const model = s.kind ?? s.agent;
      push(byModel, model, unit, value);
      push(bySeat, s.seat, unit, value);
      const key = JSON.stringify([model, s.seat]);
      (byCell.get(key) ?? byCell.set(key, []).get(key)!).push(value);
    }
  }
  if (byModel.size < 2 || bySeat.size < 2) return undefined;
  const cells = [...byCell].map(([key, values]) => {
    const [model, seat] = JSON.parse(key) as [string, number];
    return {
      model,
      seat,
      n: values.length,
      mean: values.reduce((a, b) => a + b, 0) / values.length,
    };
  }).sort((a, b) => a.model.localeCompare(b.model) || a.seat - b.seat);
  // Balanced: each model sat in every seat, equally often (models may differ in how often).
  const balanced = [...byModel.keys()].every((m) => {
    const mine = cells.filter((c) => c.model === m);
    return mine.length === bySeat.size && new Set(mine.map((c) => c.n)).size === 1;
  });
  return {
    models: [...byModel].sort(([a], [b]) => a.localeCompare(b)).map(([model, v]) => ({
      model,
      ...row(v),
    })),
    seats: [...bySeat].sort(([a], [b]) => a - b).map(([seat, v]) => ({ seat, ...row(v) })),
    cells,
    balanced,
    runs: used,
    excluded,
  };
}

const interval = (r: EffectRow) =>
  `${formatNumber(r.mean)} [${formatNumber(r.lo)}, ${formatNumber(r.hi)}]`;

function tables(e: SeatEffects): { header: string[]; rows: Cell[][] }[] {
  const seatCols = e.seats.map((s) => `seat ${s.seat}`);
  return [
    {
      header: ["model", "mean return [95% CI]", "seeds", "agent-runs"],
      rows: e.models.map((m) => [m.model, interval(m), m.n, m.obs]),
    },
    {
      header: ["seat", "mean return [95% CI]", "seeds", "agent-runs"],
      rows: e.seats.map((s) => [s.seat, interval(s), s.n, s.obs]),
    },
    {
      header: ["model", ...seatCols],
      rows: e.models.map((m) => [
        m.model,
        ...e.seats.map((s) => {
          const c = e.cells.find((x) => x.model === m.model && x.seat === s.seat);
          return c ? `${formatNumber(c.mean)} (n ${c.n})` : "";
        }),
      ]),
    },
  ];
}

function caption(e: SeatEffects): string {
  const design = e.balanced
    ? "Each model sat in every seat equally often, so each model's mean is free of seat effects."
    : "The design is not balanced (not every model sat in every seat equally often): a model's mean still carries the effects of the seats it sat in. Rotate the seats (--rotate-seats).";
  const left = e.excluded ? ` ${e.excluded} invalid run(s) left out.` : "";
  return `Returns (sum of rewards) over ${e.runs} run(s); each seed's mean first, then 95% Student-t intervals over the seeds (the runs of a seed are not independent). ${design} Model means are also averaged over the opponents each model met, and "free of seat effects" assumes model and seat effects add.${left}`;
}

/**
 * The "Models and seats" section of a report: the caption, then the model, seat and
 * model-by-seat tables.
 *
 * @param e The effects ({@linkcode seatEffects}).
 * @returns The section, or `undefined` when there are no effects to show.
 *
 * @example
 * ```ts
 * import { seatEffectsSection } from "./seat_effects.ts";
 * console.log(seatEffectsSection(undefined)); // undefined
 * ```
 */
export function seatEffectsSection(e: SeatEffects | undefined): DocSection | undefined {
  if (!e) return undefined;
  const [models, seats, cells] = tables(e);
  const blocks: Block[] = [
    { text: caption(e) },
    { heading: "By model (over seats)" },
    { table: models },
    { heading: "By seat (over models)" },
    { table: seats },
    { heading: "Model x seat" },
    { table: cells },
  ];
  return { title: "Models and seats", blocks };
}
