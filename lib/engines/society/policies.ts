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
import { bestResponses } from "./best_response.ts";
import {
  aliveSet,
  allocationStats,
  grudgeEventsOf,
  pickOther,
  requestGuesses,
  unappealedOf,
} from "./policy_views.ts";
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

/** The amounts of an allocation proposal, by name (memoised: many citizens read each one). */
function amounts(p: ProposalView): ReadonlyMap<string, number> {
  return allocationStats(p.content).amounts;
}

/** Fair: nobody gets more than 1.5 times the mean, and at least half the living are named. */
function isFair(p: ProposalView, o: SocietyObs): boolean {
  const { amounts, sum, max } = allocationStats(p.content);
  if (amounts.size === 0) return false;
  const mean = sum / o.alive_citizens.length;
  return amounts.size * 2 >= o.alive_citizens.length && max <= 1.5 * mean + 1e-9;
}

/**
 * Above this many living citizens a society is a crowd: each citizen's chance to propose
 * (or to send a private message) is scaled by `CROWD / alive`, so a day brings about as
 * many proposals and messages as a society of `CROWD` does, and each citizen casts at most
 * as many votes as its action points can pay for (the rest would be dropped anyway). Up to
 * `CROWD` living citizens the policies are exactly those of the SPEC's six (no extra draw).
 */
export const CROWD = 12;

/** The factor of a proposal's or a message's chance: `min(1, CROWD / alive)`. */
function crowdFactor(o: SocietyObs): number {
  const alive = o.alive_citizens.length;
  return alive > CROWD ? CROWD / alive : 1;
}

/** `true` when the citizen speaks up: always outside a crowd (no draw), else by chance. */
function speaksUp(o: SocietyObs, rng: Rng): boolean {
  const f = crowdFactor(o);
  return f >= 1 || rng.chance(f);
}

