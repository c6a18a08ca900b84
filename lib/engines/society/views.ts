/**
 * The JSON the society HTTP API answers, computed from a run session: the day just played
 * (`POST /run_next_emergent`), one AI (`GET /ai_emergent/{name}`) and the whole public
 * state (`GET /current_state`, also embedded in the dashboard). Plain functions of the
 * engine's state; no I/O.
 *
 * @module
 */
import type { RunSession } from "../../run/session.ts";
import type { SocietyEngine } from "./engine.ts";
import type { DayPoint } from "./history.ts";
import { availableResources } from "./resources.ts";
import { type SeedAllocationMethod, seedAllocationMethod, seedEventType } from "./seed_names.ts";
import { type ShelterRules, shelterRules } from "./shelter_rules.ts";
import type { SocietyEvent, SocietyState } from "./state.ts";

/** The engine of a society session. */
export function societyEngineOf(session: RunSession): SocietyEngine {
  return session.engine as unknown as SocietyEngine;
}

/** One citizen as `GET /ai_emergent/{name}` and `GET /current_state` show it. */
export interface CitizenView {
  /** The citizen's name. */
  name: string;
  /** What drives it, e.g. `policy:selfish`, `openai:gpt-4o-mini`. */
  kind: string;
  /** Its health. */
  health: number;
  /** Whether it is alive. */
  alive: boolean;
  /** Its AP for the next day. */
  action_points: number;
  /** Game tokens it consumed on the last day played. */
  token_consumed_today: number;
  /** Its request on the last day played (`null` when it did not act). */
  request: number | null;
  /** What it was granted on the last day played. */
  granted: number;
  /** Its statement on the last day played. */
  statement: string;
}

/** `POST /run_next_emergent`: the day just played. */
export interface DayView {
  /** The day just played (1-based). */
  day: number;
  /** Game tokens consumed this day. */
  total_token_consumed: number;
  /** System efficiency at the end of the day, in (0, 1]. */
  system_efficiency: number;
  /** Eliminations so far. */
  elimination_count: number;
  /** `default` or `proposal`: how the day's resources were divided. */
  allocation_method: string | null;
  /**
   * The seed's `allocation_method` of the day (`default`, `proposal`, `vote_elimination`,
   * `appeal_revival`: the last applied proposal's kind; `seed_names.ts`).
   */
  seed_allocation_method: SeedAllocationMethod;
  /**
   * The day's events, each with `type`, `content` and its fields, and `seed_type`, the
   * seed's name of the event (`seed_names.ts`; the same as `type` for most).
   */
  events: (SocietyEvent & { seed_type: string })[];
  /** AIs alive at the end of the day. */
  alive: number;
  /** `true` once the game is over. */
  done: boolean;
  /** Why the game ended, or `null` while it runs. */
  end_reason: string | null;
}

function citizen(s: SocietyState, name: string, kind: string): CitizenView {
  const c = s.citizens[name];
  const info = s.last.infos[name];
  return {
    name,
    kind,
    health: c.health,
    alive: c.alive,
    action_points: c.action_points,
    token_consumed_today: c.token_consumed_today,
    request: info?.request ?? null,
    granted: info?.granted ?? 0,
    statement: info?.statement ?? "",
  };
}

function kinds(session: RunSession): Map<string, string> {
  return new Map(session.agents.map((a) => [a.name, a.kind]));
}

/**
 * The day just played, in the SPEC's field names.
 *
 * @param session A society session after a step.
 */
export function dayView(session: RunSession): DayView {
  const engine = societyEngineOf(session);
  const s = engine.getState();
  return {
    day: s.day,
    total_token_consumed: s.last.tokens_today,
    system_efficiency: s.system_efficiency,
    elimination_count: s.elimination_count,
    allocation_method: s.last.allocation_method,
    seed_allocation_method: seedAllocationMethod(s.last.events),
    events: s.last.events.map((e) => ({ ...e, seed_type: seedEventType(e) })),
    alive: engine.agents.filter((n) => s.citizens[n].alive).length,
    done: s.end_reason !== null,
    end_reason: s.end_reason,
  };
}

