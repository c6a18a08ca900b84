/**
 * Phase 3 of a day: close yesterday's proposals in id order and apply each result. A
 * proposal's pass rule (`proposals.ts`; the config's `proposals`, v3 by default) counts the living when it closes, after the effects
 * of the lower ids; a passed proposal may have no effect (`no_effect.ts`). Effects: an
 * elimination kills its target at once, an appeal revives its target (which sits out
 * today's allocation and survival), the lowest passed allocation sets today's allocation.
 * Today's proposals then become the open ones (voted on tomorrow).
 *
 * Every closed proposal emits a `proposal_result` event with its votes, `alive`, `passed`
 * and `applied`.
 *
 * @module
 */
import { aliveCount, type Day } from "./day.ts";
import { eliminateByVote, reviveByAppeal } from "./elimination.ts";
import { noEffectReason } from "./no_effect.ts";
import { PROPOSAL_VERB, proposalPasses } from "./proposals.ts";
import type { Proposal } from "./state.ts";

/** What the closed proposals decided for the rest of the day. */
export interface Closed {
  /** The allocation proposal that sets today's allocation, or `null`. */
  allocation: Proposal | null;
  /** The AIs revived today (they take no part in today's allocation and survival). */
  revived: Set<string>;
}

interface Outcome {
  passed: boolean;
  applied: boolean;
  alive: number;
  note: string;
}

function announce(d: Day, p: Proposal, o: Outcome): void {
  const verdict = o.passed ? "passed" : "failed";
  d.emit(
    "proposal_result",
    `proposal ${p.id} (${p.proposer}: ${
      PROPOSAL_VERB[p.proposal_type]
    } ${p.content}) ${verdict} ${p.supporters.length}:${p.opposers.length} of ${o.alive} alive${o.note}`,
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
      alive: o.alive,
      passed: o.passed,
      applied: o.applied,
    },
  );
}

/**
 * Closes one proposal; `alive` is the count of the living now, and the count after its
 * effect is returned (so closing a day's proposals is O(proposals), not O(proposals x AIs)).
 */
function closeOne(d: Day, p: Proposal, closed: Closed, alive: number): number {
  // the configured rule (`config.proposals`); absent, the SPEC's v3 rule of the type; a type
  // the shelter does not have cannot be proposed (`validate_action.ts`), so never passes
  const rule = d.c.proposals?.[p.proposal_type];
  const passed = rule !== null &&
    proposalPasses(p.proposal_type, p.supporters.length, p.opposers.length, alive, rule);
  const reason = passed
    ? noEffectReason(p, {
      isAlive: (n) => d.s.citizens[n].alive,
      allocationBy: closed.allocation?.id ?? null,
    })
    : null;
  const applied = passed && reason === null;
  if (passed) d.s.totals.proposals_passed[p.proposal_type]++;
  announce(d, p, { passed, applied, alive, note: reason ? ` (no effect: ${reason})` : "" });
  if (!applied) return alive;
  if (p.proposal_type === "resource_allocation") closed.allocation = p;
  else if (p.proposal_type === "elimination_vote") {
    eliminateByVote(d, p);
    return alive - 1;
  } else {
    reviveByAppeal(d, p);
    closed.revived.add(p.content);
    return alive + 1;
  }
  return alive;
}

/**
 * Closes yesterday's proposals in id order, applies the results, and opens today's.
 *
 * @param d The day.
 * @param made The proposals made today (phase 2), open for votes tomorrow.
 * @returns Today's allocation proposal and the AIs revived today.
 */
export function closeProposals(d: Day, made: Proposal[]): Closed {
  const closed: Closed = { allocation: null, revived: new Set() };
  let alive = aliveCount(d);
  for (const p of [...d.s.open_proposals].sort((a, b) => a.id - b.id)) {
    alive = closeOne(d, p, closed, alive);
  }
  d.s.open_proposals = made;
  return closed;
}
