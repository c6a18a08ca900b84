/**
 * The scripted society policies as they were before the crowd scaling and the shared
 * per-day indices of `policy_views.ts` (a straightforward scan of the observation per
 * citizen): the reference `scale_test.ts` holds the policies to, so that up to `CROWD`
 * living citizens every decision (and every random draw) is unchanged.
 *
 * @module
 */
import type { Rng } from "../../../lib/core/rng.ts";
import { bestResponseRequest } from "../../../lib/engines/society/best_response.ts";
import type {
  CitizenAction,
  ProposalType,
  SocietyDecision,
} from "../../../lib/engines/society/decision.ts";
import type { PolicyMemory } from "../../../lib/engines/society/policies.ts";
import { parseAllocationContent } from "../../../lib/engines/society/proposals.ts";
import type { ProposalView, SocietyObs } from "../../../lib/engines/society/state.ts";

type Rule = (obs: SocietyObs, rng: Rng, memory: PolicyMemory) => SocietyDecision;

function sustainableShare(o: SocietyObs): number {
  const daysLeft = Math.max(1, o.days - o.day);
  return Math.floor(o.available / Math.max(1, o.alive_citizens.length) / daysLeft);
}

function amounts(p: ProposalView): ReadonlyMap<string, number> {
  const parsed = parseAllocationContent(p.content);
  return new Map(parsed.ok ? parsed.amounts : []);
}

function isFair(p: ProposalView, o: SocietyObs): boolean {
  const a = amounts(p);
  const xs = [...a.values()];
  if (xs.length === 0) return false;
  const mean = xs.reduce((x, y) => x + y, 0) / o.alive_citizens.length;
  return a.size * 2 >= o.alive_citizens.length && Math.max(...xs) <= 1.5 * mean + 1e-9;
}

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

function unappealed(o: SocietyObs): string[] {
  const open = new Set(
    o.open_proposals.filter((p) => p.proposal_type === "appeal").map((p) => p.content),
  );
  return o.dead_citizens.filter((n) => !open.has(n));
}

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

function randomAction(o: SocietyObs, rng: Rng, rivals: string[]): CitizenAction {
  const kind = rng.int(0, 9);
  if (kind <= 4 && o.open_proposals.length > 0) {
    return vote(rng.pick(o.open_proposals), rng.chance(0.6));
  } else if (kind <= 6) {
    const type = rng.pick(["resource_allocation", "elimination_vote", "appeal"] as const);
    if (type === "appeal" && o.dead_citizens.length > 0) {
      return propose("appeal", rng.pick(o.dead_citizens));
    } else if (type === "elimination_vote" && rivals.length > 0) {
      return propose("elimination_vote", rng.pick(rivals));
    }
    const content = o.alive_citizens.map((x) => `${x}:${rng.int(10, 80)}`).join(",");
    return propose("resource_allocation", content);
  } else if (kind === 7 && rivals.length > 0) {
    return { type: "private_message", to: rng.pick(rivals), text: "Shall we team up?" };
  } else if (kind === 8) {
    return { type: "call_meeting", topic: "the state of the shelter" };
  }
  return { type: "do_nothing" };
}

/** The reference rules, by policy name. */
export const REFERENCE_RULES: Record<string, Rule> = {
  cooperative(o, rng) {
    const share = Math.max(20, Math.min(40, sustainableShare(o)));
    const dead = unappealed(o);
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
    for (let i = 0; i < n; i++) actions.push(randomAction(o, rng, rivals));
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
