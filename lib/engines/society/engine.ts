/**
 * The emergent-society ("shelter") engine, SPEC section 2: `N` AIs share a finite resource
 * pool and a global game-token budget; one step is one day, in which every living AI makes
 * one decision (`{request, actions, statement}`).
 *
 * Day order, one phase per file (the context they share is `day.ts`):
 * 1) `collect_decisions.ts`; 2) `spend_action_points.ts`: AIs in config order, actions in
 * order (votes on the proposals made yesterday, new proposals, messages, meetings; their
 * effects in `apply_action.ts`); 3) `close_proposals.ts`: yesterday's proposals in id order
 * (pass rules in `proposals.ts`, passes without effect in `no_effect.ts`, eliminations and
 * revivals in `elimination.ts`); 4) `allocate_resources.ts`; 5) `survive_day.ts`;
 * 6) `grant_action_points.ts`; 7) `charge_game_tokens.ts`; 8) events (the observations carry
 * them) and 9) end checks: `end_day.ts`.
 *
 * Choices where the SPEC is silent (documented here, tested in `tests/engines/society`):
 * - `alive` of a pass rule counts the living when that proposal closes (after the effects of
 *   lower ids the same day);
 * - when several allocation proposals pass the same day, the lowest id applies and the
 *   others are recorded with `applied: false` (`no_effect.ts`);
 * - an elimination whose target is already dead, or an appeal whose target is alive, when
 *   it closes, passes without effect (`applied: false`, `no_effect.ts`);
 * - every elimination emits a `system_efficiency_decay` event, with `old = new` at the floor;
 * - an action whose game tokens would overrun the global budget (after reserving every
 *   deciding AI's base cost) is dropped like one the AP cannot pay;
 * - rewards are the resources granted that day (0 when not acting), so returns are the total
 *   gain of each AI.
 *
 * Scale: a day's work is linear in the citizens plus the actions they send. Votes are
 * tallied per proposal with an index of who has voted (`apply_action.ts`'s book), so a
 * second vote is found in O(1); proposals made today are a range of ids; the count of the
 * living is kept while proposals close. (The scripted policies keep a crowd's proposals and
 * votes bounded, see `policies.ts`; the defaults scale with the citizens, `scaled_defaults.ts`.)
 *
 * Events (each with `type`, `content`, `day`): `decision` (request and statement),
 * `proposal_created`, `private_message` (`private: true`, seen only by `from` and `to`),
 * `meeting`, `proposal_result`, `elimination_by_vote`, `elimination_by_starvation`,
 * `system_efficiency_decay` (`old_efficiency`, `new_efficiency`), `revive` (`agent`,
 * `target`), `allocation` (`method`, `available`, `grants`), `game_end` (`reason`).
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { SocietyEngine } from "./engine.ts";
 * const engine = new SocietyEngine(parseSocietyConfig({ citizens: ["a", "b", "c"], days: 2 }));
 * engine.reset({ seed: 0 });
 * const step = engine.step({
 *   a: { request: 50, actions: [{ type: "propose", proposal_type: "elimination_vote", content: "c" }], statement: "" },
 *   b: { request: 30, actions: [], statement: "hello" },
 *   c: engine.fallbackAction("c"),
 * });
 * console.log(step.rewards); // { a: 50, b: 30, c: 20 }
 * console.log(step.infos.a.ap_after, engine.getState().open_proposals.length); // 3 1
 * ```
 * @module
 */
import type { AgentId, Engine, ResetResult, StepResult } from "../../core/game.ts";
import { allocateResources } from "./allocate_resources.ts";
import { chargeGameTokens } from "./charge_game_tokens.ts";
import { closeProposals } from "./close_proposals.ts";
import { collectDecisions } from "./collect_decisions.ts";
import type { SocietyConfig } from "./config.ts";
import { idleInfo, openDay } from "./day.ts";
import {
  fallbackDecision,
  PROPOSAL_TYPES,
  type ProposalType,
  type SocietyDecision,
} from "./decision.ts";
import { endDay } from "./end_day.ts";
import { grantActionPoints } from "./grant_action_points.ts";
import { availableResources } from "./resources.ts";
import { spendActionPoints } from "./spend_action_points.ts";
import type {
  CitizenTotals,
  ProposalView,
  SocietyInfo,
  SocietyObs,
  SocietyState,
} from "./state.ts";
import { surviveDay } from "./survive_day.ts";

function perType(): Record<ProposalType, number> {
  return Object.fromEntries(PROPOSAL_TYPES.map((t) => [t, 0])) as Record<ProposalType, number>;
}

function freshTotals(): CitizenTotals {
  return {
    requested: 0,
    granted: 0,
    days_acted: 0,
    over_requests: 0,
    eliminated_by_vote: 0,
    starved: 0,
    revived: 0,
    died_on: null,
    actions_executed: 0,
    actions_dropped: 0,
  };
}

