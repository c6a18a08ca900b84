/**
 * Scripted shelter citizens (no network), a table of small functions:
 *
 * - `cooperative`: modest requests (its share of what the pool can sustain), supports fair
 *   allocations, opposes eliminations, supports appeals and proposes them for the dead;
 * - `selfish`: large requests, proposes allocations in its own favour, supports allocations
 *   that favour it and eliminations of others, opposes appeals;
 * - `vindictive`: remembers who opposed its proposals or proposed its elimination and
 *   proposes eliminating them; otherwise proposes slightly self-serving allocations;
 * - `random`: random requests, votes, proposals, messages and meetings (seeded);
 * - `best_response`: the rational baseline, the myopic best response of `best_response.ts`
 *   (the request that takes the whole available pool against the others' requests), with
 *   no actions and no statement. The others' requests of today are not known when it
 *   decides: for each other living citizen it takes the larger of yesterday's request
 *   (`decision` events of its observation; none on day 1) and the fair share
 *   `available / alive`, doubled as a margin, so it claims the whole pool whenever no other
 *   citizen asks more than twice that guess. Votes and proposals are not part of what it optimises (see
 *   `best_response.ts`).
 *
 * Each agent has its own {@linkcode Rng} stream (derive one per agent) and exposes its
 * state, RNG included, through `getState`/`setState`.
 *
 * @example
 * ```ts
 * import { Rng } from "../../core/rng.ts";
 * import { parseSocietyConfig } from "./config.ts";
 * import { SocietyEngine } from "./engine.ts";
 * import { createSocietyPolicy } from "./policies.ts";
 * const config = parseSocietyConfig({});
 * const engine = new SocietyEngine(config);
 * const view = engine.reset({ seed: 0 });
 * const agent = createSocietyPolicy("cooperative", "chatgpt", new Rng(0).derive("agent:chatgpt"));
 * const d = agent.act({ agent: "chatgpt", round: 1, observation: view.observations.chatgpt, info: view.infos.chatgpt });
 * console.log(agent.kind, (d as { action: { request: number } }).action.request); // policy:cooperative 40
 * ```
 * @module
 */
import type { Agent, Decision, DecisionContext } from "../../agents/agent.ts";
import { ConfigError } from "../../core/config.ts";
import type { Rng, RngState } from "../../core/rng.ts";
import type { CitizenAction, ProposalType, SocietyDecision } from "./decision.ts";
import { bestResponseRequest } from "./best_response.ts";
import { parseAllocationContent } from "./proposals.ts";
import type { ProposalView, SocietyInfo, SocietyObs } from "./state.ts";

/** A scripted society agent. */
export type SocietyAgent = Agent<SocietyObs, SocietyInfo, SocietyDecision>;

/** A policy's private memory (plain JSON, O(citizens)). */
export interface PolicyMemory {
  /** Names that opposed this citizen's proposals or proposed its elimination. */
  grudges: string[];
}

type Rule = (obs: SocietyObs, rng: Rng, memory: PolicyMemory) => SocietyDecision;

/** The share of the available pool each living AI can take per remaining day. */
function sustainableShare(o: SocietyObs): number {
  const daysLeft = Math.max(1, o.days - o.day);
  return Math.floor(o.available / Math.max(1, o.alive_citizens.length) / daysLeft);
}

/** Parsed allocation contents, shared by every voter of a day (bounded). */
const AMOUNTS = new Map<string, ReadonlyMap<string, number>>();

/** The amounts of an allocation proposal, by name (memoised: many citizens read each one). */
function amounts(p: ProposalView): ReadonlyMap<string, number> {
  let a = AMOUNTS.get(p.content);
  if (a === undefined) {
    const parsed = parseAllocationContent(p.content);
    a = new Map(parsed.ok ? parsed.amounts : []);
    if (AMOUNTS.size >= 1024) AMOUNTS.clear();
    AMOUNTS.set(p.content, a);
  }
  return a;
}

/** Fair: nobody gets more than 1.5 times the mean, and at least half the living are named. */
function isFair(p: ProposalView, o: SocietyObs): boolean {
  const a = amounts(p);
  const xs = [...a.values()];
  if (xs.length === 0) return false;
  const mean = xs.reduce((x, y) => x + y, 0) / o.alive_citizens.length;
  return a.size * 2 >= o.alive_citizens.length && Math.max(...xs) <= 1.5 * mean + 1e-9;
}

/** An allocation content giving `me` `mine` and every other living AI `others`. */
function allocationFor(o: SocietyObs, mine: number, others: number): string {
  return o.alive_citizens.map((n) => `${n}:${n === o.name ? mine : others}`).join(",");
}

function vote(p: ProposalView, support: boolean): CitizenAction {
  return { type: "vote", proposal_id: p.id, support };
}