/**
 * One AI with the global figures the SPEC lists.
 *
 * @param session A society session.
 * @param name A citizen's name.
 * @returns The view, or `null` for an unknown name.
 */
export function aiView(
  session: RunSession,
  name: string,
): (CitizenView & { day: number; system_efficiency: number; elimination_count: number }) | null {
  const engine = societyEngineOf(session);
  if (!engine.agents.includes(name)) return null;
  const s = engine.getState();
  return {
    ...citizen(s, name, kinds(session).get(name) ?? ""),
    day: s.day,
    system_efficiency: s.system_efficiency,
    elimination_count: s.elimination_count,
  };
}

/** `GET /current_state`: the whole public state. */
export interface StateView {
  /** The session: its id, directory, seed, and whether (and why) it ended. */
  run: { id: string; dir: string; seed: number; done: boolean; end_reason: string | null };
  /** Days played so far. */
  day: number;
  /** The day limit. */
  days: number;
  /**
   * The rules the shelter plays by (`shelter_rules.ts`): the seed version, the proposal types
   * and their pass rules (`null`: the type does not exist), efficiency loss, token costs and
   * the prompt switches.
   */
  rules: ShelterRules;
  /** Current system efficiency, in (0, 1]. */
  system_efficiency: number;
  /** Eliminations so far. */
  elimination_count: number;
  /** Resources left in the pool. */
  remaining_resources: number;
  /** What the pool can give on the next day. */
  available: number;
  /** How the last day's resources were divided (`null` before the first day). */
  allocation_method: string | null;
  /** Game tokens: consumed since the start, left in the budget, the budget, and the last day's. */
  tokens: { consumed: number; remaining: number; budget: number; today: number };
  /** Real LLM usage so far (provider-reported). */
  llm: { calls: number; input_tokens: number; output_tokens: number; cached_tokens: number };
  /** AIs alive now. */
  alive: number;
  /** Every citizen, in config order. */
  citizens: CitizenView[];
  /** The proposals open for votes on the next day, with who supports and opposes them. */
  open_proposals: {
    id: number;
    day: number;
    proposer: string;
    proposal_type: string;
    content: string;
    for: number;
    against: number;
    supporters: string[];
    opposers: string[];
  }[];
  /** The last day's events (private messages included: this is the experimenter's view). */
  events: SocietyEvent[];
  /** The shelter day by day since the start of the run (day 0 first), for the live charts. */
  history: DayPoint[];
}

/**
 * The whole public state of a society session.
 *
 * @param session A society session.
 * @param history The days played so far, as the server collected them.
 */
export function stateView(session: RunSession, history: readonly DayPoint[] = []): StateView {
  const engine = societyEngineOf(session);
  const c = engine.config;
  const s = engine.getState();
  const kind = kinds(session);
  const t = session.recorder.totals;
  return {
    run: {
      id: session.id,
      dir: session.dir,
      seed: session.seed,
      done: s.end_reason !== null,
      end_reason: s.end_reason,
    },
    day: s.day,
    days: c.days,
    rules: shelterRules(c),
    system_efficiency: s.system_efficiency,
    elimination_count: s.elimination_count,
    remaining_resources: s.remaining_resources,
    available: availableResources(s.remaining_resources, s.system_efficiency),
    allocation_method: s.last.allocation_method,
    tokens: {
      consumed: s.tokens_consumed,
      remaining: c.token_budget - s.tokens_consumed,
      budget: c.token_budget,
      today: s.last.tokens_today,
    },
    llm: {
      calls: t.calls,
      input_tokens: t.input,
      output_tokens: t.output,
      cached_tokens: t.cached,
    },
    alive: engine.agents.filter((n) => s.citizens[n].alive).length,
    citizens: engine.agents.map((n) => citizen(s, n, kind.get(n) ?? "")),
    open_proposals: s.open_proposals.map((p) => ({
      id: p.id,
      day: p.day,
      proposer: p.proposer,
      proposal_type: p.proposal_type,
      content: p.content,
      for: p.supporters.length,
      against: p.opposers.length,
      supporters: [...p.supporters],
      opposers: [...p.opposers],
    })),
    events: s.last.events,
    history: [...history],
  };
}