/** The society engine; see the module doc. */
export class SocietyEngine
  implements Engine<SocietyDecision, SocietyObs, SocietyInfo, SocietyState> {
  readonly name = "society";
  readonly revives = true;
  readonly agents: readonly AgentId[];
  /** The parsed config the engine was created with. */
  readonly config: SocietyConfig;
  #s: SocietyState;
  #known: Set<string>;

  /**
   * Creates an engine; call `reset` before the first step.
   *
   * @param config A parsed config (see `parseSocietyConfig`).
   */
  constructor(config: SocietyConfig) {
    this.config = config;
    this.agents = Object.freeze([...config.citizens]);
    this.#known = new Set(this.agents);
    this.#s = this.#fresh();
  }

  #fresh(): SocietyState {
    const c = this.config;
    const citizens: SocietyState["citizens"] = {};
    const per: Record<string, CitizenTotals> = {};
    const returns: Record<string, number> = {};
    for (const name of this.agents) {
      citizens[name] = {
        health: c.max_health,
        alive: true,
        action_points: c.initial_action_points,
        token_consumed_today: 0,
      };
      per[name] = freshTotals();
      returns[name] = 0;
    }
    return {
      v: 1,
      day: 0,
      remaining_resources: c.resources,
      system_efficiency: c.initial_efficiency,
      elimination_count: 0,
      tokens_consumed: 0,
      next_proposal_id: 1,
      citizens,
      open_proposals: [],
      end_reason: null,
      last: {
        events: [],
        infos: {},
        allocation_method: null,
        available: 0,
        tokens_today: 0,
      },
      returns,
      totals: {
        per_citizen: per,
        proposals_made: perType(),
        proposals_passed: perType(),
        eliminations_by_vote: 0,
        eliminations_by_starvation: 0,
        revivals: 0,
        resources_granted: 0,
        resources_wasted: 0,
        proposal_allocation_days: 0,
        messages: 0,
        meetings: 0,
      },
    };
  }

  /** Days played. */
  get round(): number {
    return this.#s.day;
  }

  reset(_options: { seed: number }): ResetResult<SocietyObs, SocietyInfo> {
    this.#s = this.#fresh();
    return this.view();
  }

  view(): ResetResult<SocietyObs, SocietyInfo> {
    const s = this.#s;
    const c = this.config;
    const alive = this.agents.filter((n) => s.citizens[n].alive);
    const dead = this.agents.filter((n) => !s.citizens[n].alive);
    const open: ProposalView[] = s.open_proposals.map((p) => ({
      id: p.id,
      proposer: p.proposer,
      proposal_type: p.proposal_type,
      content: p.content,
      for: p.supporters.length,
      against: p.opposers.length,
    }));
    const pub = s.last.events.filter((e) => !e.private);
    const hasPrivate = new Set<string>();
    for (const e of s.last.events) {
      if (e.private) {
        hasPrivate.add(String(e.from));
        hasPrivate.add(String(e.to));
      }
    }
    const available = availableResources(s.remaining_resources, s.system_efficiency);
    const observations: Record<AgentId, SocietyObs> = {};
    const infos: Record<AgentId, SocietyInfo> = {};
    for (const name of this.agents) {
      const me = s.citizens[name];
      const events = hasPrivate.has(name)
        ? s.last.events.filter((e) => !e.private || e.from === name || e.to === name)
        : pub;
      infos[name] = s.last.infos[name] ?? idleInfo(s, name);
      observations[name] = {
        day: s.day,
        days: c.days,
        name,
        health: me.health,
        alive: me.alive,
        action_points: me.action_points,
        granted: infos[name].granted,
        remaining_resources: s.remaining_resources,
        system_efficiency: s.system_efficiency,
        available,
        elimination_count: s.elimination_count,
        alive_citizens: alive,
        dead_citizens: dead,
        tokens_consumed: s.tokens_consumed,
        tokens_remaining: c.token_budget - s.tokens_consumed,
        token_consumed_today: me.token_consumed_today,
        open_proposals: open,
        events,
      };
    }
    return { observations, infos };
  }

  /**
   * Plays one day, the SPEC's phases in order, each a function in a file named after it.
   *
   * @param actions The decision of each living AI (anything else is read leniently).
   * @returns Observations, infos, rewards (resources granted), terminations, truncations
   * and the day's events.
   * @throws {RangeError} When the game is over.
   */
  step(actions: Record<AgentId, SocietyDecision>): StepResult<SocietyObs, SocietyInfo> {
    if (this.isDone()) throw new RangeError("Cannot step: the game is over");
    const d = openDay(this.#s, this.config, this.agents);
    const decisions = collectDecisions(d, actions, this.liveAgents(), this.fallbackAction("")); // 1
    const made = spendActionPoints(d, decisions, this.#known); // 2
    const closed = closeProposals(d, made); // 3
    const allocation = allocateResources(d, decisions, closed); // 4
    surviveDay(d, allocation.fed); // 5
    grantActionPoints(d, decisions.keys()); // 6
    const tokensToday = chargeGameTokens(d); // 7
    const outcome = endDay(d, allocation, tokensToday); // 8, 9
    return { ...this.view(), ...outcome, events: d.events };
  }

  liveAgents(): AgentId[] {
    if (this.isDone()) return [];
    return this.agents.filter((n) => this.#s.citizens[n].alive);
  }

  isDone(): boolean {
    return this.#s.end_reason !== null;
  }

  /** The SPEC's fallback decision: request `fallback_request` (20), no actions, no statement. */
  fallbackAction(_agent: AgentId): SocietyDecision {
    return fallbackDecision(this.config.fallback_request);
  }

  returns(): Record<AgentId, number> {
    return { ...this.#s.returns };
  }

  getState(): SocietyState {
    return structuredClone(this.#s);
  }

  setState(state: SocietyState): void {
    if (state?.v !== 1 || typeof state.citizens !== "object") {
      throw new TypeError("Cannot set state: expected a society state with v: 1");
    }
    for (const name of this.agents) {
      if (!state.citizens[name]) {
        throw new TypeError(`Cannot set state: citizen '${name}' is missing`);
      }
    }
    this.#s = structuredClone(state);
  }
}