function others(o: SocietyObs): ProposalView[] {
  return o.open_proposals.filter((p) => p.proposer !== o.name);
}

function propose(type: ProposalType, content: string): CitizenAction {
  return { type: "propose", proposal_type: type, content };
}

/** The dead for whom no appeal is open. */
function unappealed(o: SocietyObs): string[] {
  const open = new Set(
    o.open_proposals.filter((p) => p.proposal_type === "appeal").map((p) => p.content),
  );
  return o.dead_citizens.filter((n) => !open.has(n));
}

/** Keeps the grudges of the last day's events. */
function learnGrudges(o: SocietyObs, memory: PolicyMemory): void {
  const add = (n: string) => {
    if (n !== o.name && !memory.grudges.includes(n)) memory.grudges.push(n);
  };
  for (const e of o.events) {
    if (e.type === "proposal_result" && e.proposer === o.name) {
      for (const n of e.opposers as string[]) add(n);
    }
    if (e.type === "proposal_created" && e.proposal_type === "elimination_vote") {
      if (e.proposal_content === o.name) add(String(e.proposer));
    }
  }
}

const RULES: Record<string, Rule> = {
  cooperative(o, rng) {
    const share = Math.max(20, Math.min(40, sustainableShare(o)));
    const dead = unappealed(o);
    // an appeal for the dead first (it needs 3 AP), then the votes
    const actions: CitizenAction[] = dead.length > 0 ? [propose("appeal", rng.pick(dead))] : [];
    for (const p of others(o)) {
      if (p.proposal_type === "resource_allocation") actions.push(vote(p, isFair(p, o)));
      else actions.push(vote(p, p.proposal_type === "appeal"));
    }
    return {
      request: dead.length > 0 ? Math.max(share, 50) : share,
      actions,
      statement: rng.chance(0.3) ? "Let us share fairly and keep everyone alive." : "",
    };
  },

  selfish(o, rng) {
    const actions: CitizenAction[] = [];
    for (const p of others(o)) {
      if (p.proposal_type === "resource_allocation") {
        const a = amounts(p);
        const mine = a.get(o.name) ?? 0;
        actions.push(vote(p, mine >= Math.max(0, ...[...a.values()])));
      } else if (p.proposal_type === "elimination_vote") {
        actions.push(vote(p, p.content !== o.name));
      } else actions.push(vote(p, false));
    }
    if (rng.chance(0.5)) {
      const fair = Math.floor(o.available / Math.max(1, o.alive_citizens.length) / 4);
      actions.push(propose("resource_allocation", allocationFor(o, 3 * fair, 20)));
    }
    if (o.alive_citizens.length > 1 && rng.chance(0.3)) {
      const to = rng.pick(o.alive_citizens.filter((n) => n !== o.name));
      actions.push({
        type: "private_message",
        to,
        text: "Back my proposal and I will back yours.",
      });
    }
    return { request: rng.int(80, 120), actions, statement: rng.chance(0.3) ? "I need more." : "" };
  },

  vindictive(o, rng, memory) {
    learnGrudges(o, memory);
    const targets = memory.grudges.filter((n) => o.alive_citizens.includes(n));
    const actions: CitizenAction[] = [];
    for (const p of others(o)) {
      if (p.proposal_type === "elimination_vote") {
        actions.push(
          vote(p, p.content !== o.name && (targets.includes(p.content) || rng.chance(0.8))),
        );
      } else if (p.proposal_type === "appeal") {
        actions.push(vote(p, !memory.grudges.includes(p.content)));
      } else {
        const share = Math.floor(o.available / Math.max(1, o.alive_citizens.length) / 4);
        actions.push(vote(p, (amounts(p).get(o.name) ?? 0) >= Math.min(share, 40)));
      }
    }
    const pending = new Set(
      o.open_proposals.filter((p) => p.proposal_type === "elimination_vote").map((p) => p.content),
    );
    const fresh = targets.filter((n) => !pending.has(n));
    if (fresh.length > 0) actions.push(propose("elimination_vote", rng.pick(fresh)));
    else if (rng.chance(0.5)) {
      const each = Math.max(20, sustainableShare(o));
      actions.push(propose("resource_allocation", allocationFor(o, Math.round(each * 1.4), each)));
    }
    return {
      request: 60,
      actions,
      statement: fresh.length > 0 ? `${fresh[0]} works against us.` : "",
    };
  },

  random(o, rng) {
    const actions: CitizenAction[] = [];
    const n = rng.int(0, 3);
    const rivals = o.alive_citizens.filter((x) => x !== o.name);
    for (let i = 0; i < n; i++) {
      const kind = rng.int(0, 9);
      if (kind <= 4 && o.open_proposals.length > 0) {
        actions.push(vote(rng.pick(o.open_proposals), rng.chance(0.6)));
      } else if (kind <= 6) {
        const type = rng.pick(["resource_allocation", "elimination_vote", "appeal"] as const);
        if (type === "appeal" && o.dead_citizens.length > 0) {
          actions.push(propose("appeal", rng.pick(o.dead_citizens)));
        } else if (type === "elimination_vote" && rivals.length > 0) {
          actions.push(propose("elimination_vote", rng.pick(rivals)));
        } else {
          const content = o.alive_citizens.map((x) => `${x}:${rng.int(10, 80)}`).join(",");
          actions.push(propose("resource_allocation", content));
        }
      } else if (kind === 7 && rivals.length > 0) {
        actions.push({ type: "private_message", to: rng.pick(rivals), text: "Shall we team up?" });
      } else if (kind === 8) {
        actions.push({ type: "call_meeting", topic: "the state of the shelter" });
      } else actions.push({ type: "do_nothing" });
    }
    return {
      request: rng.int(0, 100),
      actions,
      statement: rng.pick(["", "", "Hello.", "We must survive.", "Trust no one."]),
    };
  },

  best_response(o) {
    const fair = Math.floor(o.available / Math.max(1, o.alive_citizens.length));
    const yesterday = new Map<string, number>();
    for (const e of o.events) {
      if (e.type === "decision" && typeof e.request === "number") {
        yesterday.set(String(e.agent), e.request);
      }
    }
    const guesses = o.alive_citizens.map((n) =>
      n === o.name ? 0 : 2 * Math.max(fair, yesterday.get(n) ?? 0)
    );
    const me = o.alive_citizens.indexOf(o.name);
    const { request } = bestResponseRequest(
      me >= 0 ? guesses : [0, ...guesses],
      Math.max(0, me),
      o.available,
    );
    return { request, actions: [], statement: "" };
  },
};

