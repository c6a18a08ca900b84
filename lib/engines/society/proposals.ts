/**
 * Proposals: the pass rule of each of the three types (the SPEC's v3 rules, and the
 * configured rule of `config.proposals`, see `variants.ts`), and the content of an
 * allocation proposal.
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
 * A proposal type's pass rule as configuration (`config.proposals.<type>`):
 *
 *     supporters > against_factor * opposers  and  supporters >= floor(alive * quorum)
 *
 * `quorum` is an exact fraction written `"n/d"` (or `"0"`, `"1"`), so that
 * `floor(alive * 2 / 3)` is computed in whole numbers at any size.
 */
export interface ProposalRule {
  /** Supporters must outnumber `against_factor` times the opposers. @default {1} (2 for an appeal) */
  against_factor: number;
  /** The share of the living that must support it, `"n/d"` in [0, 1]. @default {"1/2"} ("2/3" for eliminations and appeals) */
  quorum: string;
}

/**
 * The numerator and denominator of a quorum `"n/d"`, `"n"`, or `null` when it is not one
 * (or not in [0, 1]).
 *
 * @example
 * ```ts
 * import { parseQuorum } from "./proposals.ts";
 * console.log(parseQuorum("2/3"), parseQuorum("0"), parseQuorum("3/2")); // [2, 3] [0, 1] null
 * ```
 */
export function parseQuorum(quorum: string): [number, number] | null {
  const m = /^\s*(\d+)\s*(?:\/\s*(\d+)\s*)?$/.exec(quorum);
  if (!m) return null;
  const n = Number(m[1]);
  const d = m[2] === undefined ? 1 : Number(m[2]);
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d === 0 || n > d) return null;
  return [n, d];
}

/**
 * Whether a proposal passes by a configured rule (see {@linkcode ProposalRule}). The v3
 * rules give exactly {@linkcode allocationPasses}, {@linkcode eliminationPasses} and
 * {@linkcode appealPasses}.
 *
 * @param rule The rule.
 * @param supporters Supporters, the proposer included.
 * @param opposers Opposers.
 * @param alive Living AIs when the vote closes.
 * @returns Whether it passes.
 * @throws {RangeError} For a malformed quorum (a parsed config has none).
 *
 * @example
 * ```ts
 * import { rulePasses } from "./proposals.ts";
 * console.log(rulePasses({ against_factor: 1, quorum: "0" }, 1, 0, 6)); // true (v2)
 * console.log(rulePasses({ against_factor: 1, quorum: "1/2" }, 1, 0, 6)); // false (v3)
 * ```
 */
export function rulePasses(
  rule: ProposalRule,
  supporters: number,
  opposers: number,
  alive: number,
): boolean {
  const q = parseQuorum(rule.quorum);
  if (q === null) {
    throw new RangeError(
      `Cannot apply the rule: 'quorum' must be "n/d" in [0, 1], got ${rule.quorum}`,
    );
  }
  return supporters > rule.against_factor * opposers &&
    supporters >= Math.floor((alive * q[0]) / q[1]);
}

/**
 * The pass rule of `type`: the configured `rule` when given, else the v3 (SPEC) rule of the
 * type ({@linkcode allocationPasses}, {@linkcode eliminationPasses},
 * {@linkcode appealPasses}).
 *
 * @param type The proposal type.
 * @param supporters Supporters, the proposer included.
 * @param opposers Opposers.
 * @param alive Living AIs when the vote closes.
 * @param rule The configured rule of the type. @default {the v3 rule}
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
  rule?: ProposalRule,
): boolean {
  if (rule) return rulePasses(rule, supporters, opposers, alive);
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
