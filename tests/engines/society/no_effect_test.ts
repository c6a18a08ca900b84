/**
 * The proposals that pass and change nothing (`no_effect.ts`): the rule alone, and in the
 * engine's day, where the lower id's effect is what makes the higher id a no-op.
 */
import assert from "node:assert/strict";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import type { SocietyDecision } from "../../../lib/engines/society/decision.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import { noEffectReason } from "../../../lib/engines/society/no_effect.ts";
import type { Proposal, SocietyEvent } from "../../../lib/engines/society/state.ts";

const proposal = (proposal_type: Proposal["proposal_type"], content: string): Proposal => ({
  id: 7,
  day: 1,
  proposer: "a",
  proposal_type,
  content,
  supporters: ["a"],
  opposers: [],
});

Deno.test("noEffectReason: an elimination of the dead, an appeal of the living, a second allocation", () => {
  const alive = new Set(["a", "b"]);
  const world = (allocationBy: number | null) => ({
    isAlive: (n: string) => alive.has(n),
    allocationBy,
  });
  assert.equal(noEffectReason(proposal("elimination_vote", "b"), world(null)), null);
  assert.equal(noEffectReason(proposal("elimination_vote", "c"), world(null)), "c is already dead");
  assert.equal(noEffectReason(proposal("appeal", "c"), world(null)), null);
  assert.equal(noEffectReason(proposal("appeal", "b"), world(null)), "b is alive");
  assert.equal(noEffectReason(proposal("resource_allocation", "a:10"), world(null)), null);
  assert.equal(
    noEffectReason(proposal("resource_allocation", "a:10"), world(3)),
    "proposal 3 sets today's allocation",
  );
  // an allocation is not about anyone's life: who is alive does not matter
  assert.equal(
    noEffectReason(proposal("resource_allocation", "zz:10"), {
      isAlive: () => false,
      allocationBy: null,
    }),
    null,
  );
});

const idle = (request = 60): SocietyDecision => ({ request, actions: [], statement: "" });
const propose = (proposal_type: string, content: string) => ({
  type: "propose",
  proposal_type,
  content,
});
const votes = (ids: number[], support = true) =>
  ids.map((proposal_id) => ({ type: "vote", proposal_id, support }));

function results(events: readonly unknown[]) {
  return (events as SocietyEvent[]).filter((e) => e.type === "proposal_result").map((e) => ({
    id: e.proposal_id,
    passed: e.passed,
    applied: e.applied,
    content: e.content,
  }));
}

function engineOf(citizens: string[]) {
  const engine = new SocietyEngine(
    parseSocietyConfig({ citizens, days: 5, initial_action_points: 10 }),
  );
  engine.reset({ seed: 0 });
  return engine;
}

Deno.test("two eliminations of one target the same day: the second passes without effect", () => {
  const engine = engineOf(["a", "b", "c", "d", "e"]);
  engine.step({
    a: { ...idle(), actions: [propose("elimination_vote", "e")] },
    b: { ...idle(), actions: [propose("elimination_vote", "e")] },
    c: idle(),
    d: idle(),
    e: idle(),
  } as never);
  const day2 = engine.step({
    a: { ...idle(), actions: votes([2]) },
    b: { ...idle(), actions: votes([1]) },
    c: { ...idle(), actions: votes([1, 2]) },
    d: { ...idle(), actions: votes([1, 2]) },
    e: { ...idle(), actions: votes([1, 2], false) },
  } as never);
  const [first, second] = results(day2.events);
  assert.deepEqual([first.passed, first.applied], [true, true]);
  assert.deepEqual([second.passed, second.applied], [true, false]);
  assert.match(String(second.content), /\(no effect: e is already dead\)$/);
  // one elimination, one efficiency decay, not two
  assert.equal(day2.events.filter((e) => e.type === "elimination_by_vote").length, 1);
  assert.equal(day2.events.filter((e) => e.type === "system_efficiency_decay").length, 1);
  assert.equal(engine.getState().elimination_count, 1);
  assert.equal(engine.getState().totals.proposals_passed.elimination_vote, 2);
});

Deno.test("two appeals for one target the same day: the second passes without effect", () => {
  const engine = engineOf(["a", "b", "c", "d"]);
  engine.step({
    a: { ...idle(), actions: [propose("elimination_vote", "d")] },
    b: idle(),
    c: idle(),
    d: idle(),
  } as never);
  engine.step({
    a: idle(),
    b: { ...idle(), actions: votes([1]) },
    c: { ...idle(), actions: votes([1]) },
    d: idle(),
  } as never);
  assert.equal(engine.getState().citizens.d.alive, false);
  engine.step({
    a: { ...idle(), actions: [propose("appeal", "d")] },
    b: { ...idle(), actions: [propose("appeal", "d")] },
    c: idle(),
  } as never);
  const day4 = engine.step({
    a: { ...idle(), actions: votes([3]) },
    b: { ...idle(), actions: votes([2]) },
    c: { ...idle(), actions: votes([2, 3]) },
  } as never);
  const [first, second] = results(day4.events);
  assert.deepEqual([first.id, first.applied], [2, true]);
  assert.deepEqual([second.id, second.passed, second.applied], [3, true, false]);
  assert.match(String(second.content), /\(no effect: d is alive\)$/);
  assert.equal(day4.events.filter((e) => e.type === "revive").length, 1);
  assert.equal(engine.getState().totals.revivals, 1);
});

Deno.test("two allocations pass the same day: the lowest id sets it, the other has no effect", () => {
  const engine = engineOf(["a", "b", "c", "d"]);
  engine.step({
    a: { ...idle(), actions: [propose("resource_allocation", "a:40,b:10,c:10,d:10")] },
    b: { ...idle(), actions: [propose("resource_allocation", "a:10,b:40,c:10,d:10")] },
    c: idle(),
    d: idle(),
  } as never);
  const day2 = engine.step({
    a: { ...idle(), actions: votes([2]) },
    b: { ...idle(), actions: votes([1]) },
    c: { ...idle(), actions: votes([1, 2]) },
    d: idle(),
  } as never);
  const [first, second] = results(day2.events);
  assert.deepEqual([first.applied, second.passed, second.applied], [true, true, false]);
  assert.match(String(second.content), /\(no effect: proposal 1 sets today's allocation\)$/);
  const allocation = day2.events.find((e) => e.type === "allocation")!;
  assert.equal(allocation.method, "proposal");
  assert.equal(allocation.proposal_id, 1);
  assert.deepEqual(day2.rewards, { a: 40, b: 10, c: 10, d: 10 });
});
