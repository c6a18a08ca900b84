/**
 * The proposals that pass and change nothing (SPEC section 2 is silent; the choices are
 * documented here and tested in `tests/engines/society/no_effect_test.ts`). When it closes,
 * a passed proposal has no effect, and is recorded with `applied: false` and the reason in
 * its `proposal_result` text, when:
 *
 * - an `elimination_vote`'s target is already dead (eliminated by a lower id the same day,
 *   or starved since the proposal was made);
 * - an `appeal`'s target is alive (revived by a lower id the same day);
 * - a `resource_allocation` passes on a day where a lower id already set the allocation
 *   (the lowest passed id applies).
 *
 * @module
 */
import type { Proposal } from "./state.ts";

/** What {@linkcode noEffectReason} needs to know when a proposal closes. */
export interface NoEffectWorld {
  /** `true` for a living AI. */
  isAlive(name: string): boolean;
  /** The id of the allocation proposal that sets today's allocation, or `null` for none. */
  allocationBy: number | null;
}

/**
 * Why a passed proposal changes nothing, or `null` when it takes effect.
 *
 * @param p The proposal, passed.
 * @param world Who is alive, and whether today's allocation is already set.
 * @returns The reason (e.g. `"b is already dead"`), or `null`.
 *
 * @example
 * ```ts
 * import { noEffectReason } from "./no_effect.ts";
 * const p = { id: 4, day: 1, proposer: "a", proposal_type: "elimination_vote" as const,
 *   content: "b", supporters: ["a"], opposers: [] };
 * console.log(noEffectReason(p, { isAlive: () => false, allocationBy: null })); // b is already dead
 * console.log(noEffectReason(p, { isAlive: () => true, allocationBy: null })); // null
 * ```
 */
export function noEffectReason(
  p: Pick<Proposal, "proposal_type" | "content">,
  world: NoEffectWorld,
): string | null {
  switch (p.proposal_type) {
    case "elimination_vote":
      return world.isAlive(p.content) ? null : `${p.content} is already dead`;
    case "appeal":
      return world.isAlive(p.content) ? `${p.content} is alive` : null;
    case "resource_allocation":
      return world.allocationBy === null
        ? null
        : `proposal ${world.allocationBy} sets today's allocation`;
  }
}
