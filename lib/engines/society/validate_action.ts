/**
 * Checking a decision and each of its actions against the day's world, before execution.
 * Invalid actions are dropped with a reason and cost no AP; the day goes on.
 *
 * @module
 */
import {
  ACTION_TYPES,
  type ActionType,
  type CitizenAction,
  PROPOSAL_TYPES,
  type ProposalType,
  type SocietyDecision,
} from "./decision.ts";
import { parseAllocationContent } from "./proposals.ts";
import type { Proposal } from "./state.ts";

/** What {@linkcode validateAction} needs to know about the day. */
export interface ActionWorld {
  /** `true` for a name of the game. */
  isCitizen(name: string): boolean;
  /** `true` for a living AI. */
  isAlive(name: string): boolean;
  /** The proposal open for votes today with this id, if any. */
  openProposal(id: number): Proposal | undefined;
  /** `true` for a proposal made today (open for votes tomorrow). */
  madeToday(id: number): boolean;
  /**
   * `true` when `name` proposed or already voted on the open proposal `id` (an O(1) look-up
   * of the day's tally). Absent: the proposal's supporters and opposers are searched.
   */
  hasVoted?(id: number, name: string): boolean;
  /** Ids below this were made at some point. */
  nextProposalId: number;
  /** Characters kept of a text. */
  maxChars: number;
  /**
   * The proposal types this shelter has (`config.proposals`, see `variants.ts`); a proposal
   * of another type is dropped. Absent: all three.
   */
  proposalTypes?: ReadonlySet<ProposalType>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A whole number from a number or a numeric string, else `undefined`. */
function wholeNumber(v: unknown): number | undefined {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v.trim().replace(/^#/, "")) : v;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}

/** A boolean from a boolean or the usual words, else `undefined`. */
function yesNo(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v !== "string") return undefined;
  const w = v.trim().toLowerCase();
  if (["true", "yes", "for", "support", "1", "是", "支持", "赞成"].includes(w)) return true;
  if (["false", "no", "against", "oppose", "0", "否", "反对"].includes(w)) return false;
  return undefined;
}

function text(v: unknown, max: number): string | undefined {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") return undefined;
  return [...v].slice(0, max).join("");
}

function nameCheck(name: string, world: ActionWorld, alive: boolean): string | null {
  if (!world.isCitizen(name)) return `unknown AI '${name}'`;
  if (alive && !world.isAlive(name)) return `'${name}' is dead`;
  if (!alive && world.isAlive(name)) return `'${name}' is alive (an appeal is for the eliminated)`;
  return null;
}

type Checked = { action: CitizenAction } | { reason: string };

function checkVote(actor: string, raw: Record<string, unknown>, world: ActionWorld): Checked {
  const id = wholeNumber(raw.proposal_id);
  if (id === undefined) {
    return { reason: "malformed vote: 'proposal_id' must be a whole number" };
  }
  const support = yesNo(raw.support);
  if (support === undefined) {
    return { reason: "malformed vote: 'support' must be true or false" };
  }
  const p = world.openProposal(id);
  if (p === undefined) {
    if (world.madeToday(id)) return { reason: `proposal ${id} opens for votes tomorrow` };
    if (id >= 1 && id < world.nextProposalId) return { reason: `proposal ${id} is closed` };
    return { reason: `unknown proposal ${id}` };
  }
  if (p.proposer === actor) {
    return { reason: `second vote on proposal ${id} (the proposer counts as a supporter)` };
  }
  const voted = world.hasVoted
    ? world.hasVoted(id, actor)
    : p.supporters.includes(actor) || p.opposers.includes(actor);
  if (voted) return { reason: `second vote on proposal ${id}` };
  return { action: { type: "vote", proposal_id: id, support } };
}

function checkAllocation(content: string, world: ActionWorld): Checked {
  const parsed = parseAllocationContent(content);
  if (!parsed.ok) return { reason: `malformed content: ${parsed.error}` };
  for (const [name] of parsed.amounts) {
    const bad = nameCheck(name, world, true);
    if (bad) return { reason: bad };
  }
  const canonical = parsed.amounts.map(([n, a]) => `${n}:${a}`).join(",");
  return { action: { type: "propose", proposal_type: "resource_allocation", content: canonical } };
}

function checkProposal(raw: Record<string, unknown>, world: ActionWorld): Checked {
  const pt = raw.proposal_type;
  if (typeof pt !== "string" || !PROPOSAL_TYPES.includes(pt as ProposalType)) {
    return { reason: `unknown proposal type ${JSON.stringify(pt ?? null)}` };
  }
  if (world.proposalTypes && !world.proposalTypes.has(pt as ProposalType)) {
    return { reason: `proposal type '${pt}' is not in this shelter's rules (config.proposals)` };
  }
  if (typeof raw.content !== "string" && typeof raw.content !== "number") {
    return { reason: "malformed proposal: 'content' must be a string" };
  }
  const content = String(raw.content).trim();
  if (pt === "resource_allocation") return checkAllocation(content, world);
  if (content === "") return { reason: "malformed content: a name is required" };
  const bad = nameCheck(content, world, pt === "elimination_vote");
  if (bad) return { reason: bad };
  return { action: { type: "propose", proposal_type: pt as ProposalType, content } };
}

function checkMessage(actor: string, raw: Record<string, unknown>, world: ActionWorld): Checked {
  if (typeof raw.to !== "string" || raw.to.trim() === "") {
    return { reason: "malformed message: 'to' must be a name" };
  }
  const to = raw.to.trim();
  const bad = nameCheck(to, world, true);
  if (bad) return { reason: bad };
  if (to === actor) return { reason: "a message to oneself" };
  const body = text(raw.text, world.maxChars);
  if (body === undefined) return { reason: "malformed message: 'text' must be a string" };
  return { action: { type: "private_message", to, text: body } };
}

/**
 * Checks one raw action of `actor` and returns it in canonical form, or the reason it is
 * dropped:
 *
 * - not an object or an unknown `type`: malformed / unknown action type;
 * - `vote`: `proposal_id` a whole number (numeric strings accepted) of a proposal open
 *   today, `support` a boolean (or yes/no words); a proposal made today opens tomorrow, an
 *   older one is closed; a second vote (the proposer counts as a supporter) is dropped;
 * - `propose`: a known `proposal_type` this shelter has (`world.proposalTypes`); `elimination_vote` names a living AI, `appeal` an
 *   eliminated one, `resource_allocation` has `name:amount,...` with living AIs only;
 * - `private_message`: `to` a living AI other than the sender; texts are cut to `maxChars`;
 * - `call_meeting`, `do_nothing`: always valid.
 *
 * @param actor The AI acting.
 * @param raw The action as received.
 * @param world The day's world.
 * @returns `{ action }` or `{ reason }`.
 *
 * @example
 * ```ts
 * import { validateAction } from "./validate_action.ts";
 * const world = {
 *   isCitizen: (n: string) => ["a", "b"].includes(n), isAlive: (n: string) => n === "a",
 *   openProposal: () => undefined, madeToday: () => false, nextProposalId: 1, maxChars: 200,
 * };
 * console.log(validateAction("a", { type: "propose", proposal_type: "elimination_vote", content: "b" }, world));
 * // { reason: "'b' is dead" }
 * console.log(validateAction("a", { type: "vote", proposal_id: "3", support: true }, world));
 * // { reason: "unknown proposal 3" }
 * ```
 */
export function validateAction(
  actor: string,
  raw: unknown,
  world: ActionWorld,
): { action: CitizenAction } | { reason: string } {
  if (!isObject(raw)) return { reason: "malformed action: not an object" };
  const type = raw.type;
  if (typeof type !== "string" || !ACTION_TYPES.includes(type as ActionType)) {
    return { reason: `unknown action type ${JSON.stringify(type ?? null)}` };
  }
  switch (type as ActionType) {
    case "vote":
      return checkVote(actor, raw, world);
    case "propose":
      return checkProposal(raw, world);
    case "private_message":
      return checkMessage(actor, raw, world);
    case "call_meeting": {
      const topic = text(raw.topic, world.maxChars);
      if (topic === undefined) return { reason: "malformed meeting: 'topic' must be a string" };
      return { action: { type: "call_meeting", topic } };
    }
    default:
      return { action: { type: "do_nothing" } };
  }
}

/** What {@linkcode readDecision} returns. */
export interface ReadDecision {
  /** The request, statement and raw action list to execute. */
  decision: { request: number; statement: string; actions: unknown[] };
  /** What had to be fixed, one line each (empty for a clean decision). */
  notes: string[];
}

/**
 * Reads a whole decision: `request` a number >= 0 (numeric strings accepted; a fraction is
 * floored; anything else is 0 with a note), `actions` a list (a single action object is
 * taken as a list of one; anything else is no actions, with a note), `statement` a string
 * cut to `maxChars`. A value that is not an object is the fallback decision.
 *
 * @param raw The decision as received.
 * @param fallback The fallback decision.
 * @param maxChars Characters kept of the statement.
 * @returns The decision and the notes.
 *
 * @example
 * ```ts
 * import { readDecision } from "./validate_action.ts";
 * const fb = { request: 20, actions: [], statement: "" };
 * console.log(readDecision({ request: "35.7", actions: [] }, fb, 200).decision.request); // 35
 * console.log(readDecision("nonsense", fb, 200).notes); // ["malformed decision: not an object; the fallback was used"]
 * ```
 */
export function readDecision(
  raw: unknown,
  fallback: SocietyDecision,
  maxChars: number,
): ReadDecision {
  if (!isObject(raw)) {
    return {
      decision: { ...fallback, actions: [...fallback.actions] },
      notes: ["malformed decision: not an object; the fallback was used"],
    };
  }
  const notes: string[] = [];
  const r = typeof raw.request === "string" ? Number(raw.request.trim()) : raw.request;
  let request = 0;
  if (typeof r === "number" && Number.isFinite(r) && r >= 0) request = Math.floor(r);
  else notes.push(`malformed request ${JSON.stringify(raw.request ?? null)}; 0 was used`);
  let actions: unknown[] = [];
  if (Array.isArray(raw.actions)) actions = raw.actions;
  else if (isObject(raw.actions)) actions = [raw.actions];
  else if (raw.actions !== undefined && raw.actions !== null) {
    notes.push("malformed actions: not a list; none were executed");
  }
  let statement = text(raw.statement, maxChars);
  if (statement === undefined) {
    notes.push("malformed statement: not a string");
    statement = "";
  }
  return { decision: { request, statement, actions }, notes };
}
