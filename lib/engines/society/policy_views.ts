/**
 * What scripted citizens read from their observations, computed once per day for all of
 * them: the engine's observations of a day share their `alive_citizens`, `dead_citizens`,
 * `open_proposals` and `events` arrays, so indices keyed by those arrays (weakly: they go
 * with the day) turn each citizen's scans of everything into O(1) look-ups, and a day's
 * policy work is linear in citizens plus proposals.
 *
 * @example
 * ```ts
 * import { aliveSet, allocationStats } from "./policy_views.ts";
 * const alive = ["a", "b", "c"];
 * console.log(aliveSet(alive).has("b"), aliveSet(alive) === aliveSet(alive)); // true true
 * console.log(allocationStats("a:10,b:30").max); // 30
 * ```
 * @module
 */
import { parseAllocationContent } from "./proposals.ts";
import type { ProposalView, SocietyEvent } from "./state.ts";

/** An allocation proposal's amounts and the figures the policies read from them. */
export interface AllocationStats {
  /** The amounts by name (empty for a malformed content). */
  amounts: ReadonlyMap<string, number>;
  /** Their sum, added in content order. */
  sum: number;
  /** The largest amount, or 0. */
  max: number;
}

/** Parsed allocation contents, shared by every voter of a day (bounded). */
const STATS = new Map<string, AllocationStats>();
const STATS_LIMIT = 1024;

/**
 * The amounts of an allocation content with their sum and maximum (memoised: every voter
 * of a day reads each proposal).
 *
 * @param content A `resource_allocation` content.
 * @returns Its stats.
 */
export function allocationStats(content: string): AllocationStats {
  let st = STATS.get(content);
  if (st === undefined) {
    const parsed = parseAllocationContent(content);
    const amounts = new Map(parsed.ok ? parsed.amounts : []);
    let sum = 0;
    let max = 0;
    for (const x of amounts.values()) {
      sum += x;
      if (x > max) max = x;
    }
    st = { amounts, sum, max };
    if (STATS.size >= STATS_LIMIT) STATS.clear();
    STATS.set(content, st);
  }
  return st;
}

const ALIVE = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

/**
 * The position of each name in a list of names (the living, in config order), memoised by
 * the list.
 *
 * @param names The list, e.g. `observation.alive_citizens`.
 * @returns Index by name.
 */
export function indexOfNames(names: readonly string[]): ReadonlyMap<string, number> {
  let m = ALIVE.get(names);
  if (m === undefined) {
    m = new Map(names.map((n, i) => [n, i]));
    ALIVE.set(names, m);
  }
  return m;
}

/** The names of a list as a set (memoised by the list). */
export function aliveSet(names: readonly string[]): { has(name: string): boolean } {
  return indexOfNames(names);
}

const UNAPPEALED = new WeakMap<
  readonly string[],
  { open: readonly ProposalView[]; out: string[] }
>();

/**
 * The dead for whom no appeal is open, memoised by the day's lists.
 *
 * @param dead The dead, in config order.
 * @param open The open proposals.
 * @returns The dead without an open appeal, in order.
 */
export function unappealedOf(dead: readonly string[], open: readonly ProposalView[]): string[] {
  const hit = UNAPPEALED.get(dead);
  if (hit && hit.open === open) return hit.out;
  const appealed = new Set(
    open.filter((p) => p.proposal_type === "appeal").map((p) => p.content),
  );
  const out = dead.filter((n) => !appealed.has(n));
  UNAPPEALED.set(dead, { open, out });
  return out;
}

const GRUDGE_EVENTS = new WeakMap<readonly SocietyEvent[], Map<string, SocietyEvent[]>>();

/**
 * The events that give `name` grudges, in event order: the results of its proposals (their
 * opposers) and the proposals to eliminate it (their proposers). The index of a day's events
 * is built once for every citizen.
 *
 * @param events An observation's events.
 * @param name The citizen.
 * @returns Its events, in order (shared: do not change).
 */
export function grudgeEventsOf(events: readonly SocietyEvent[], name: string): SocietyEvent[] {
  let index = GRUDGE_EVENTS.get(events);
  if (index === undefined) {
    index = new Map();
    const add = (who: string, e: SocietyEvent) => {
      const list = index!.get(who);
      if (list) list.push(e);
      else index!.set(who, [e]);
    };
    for (const e of events) {
      if (e.type === "proposal_result") add(String(e.proposer), e);
      if (e.type === "proposal_created" && e.proposal_type === "elimination_vote") {
        add(String(e.proposal_content), e);
      }
    }
    GRUDGE_EVENTS.set(events, index);
  }
  return index.get(name) ?? [];
}

const REQUESTS = new WeakMap<readonly SocietyEvent[], Map<string, number>>();

/**
 * Yesterday's request of each citizen (its `decision` event), memoised by the events.
 *
 * @param events An observation's events.
 * @returns Request by name.
 */
export function requestsOf(events: readonly SocietyEvent[]): ReadonlyMap<string, number> {
  let m = REQUESTS.get(events);
  if (m === undefined) {
    m = new Map();
    for (const e of events) {
      if (e.type === "decision" && typeof e.request === "number") m.set(String(e.agent), e.request);
    }
    REQUESTS.set(events, m);
  }
  return m;
}

/**
 * A uniform pick among `names` other than `me`, drawing exactly what `rng.pick` draws on
 * the filtered list (one integer in `0..others - 1`) without building it.
 *
 * @param names The names, `me` among them or not.
 * @param me The name left out.
 * @param draw The draw `int(0, max)` of the citizen's stream.
 * @returns The name picked, or `undefined` when there is no other name (no draw).
 */
export function pickOther(
  names: readonly string[],
  me: string,
  draw: (max: number) => number,
): string | undefined {
  const at = indexOfNames(names).get(me);
  const count = at === undefined ? names.length : names.length - 1;
  if (count <= 0) return undefined;
  const i = draw(count - 1);
  return names[at !== undefined && i >= at ? i + 1 : i];
}

const GUESSES = new WeakMap<
  readonly string[],
  { events: readonly SocietyEvent[]; fair: number; total: number }
>();

/**
 * The best-response policy's guess of each citizen's request today, `2 * max(fair,
 * yesterday's request)`, and their total over the living (memoised by the day's lists).
 *
 * @param alive The living, in config order.
 * @param events An observation's events (yesterday's decisions).
 * @param fair The fair share `floor(available / alive)`.
 * @returns The guess of a name, and the total over `alive`.
 */
export function requestGuesses(
  alive: readonly string[],
  events: readonly SocietyEvent[],
  fair: number,
): { guess(name: string): number; total: number } {
  const yesterday = requestsOf(events);
  const guess = (n: string) => 2 * Math.max(fair, yesterday.get(n) ?? 0);
  const hit = GUESSES.get(alive);
  if (hit && hit.events === events && hit.fair === fair) return { guess, total: hit.total };
  let total = 0;
  for (const n of alive) total += guess(n);
  GUESSES.set(alive, { events, fair, total });
  return { guess, total };
}
