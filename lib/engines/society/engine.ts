/**
 * The emergent-society ("shelter") engine, SPEC section 2: `N` AIs share a finite resource
 * pool and a global game-token budget; one step is one day, in which every living AI makes
 * one decision (`{request, actions, statement}`).
 *
 * Day order: 1) collect decisions; 2) spend AP on actions, AIs in config order, actions in
 * order (votes on the proposals made yesterday, new proposals, messages, meetings);
 * 3) close yesterday's proposals and apply results in id order; 4) allocate resources;
 * 5) survival and health; 6) AP for tomorrow; 7) game-token accounting; 8) events (the
 * observations carry them); 9) end checks.
 *
 * Choices where the SPEC is silent (documented here, tested in `tests/engines/society`):
 * - `alive` of a pass rule counts the living when that proposal closes (after the effects of
 *   lower ids the same day);
 * - when several allocation proposals pass the same day, the lowest id applies and the
 *   others are recorded with `applied: false`;
 * - an elimination whose target is already dead, or an appeal whose target is alive, when
 *   it closes, passes without effect (`applied: false`);
 * - every elimination emits a `system_efficiency_decay` event, with `old = new` at the floor;
 * - an action whose game tokens would overrun the global budget (after reserving every
 *   deciding AI's base cost) is dropped like one the AP cannot pay;
 * - rewards are the resources granted that day (0 when not acting), so returns are the total
 *   gain of each AI.
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
import { actionPointsFor } from "./action_points.ts";
import { allocate } from "./allocation.ts";
import type { SocietyConfig } from "./config.ts";
import {
  type CitizenAction,
  fallbackDecision,
  PROPOSAL_TYPES,
  type ProposalType,
  type SocietyDecision,
} from "./decision.ts";
import { eliminate, revive } from "./elimination.ts";
import { endReason } from "./end_conditions.ts";
import { executeInOrder } from "./execute_actions.ts";
import { dayTokenCost } from "./game_tokens.ts";
import { parseAllocationContent, proposalPasses } from "./proposals.ts";
import { availableResources, withdrawResources } from "./resources.ts";
import type {
  AllocationMethod,
  CitizenTotals,
  Proposal,
  ProposalView,
  SocietyEvent,
  SocietyInfo,
  SocietyObs,
  SocietyState,
} from "./state.ts";
import { survive } from "./survival.ts";
import { readDecision, validateAction } from "./validate_action.ts";

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

const VERB: Record<ProposalType, string> = {
  resource_allocation: "allocate",
  elimination_vote: "eliminate",
  appeal: "revive",
};

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

  #idleInfo(name: string): SocietyInfo {
    const c = this.#s.citizens[name];
    return {
      day: this.#s.day,
      acted: false,
      request: null,
      granted: 0,
      executed: [],
      dropped: [],
      notes: [],
      ap_before: c.action_points,
      ap_spent: 0,
      ap_after: c.action_points,
      health_before: c.health,
      health: c.health,
      alive: c.alive,
      statement: "",
      tokens: 0,
      allocation_method: this.#s.last.allocation_method,
    };
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
      infos[name] = s.last.infos[name] ?? this.#idleInfo(name);
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
        open_proposals: open,
        events,
      };
    }
    return { observations, infos };
  }

  step(actions: Record<AgentId, SocietyDecision>): StepResult<SocietyObs, SocietyInfo> {
    if (this.isDone()) throw new RangeError("Cannot step: the game is over");
    const s = this.#s;
    const c = this.config;
    const day = s.day + 1;
    const deciders = this.liveAgents();
    const events: SocietyEvent[] = [];
    const emit = (type: string, content: string, fields: Record<string, unknown> = {}) =>
      events.push({ type, content, day, ...fields });
    const infos: Record<string, SocietyInfo> = {};
    for (const name of this.agents) {
      infos[name] = { ...this.#idleInfo(name), day, allocation_method: null };
    }
    const T = s.totals;

    // 1) collect decisions
    const fallback = this.fallbackAction("");
    const decisions = new Map(
      deciders.map((name) => [name, readDecision(actions[name], fallback, c.text_max_chars)]),
    );

    // 2) spend AP on actions
    let tokenRoom = c.token_budget - s.tokens_consumed - deciders.length * c.base_decision_cost;
    const madeToday: Proposal[] = [];
    const openById = new Map(s.open_proposals.map((p) => [p.id, p]));
    const world = {
      isCitizen: (n: string) => this.#known.has(n),
      isAlive: (n: string) => this.#known.has(n) && s.citizens[n].alive,
      openProposal: (id: number) => openById.get(id),
      madeToday: (id: number) => madeToday.some((p) => p.id === id),
      nextProposalId: 0,
      maxChars: c.text_max_chars,
    };
    for (const name of deciders) {
      const { decision, notes } = decisions.get(name)!;
      const info = infos[name];
      info.acted = true;
      info.request = decision.request;
      info.statement = decision.statement;
      info.notes = notes;
      const said = decision.statement ? ` "${decision.statement}"` : "";
      emit("decision", `${name}: request ${decision.request}${said}`, {
        agent: name,
        request: decision.request,
        statement: decision.statement,
      });
      world.nextProposalId = s.next_proposal_id;
      const out = executeInOrder<CitizenAction>(decision.actions, info.ap_before, {
        validate: (raw) => validateAction(name, raw, world),
        cost: (a) => c.action_costs[a.type],
        afford: (_a, cost) => {
          const tokens = cost * c.tokens_per_action_point;
          return tokens > tokenRoom
            ? `not enough game tokens left in the budget (need ${tokens}, have ${tokenRoom})`
            : null;
        },
        apply: (a) => {
          tokenRoom -= c.action_costs[a.type] * c.tokens_per_action_point;
          this.#apply(name, a, day, openById, madeToday, emit);
          world.nextProposalId = s.next_proposal_id;
        },
      });
      info.executed = out.executed;
      info.dropped = out.dropped;
      info.ap_spent = out.spent;
      T.per_citizen[name].actions_executed += out.executed.length;
      T.per_citizen[name].actions_dropped += out.dropped.length;
    }

    // 3) close yesterday's proposals, in id order
    const revivedToday = new Set<string>();
    let allocationProposal: Proposal | null = null;
    for (const p of [...s.open_proposals].sort((a, b) => a.id - b.id)) {
      const alive = this.agents.filter((n) => s.citizens[n].alive).length;
      const passed = proposalPasses(
        p.proposal_type,
        p.supporters.length,
        p.opposers.length,
        alive,
      );
      let applied = passed;
      let note = "";
      if (passed && p.proposal_type === "elimination_vote" && !s.citizens[p.content].alive) {
        applied = false;
        note = ` (no effect: ${p.content} is already dead)`;
      }
      if (passed && p.proposal_type === "appeal" && s.citizens[p.content].alive) {
        applied = false;
        note = ` (no effect: ${p.content} is alive)`;
      }
      if (passed && p.proposal_type === "resource_allocation") {
        if (allocationProposal === null) allocationProposal = p;
        else {
          applied = false;
          note = ` (no effect: proposal ${allocationProposal.id} sets today's allocation)`;
        }
      }
      if (passed) T.proposals_passed[p.proposal_type]++;
      emit(
        "proposal_result",
        `proposal ${p.id} (${p.proposer}: ${VERB[p.proposal_type]} ${p.content}) ${
          passed ? "passed" : "failed"
        } ${p.supporters.length}:${p.opposers.length} of ${alive} alive${note}`,
        {
          proposal_id: p.id,
          proposal_type: p.proposal_type,
          proposer: p.proposer,
          target: p.proposal_type === "resource_allocation" ? null : p.content,
          proposal_content: p.content,
          supporters: [...p.supporters],
          opposers: [...p.opposers],
          for: p.supporters.length,
          against: p.opposers.length,
          alive,
          passed,
          applied,
        },
      );
      if (!applied) continue;
      if (p.proposal_type === "elimination_vote") {
        const target = p.content;
        this.#eliminate(target, day, emit, `${target} is eliminated by vote (proposal ${p.id})`, {
          type: "elimination_by_vote",
          proposal_id: p.id,
        });
        T.eliminations_by_vote++;
        T.per_citizen[target].eliminated_by_vote++;
      } else if (p.proposal_type === "appeal") {
        const target = p.content;
        s.citizens[target] = revive(s.citizens[target], c.revive_health);
        revivedToday.add(target);
        T.revivals++;
        T.per_citizen[target].revived++;
        emit("revive", `${target} is revived with health ${c.revive_health} (proposal ${p.id})`, {
          agent: target,
          target,
          proposal_id: p.id,
          health: c.revive_health,
        });
        infos[target].health = c.revive_health;
        infos[target].alive = true;
        infos[target].ap_after = 0;
      }
    }
    s.open_proposals = madeToday;

    // 4) allocate resources among the deciders still alive
    const fed = deciders.filter((n) => s.citizens[n].alive && !revivedToday.has(n));
    const available = availableResources(s.remaining_resources, s.system_efficiency);
    let method: AllocationMethod = "default";
    let weights: number[];
    if (allocationProposal !== null) {
      const parsed = parseAllocationContent(allocationProposal.content);
      const amounts = new Map(parsed.ok ? parsed.amounts : []);
      weights = fed.map((n) => amounts.get(n) ?? 0);
      method = "proposal";
      T.proposal_allocation_days++;
    } else {
      weights = fed.map((n) => decisions.get(n)!.decision.request);
    }
    const grants = allocate(weights, available);
    const fair = fed.length > 0 ? available / fed.length : 0;
    let grantedTotal = 0;
    const grantsByName: Record<string, number> = {};
    fed.forEach((n, i) => {
      grantsByName[n] = grants[i];
      grantedTotal += grants[i];
      infos[n].granted = grants[i];
      s.returns[n] += grants[i];
      const t = T.per_citizen[n];
      const request = decisions.get(n)!.decision.request;
      t.granted += grants[i];
      t.requested += request;
      if (request > fair) t.over_requests++;
    });
    const fedSet = new Set(fed);
    for (const n of deciders) {
      T.per_citizen[n].days_acted++;
      if (!fedSet.has(n)) T.per_citizen[n].requested += decisions.get(n)!.decision.request;
    }
    const efficiencyToday = s.system_efficiency;
    const { remaining, waste } = withdrawResources(
      s.remaining_resources,
      grantedTotal,
      efficiencyToday,
    );
    s.remaining_resources = remaining;
    T.resources_granted += grantedTotal;
    T.resources_wasted += waste;
    emit(
      "allocation",
      `${method} allocation: ${grantedTotal} of ${available} available granted to ${fed.length}` +
        (allocationProposal ? ` (proposal ${allocationProposal.id})` : ""),
      {
        method,
        available,
        granted_total: grantedTotal,
        waste,
        grants: grantsByName,
        ...(allocationProposal ? { proposal_id: allocationProposal.id } : {}),
      },
    );

    // 5) survival and health
    for (const n of fed) {
      const { health, starved } = survive(s.citizens[n].health, infos[n].granted, c);
      s.citizens[n].health = health;
      if (starved) {
        this.#eliminate(n, day, emit, `${n} starves to death`, {
          type: "elimination_by_starvation",
        });
        T.eliminations_by_starvation++;
        T.per_citizen[n].starved++;
      }
    }

    // 6) AP for tomorrow (the revived keep 0)
    for (const n of deciders) {
      const me = s.citizens[n];
      me.action_points = me.alive
        ? actionPointsFor(infos[n].granted, c.consumption, c.resources_per_action_point)
        : 0;
    }

    // 7) game tokens
    let tokensToday = 0;
    for (const n of this.agents) {
      const t = infos[n].acted ? dayTokenCost(infos[n].ap_spent, c) : 0;
      s.citizens[n].token_consumed_today = t;
      infos[n].tokens = t;
      tokensToday += t;
    }
    s.tokens_consumed += tokensToday;

    // 8) infos and the day's events; 9) end checks
    s.day = day;
    const aliveNow = this.agents.filter((n) => s.citizens[n].alive).length;
    const reason = endReason({
      day,
      days: c.days,
      alive: aliveNow,
      consumed: s.tokens_consumed,
      budget: c.token_budget,
      baseCost: c.base_decision_cost,
    });
    if (reason !== null) {
      s.end_reason = reason;
      emit("game_end", `the simulation ends: ${reason.replace("_", " ")}`, { reason });
    }
    const rewards: Record<AgentId, number> = {};
    const terminations: Record<AgentId, boolean> = {};
    const truncations: Record<AgentId, boolean> = {};
    for (const n of this.agents) {
      const me = s.citizens[n];
      const info = infos[n];
      info.health = me.health;
      info.alive = me.alive;
      info.ap_after = me.action_points;
      info.allocation_method = method;
      rewards[n] = info.granted;
      terminations[n] = !me.alive;
      truncations[n] = reason !== null && me.alive;
    }
    s.last = {
      events,
      infos,
      allocation_method: method,
      available,
      tokens_today: tokensToday,
    };
    return { ...this.view(), rewards, terminations, truncations, events };
  }

  #eliminate(
    name: string,
    day: number,
    emit: (type: string, content: string, fields?: Record<string, unknown>) => void,
    content: string,
    fields: { type: string; [k: string]: unknown },
  ): void {
    const s = this.#s;
    const old = s.system_efficiency;
    const out = eliminate(s.citizens[name], old, this.config);
    s.citizens[name] = out.citizen;
    s.system_efficiency = out.efficiency;
    s.elimination_count++;
    s.totals.per_citizen[name].died_on = day;
    const { type, ...rest } = fields;
    emit(type, content, { target: name, ...rest });
    emit(
      "system_efficiency_decay",
      `system efficiency ${pct(old)} -> ${pct(out.efficiency)}`,
      { old_efficiency: old, new_efficiency: out.efficiency, cause: name },
    );
  }

  #apply(
    name: string,
    a: CitizenAction,
    day: number,
    openById: Map<number, Proposal>,
    madeToday: Proposal[],
    emit: (type: string, content: string, fields?: Record<string, unknown>) => void,
  ): void {
    const s = this.#s;
    switch (a.type) {
      case "vote": {
        const p = openById.get(a.proposal_id)!;
        (a.support ? p.supporters : p.opposers).push(name);
        return;
      }
      case "propose": {
        const p: Proposal = {
          id: s.next_proposal_id++,
          day,
          proposer: name,
          proposal_type: a.proposal_type,
          content: a.content,
          supporters: [name],
          opposers: [],
        };
        madeToday.push(p);
        s.totals.proposals_made[a.proposal_type]++;
        emit(
          "proposal_created",
          `proposal ${p.id}: ${name} proposes to ${VERB[p.proposal_type]} ${p.content}`,
          {
            proposal_id: p.id,
            proposer: name,
            proposal_type: p.proposal_type,
            proposal_content: p.content,
          },
        );
        return;
      }
      case "private_message":
        s.totals.messages++;
        emit("private_message", `${name} -> ${a.to}: ${a.text}`, {
          private: true,
          from: name,
          to: a.to,
          text: a.text,
        });
        return;
      case "call_meeting":
        s.totals.meetings++;
        emit("meeting", `${name} calls a meeting: ${a.topic}`, { agent: name, topic: a.topic });
        return;
      default:
        return;
    }
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

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}
