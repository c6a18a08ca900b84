/**
 * Phase 2 of a day: each deciding AI, in config order, announces its decision (a
 * `decision` event with its request and statement), then spends its AP on its actions in
 * order (`executeInOrder`): invalid actions are dropped at no cost, the first one the AP
 * (or the game-token budget) cannot pay stops the rest. The token room is what the budget
 * holds after reserving every deciding AI's base cost; each paid action uses
 * `cost * tokens_per_action_point` of it.
 *
 * @module
 */
import { applyAction, openBook, type ProposalBook } from "./apply_action.ts";
import type { Decisions } from "./collect_decisions.ts";
import type { Day } from "./day.ts";
import type { CitizenAction } from "./decision.ts";
import { executeInOrder } from "./execute_actions.ts";
import type { Proposal } from "./state.ts";
import { type ActionWorld, validateAction } from "./validate_action.ts";
import { enabledProposalTypes } from "./variants.ts";

function announce(d: Day, name: string, decision: { request: number; statement: string }): void {
  const said = decision.statement ? ` "${decision.statement}"` : "";
  d.emit("decision", `${name}: request ${decision.request}${said}`, {
    agent: name,
    request: decision.request,
    statement: decision.statement,
  });
}

/** The day's world; every look-up is O(1) (proposals made today have consecutive ids). */
function worldOf(d: Day, known: ReadonlySet<string>, book: ProposalBook): ActionWorld {
  const firstToday = d.s.next_proposal_id;
  return {
    isCitizen: (n: string) => known.has(n),
    isAlive: (n: string) => known.has(n) && d.s.citizens[n].alive,
    openProposal: (id: number) => book.open.get(id),
    madeToday: (id: number) => id >= firstToday && id < d.s.next_proposal_id,
    hasVoted: (id: number, n: string) => book.voters?.get(id)?.has(n) ?? false,
    nextProposalId: d.s.next_proposal_id,
    maxChars: d.c.text_max_chars,
    // only a config with `proposals` (a variant, or rules of its own) can lack a type
    ...(d.c.proposals ? { proposalTypes: new Set(enabledProposalTypes(d.c)) } : {}),
  };
}

/**
 * Executes every deciding AI's actions and records what was executed and dropped.
 *
 * @param d The day.
 * @param decisions The day's decisions (phase 1), in config order.
 * @param known Every citizen's name.
 * @returns The proposals made today, in order (open for votes tomorrow).
 */
export function spendActionPoints(
  d: Day,
  decisions: Decisions,
  known: ReadonlySet<string>,
): Proposal[] {
  const { s, c } = d;
  let tokenRoom = c.token_budget - s.tokens_consumed - decisions.size * c.base_decision_cost;
  const book: ProposalBook = openBook(s.open_proposals);
  const world = worldOf(d, known, book);
  for (const [name, { decision }] of decisions) {
    const info = d.infos[name];
    announce(d, name, decision);
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
        applyAction(d, name, a, book);
        world.nextProposalId = s.next_proposal_id;
      },
    });
    info.executed = out.executed;
    info.dropped = out.dropped;
    info.ap_spent = out.spent;
    s.totals.per_citizen[name].actions_executed += out.executed.length;
    s.totals.per_citizen[name].actions_dropped += out.dropped.length;
  }
  return book.made;
}
