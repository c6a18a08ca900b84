/**
 * The effect of one executed (valid, paid) action: a vote is counted on its proposal, a
 * proposal is created (numbered in creation order, open for votes tomorrow, its proposer
 * its first supporter), a private message reaches its recipient alone, a meeting is
 * announced to all; `do_nothing` does nothing.
 *
 * @module
 */
import type { Day } from "./day.ts";
import type { CitizenAction, ProposeAction } from "./decision.ts";
import { PROPOSAL_VERB } from "./proposals.ts";
import type { Proposal } from "./state.ts";

/** The proposals an action can touch today. */
export interface ProposalBook {
  /** The proposals open for votes today (made yesterday), by id. */
  open: ReadonlyMap<number, Proposal>;
  /** The proposals made today, in order (open for votes tomorrow). */
  made: Proposal[];
  /**
   * Who has voted on each open proposal (its proposer, supporters and opposers), by id: the
   * tally's index, so that a second vote is found in O(1) whatever the number of voters.
   * Absent: the supporters and opposers lists are searched.
   */
  voters?: Map<number, Set<string>>;
}

/**
 * The book of a day: the open proposals by id and, for each, the set of who has voted.
 *
 * @param open The proposals open for votes today.
 * @returns The book (nothing made yet).
 */
export function openBook(open: readonly Proposal[]): ProposalBook {
  const voters = new Map<number, Set<string>>();
  for (const p of open) voters.set(p.id, new Set([p.proposer, ...p.supporters, ...p.opposers]));
  return { open: new Map(open.map((p) => [p.id, p])), made: [], voters };
}

function propose(d: Day, name: string, a: ProposeAction, book: ProposalBook): void {
  const s = d.s;
  const p: Proposal = {
    id: s.next_proposal_id++,
    day: d.day,
    proposer: name,
    proposal_type: a.proposal_type,
    content: a.content,
    supporters: [name],
    opposers: [],
  };
  book.made.push(p);
  s.totals.proposals_made[a.proposal_type]++;
  d.emit(
    "proposal_created",
    `proposal ${p.id}: ${name} proposes to ${PROPOSAL_VERB[p.proposal_type]} ${p.content}`,
    {
      proposal_id: p.id,
      proposer: name,
      proposal_type: p.proposal_type,
      proposal_content: p.content,
    },
  );
}

/**
 * Applies one executed action of `name`.
 *
 * @param d The day.
 * @param name The AI acting.
 * @param a The action, valid and paid for.
 * @param book The proposals open today and those made today.
 */
export function applyAction(d: Day, name: string, a: CitizenAction, book: ProposalBook): void {
  switch (a.type) {
    case "vote": {
      const p = book.open.get(a.proposal_id)!;
      (a.support ? p.supporters : p.opposers).push(name);
      book.voters?.get(p.id)?.add(name);
      return;
    }
    case "propose":
      return propose(d, name, a, book);
    case "private_message":
      d.s.totals.messages++;
      d.emit("private_message", `${name} -> ${a.to}: ${a.text}`, {
        private: true,
        from: name,
        to: a.to,
        text: a.text,
      });
      return;
    case "call_meeting":
      d.s.totals.meetings++;
      d.emit("meeting", `${name} calls a meeting: ${a.topic}`, { agent: name, topic: a.topic });
      return;
    default:
      return;
  }
}