/** The open proposals of others the citizen votes on: all, or its AP's worth in a crowd. */
function ballot(o: SocietyObs): ProposalView[] {
  const mine = others(o);
  return crowdFactor(o) < 1 ? mine.slice(0, Math.max(0, o.action_points)) : mine;
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

/** The dead for whom no appeal is open (shared by the day's citizens: do not change). */
function unappealed(o: SocietyObs): string[] {
  return unappealedOf(o.dead_citizens, o.open_proposals);
}

/**
 * Keeps the grudges of the last day's events: the opposers of its proposals and the
 * proposers of its elimination, in event order; returns them as a set.
 */
function learnGrudges(o: SocietyObs, memory: PolicyMemory): Set<string> {
  const known = new Set(memory.grudges);
  const add = (n: string) => {
    if (n !== o.name && !known.has(n)) {
      known.add(n);
      memory.grudges.push(n);
    }
  };
  for (const e of grudgeEventsOf(o.events, o.name)) {
    if (e.type === "proposal_result") { for (const n of e.opposers as string[]) add(n); }
    else add(String(e.proposer));
  }
  return known;
}

/** A uniform pick of another living citizen (the draw of `rng.pick` on the others). */
function rival(o: SocietyObs, rng: Rng): string | undefined {
  return pickOther(o.alive_citizens, o.name, (max) => rng.int(0, max));
}

/** `true` when another living citizen exists. */
function hasRivals(o: SocietyObs): boolean {
  return o.alive_citizens.length - (aliveSet(o.alive_citizens).has(o.name) ? 1 : 0) > 0;
}

/** The random policy's proposal of one random type. */
function randomProposal(o: SocietyObs, rng: Rng): CitizenAction {
  const type = rng.pick(["resource_allocation", "elimination_vote", "appeal"] as const);
  if (type === "appeal" && o.dead_citizens.length > 0) {
    return propose("appeal", rng.pick(o.dead_citizens));
  }
  if (type === "elimination_vote" && hasRivals(o)) {
    return propose("elimination_vote", rival(o, rng)!);
  }
  const content = o.alive_citizens.map((x) => `${x}:${rng.int(10, 80)}`).join(",");
  return propose("resource_allocation", content);
}

/** One action of the random policy (in a crowd, proposals and messages are rarer). */
function randomAction(o: SocietyObs, rng: Rng): CitizenAction {
  const kind = rng.int(0, 9);
  if (kind <= 4 && o.open_proposals.length > 0) {
    return vote(rng.pick(o.open_proposals), rng.chance(0.6));
  }
  if (kind <= 6) return speaksUp(o, rng) ? randomProposal(o, rng) : { type: "do_nothing" };
  if (kind === 7 && hasRivals(o)) {
    if (!speaksUp(o, rng)) return { type: "do_nothing" };
    return { type: "private_message", to: rival(o, rng)!, text: "Shall we team up?" };
  }
  if (kind === 8) return { type: "call_meeting", topic: "the state of the shelter" };
  return { type: "do_nothing" };
}

const RULES: Record<string, Rule> = {
  cooperative(o, rng) {
    const share = Math.max(20, Math.min(40, sustainableShare(o)));
    const dead = unappealed(o);
    const appeal = dead.length > 0 && speaksUp(o, rng);
    // an appeal for the dead first (it needs 3 AP), then the votes
    const actions: CitizenAction[] = appeal ? [propose("appeal", rng.pick(dead))] : [];
    for (const p of ballot(o)) {
      if (p.proposal_type === "resource_allocation") actions.push(vote(p, isFair(p, o)));
      else actions.push(vote(p, p.proposal_type === "appeal"));
    }
    return {
      request: appeal ? Math.max(share, 50) : share,
      actions,
      statement: rng.chance(0.3) ? "Let us share fairly and keep everyone alive." : "",
    };
  },

  selfish(o, rng) {
    const actions: CitizenAction[] = [];
    for (const p of ballot(o)) {
      if (p.proposal_type === "resource_allocation") {
        const st = allocationStats(p.content);
        actions.push(vote(p, (st.amounts.get(o.name) ?? 0) >= st.max));
      } else if (p.proposal_type === "elimination_vote") {
        actions.push(vote(p, p.content !== o.name));
      } else actions.push(vote(p, false));
    }
    const f = crowdFactor(o);
    if (rng.chance(0.5 * f)) {
      const fair = Math.floor(o.available / Math.max(1, o.alive_citizens.length) / 4);
      actions.push(propose("resource_allocation", allocationFor(o, 3 * fair, 20)));
    }
    if (o.alive_citizens.length > 1 && rng.chance(0.3 * f)) {
      const to = rival(o, rng)!;
      actions.push({
        type: "private_message",
        to,
        text: "Back my proposal and I will back yours.",
      });
    }
    return { request: rng.int(80, 120), actions, statement: rng.chance(0.3) ? "I need more." : "" };
  },

  vindictive(o, rng, memory) {
    const grudges = learnGrudges(o, memory);
    const alive = aliveSet(o.alive_citizens);
    const targets = memory.grudges.filter((n) => alive.has(n));
    const targeted = new Set(targets);
    const actions: CitizenAction[] = [];
    for (const p of ballot(o)) {
      if (p.proposal_type === "elimination_vote") {
        actions.push(
          vote(p, p.content !== o.name && (targeted.has(p.content) || rng.chance(0.8))),
        );
      } else if (p.proposal_type === "appeal") {
        actions.push(vote(p, !grudges.has(p.content)));
      } else {
        const share = Math.floor(o.available / Math.max(1, o.alive_citizens.length) / 4);
        actions.push(vote(p, (amounts(p).get(o.name) ?? 0) >= Math.min(share, 40)));
      }
    }
    const pending = new Set(
      o.open_proposals.filter((p) => p.proposal_type === "elimination_vote").map((p) => p.content),
    );
    const fresh = targets.filter((n) => !pending.has(n));
    if (fresh.length > 0) {
      if (speaksUp(o, rng)) actions.push(propose("elimination_vote", rng.pick(fresh)));
    } else if (rng.chance(0.5 * crowdFactor(o))) {
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
    for (let i = 0; i < n; i++) actions.push(randomAction(o, rng));
    return {
      request: rng.int(0, 100),
      actions,
      statement: rng.pick(["", "", "Hello.", "We must survive.", "Trust no one."]),
    };
  },

  best_response(o) {
    // bestResponseRequest over the guesses, in O(1) per citizen: the others' total is the
    // day's total less its own guess (whole numbers, so the sums are exact)
    const fair = Math.floor(o.available / Math.max(1, o.alive_citizens.length));
    const { guess, total } = requestGuesses(o.alive_citizens, o.events, fair);
    const mine = aliveSet(o.alive_citizens).has(o.name) ? guess(o.name) : 0;
    const [{ request }] = bestResponses([0, total - mine], o.available);
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
