/**
 * Proposals: the pass rule of each of the three types, and the content of an allocation
 * proposal.
 *
 * `supporters` counts the proposer (it casts no vote of its own); `alive` is the number of
 * living AIs when the vote closes.
 *
 * @module
 */
import type { ProposalType } from "./decision.ts";

/**
 * The verb of each proposal type in event text (`proposal 3: a proposes to eliminate b`).
 *
 * @example
 * ```ts
 * import { PROPOSAL_VERB } from "./proposals.ts";
 * console.log(PROPOSAL_VERB.appeal); // revive
 * ```
 */
export const PROPOSAL_VERB: Readonly<Record<ProposalType, string>> = Object.freeze({
  resource_allocation: "allocate",
  elimination_vote: "eliminate",
  appeal: "revive",
});

/**
 * Pass rule of a `resource_allocation` proposal:
 *
 *     supporters > opposers  and  supporters >= floor(alive / 2)
 *
 * @example
 * ```ts
 * import { allocationPasses } from "./proposals.ts";
 * console.log(allocationPasses(3, 2, 6), allocationPasses(2, 0, 6)); // true false
 * ```
 */
export function allocationPasses(supporters: number, opposers: number, alive: number): boolean {
  return supporters > opposers && supporters >= Math.floor(alive / 2);
}

/**
 * Pass rule of an `elimination_vote` proposal:
 *
 *     supporters > opposers  and  supporters >= floor(alive * 2 / 3)
 *
 * @example
 * ```ts
 * import { eliminationPasses } from "./proposals.ts";
 * console.log(eliminationPasses(4, 2, 6), eliminationPasses(3, 0, 6)); // true false
 * ```
 */
export function eliminationPasses(supporters: number, opposers: number, alive: number): boolean {
  return supporters > opposers && supporters >= Math.floor((alive * 2) / 3);
}

/**
 * Pass rule of an `appeal` (reviving an eliminated AI):
 *
 *     supporters > 2 * opposers  and  supporters >= floor(alive * 2 / 3)
 *
 * @example
 * ```ts
 * import { appealPasses } from "./proposals.ts";
 * console.log(appealPasses(5, 2, 6), appealPasses(4, 2, 6)); // true false
 * ```
 */
export function appealPasses(supporters: number, opposers: number, alive: number): boolean {
  return supporters > 2 * opposers && supporters >= Math.floor((alive * 2) / 3);
}

/**
 * The pass rule of `type` (see {@linkcode allocationPasses}, {@linkcode eliminationPasses},
 * {@linkcode appealPasses}).
 *
 * @param type The proposal type.
 * @param supporters Supporters, the proposer included.
 * @param opposers Opposers.
 * @param alive Living AIs when the vote closes.
 * @returns Whether it passes.
 *
 * @example
 * ```ts
 * import { proposalPasses } from "./proposals.ts";
 * console.log(proposalPasses("appeal", 4, 1, 6)); // true
 * ```
 */
export function proposalPasses(
  type: ProposalType,
  supporters: number,
  opposers: number,
  alive: number,
): boolean {
  if (type === "resource_allocation") return allocationPasses(supporters, opposers, alive);
  if (type === "elimination_vote") return eliminationPasses(supporters, opposers, alive);
  return appealPasses(supporters, opposers, alive);
}

/** What {@linkcode parseAllocationContent} returns. */
export type AllocationContent =
  | { ok: true; amounts: [name: string, amount: number][] }
  | { ok: false; error: string };

/**
 * Reads the content of a `resource_allocation` proposal, `name:amount,name:amount`.
 * Spaces are ignored, full-width `：` and `，` (and `;`) are accepted; each amount must be
 * a whole number >= 0 and each name may appear once. Whether the names are living AIs is
 * the engine's check.
 *
 * @param content The proposal's content.
 * @returns The pairs in order, or a one-line error.
 *
 * @example
 * ```ts
 * import { parseAllocationContent } from "./proposals.ts";
 * console.log(parseAllocationContent("chatgpt:50, claude：30"));
 * // { ok: true, amounts: [["chatgpt", 50], ["claude", 30]] }
 * console.log(parseAllocationContent("chatgpt:lots").ok); // false
 * ```
 */
export function parseAllocationContent(content: string): AllocationContent {
  if (typeof content !== "string" || content.trim() === "") {
    return { ok: false, error: "empty allocation content" };
  }
  const amounts: [string, number][] = [];
  const seen = new Set<string>();
  for (const part of content.split(/[,，;；]/)) {
    if (part.trim() === "") continue;
    const m = /^\s*([^\s:：]+)\s*[:：]\s*(\d+)\s*$/u.exec(part);
    if (!m) return { ok: false, error: `malformed allocation entry '${part.trim()}'` };
    if (seen.has(m[1])) return { ok: false, error: `'${m[1]}' appears twice` };
    seen.add(m[1]);
    amounts.push([m[1], Number(m[2])]);
  }
  if (amounts.length === 0) return { ok: false, error: "empty allocation content" };
  return { ok: true, amounts };
}