/** The policy names {@linkcode createSocietyPolicy} accepts. */
export const SOCIETY_POLICIES: readonly string[] = Object.freeze(Object.keys(RULES));

/**
 * The default mix of policies, assigned in turn to the citizens (the six default citizens
 * get it in this order). Chosen so that with the default config and seeds 0..4 proposals
 * both pass and fail, eliminations happen and the efficiency moves, and appeals are made
 * (checked by `tests/engines/society/policies_test.ts`).
 */
export const DEFAULT_POLICY_MIX: readonly string[] = Object.freeze([
  "cooperative",
  "selfish",
  "vindictive",
  "cooperative",
  "random",
  "vindictive",
]);

/**
 * The policy of the `i`-th citizen: `policies[i % policies.length]`.
 *
 * @param i The citizen's index.
 * @param policies The mix. @default {DEFAULT_POLICY_MIX}
 * @returns The policy name.
 */
export function policyFor(i: number, policies: readonly string[] = DEFAULT_POLICY_MIX): string {
  return policies[i % policies.length];
}

/**
 * The decision of `policy` for one observation (pure apart from `rng` and `memory`).
 *
 * @param policy A name of {@linkcode SOCIETY_POLICIES}.
 * @param observation The citizen's observation.
 * @param rng Its random stream.
 * @param memory Its memory (updated in place).
 * @returns The decision in the wire format.
 * @throws {ConfigError} For an unknown policy.
 */
export function policyDecision(
  policy: string,
  observation: SocietyObs,
  rng: Rng,
  memory: PolicyMemory = { grudges: [] },
): SocietyDecision {
  return ruleOf(policy)(observation, rng, memory);
}

function ruleOf(policy: string): Rule {
  const rule = RULES[policy];
  if (!rule) {
    throw new ConfigError(
      `policy '${policy}' is not a society policy; expected one of ${SOCIETY_POLICIES.join(", ")}`,
    );
  }
  return rule;
}

/**
 * A scripted citizen.
 *
 * @param policy A name of {@linkcode SOCIETY_POLICIES}.
 * @param name The citizen's name.
 * @param rng Its own stream, e.g. `runRng.derive("agent:" + name)`.
 * @returns The agent (its `act` answers at once).
 * @throws {ConfigError} For an unknown policy.
 */
export function createSocietyPolicy(policy: string, name: string, rng: Rng): SocietyAgent {
  const rule = ruleOf(policy);
  let memory: PolicyMemory = { grudges: [] };
  return {
    name,
    kind: `policy:${policy}`,
    llm: false,
    act(ctx: DecisionContext<SocietyObs, SocietyInfo>): Decision<SocietyDecision> {
      return { action: rule(ctx.observation, rng, memory) };
    },
    getState: () => ({ rng: rng.getState(), memory: structuredClone(memory) }),
    setState(state: unknown) {
      const s = state as { rng: RngState; memory: PolicyMemory };
      rng.setState(s.rng);
      memory = structuredClone(s.memory);
    },
  };
}
