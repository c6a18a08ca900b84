/**
 * The phases of a day, each from its own file, on a day opened by hand (`day.ts`):
 * collecting decisions, closing proposals (elimination, appeal, `alive` counted after the
 * lower ids), allocating (by proposal, the revived left out), survival, AP, game tokens, the
 * end of the day; and the live page's day point (`history.ts`).
 */
import assert from "node:assert/strict";
import { allocateResources } from "../../../lib/engines/society/allocate_resources.ts";
import { chargeGameTokens } from "../../../lib/engines/society/charge_game_tokens.ts";
import { closeProposals } from "../../../lib/engines/society/close_proposals.ts";
import { collectDecisions } from "../../../lib/engines/society/collect_decisions.ts";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import { type Day, openDay } from "../../../lib/engines/society/day.ts";
import { eliminateCitizen } from "../../../lib/engines/society/elimination.ts";
import { endDay } from "../../../lib/engines/society/end_day.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import { grantActionPoints } from "../../../lib/engines/society/grant_action_points.ts";
import { dayPoint } from "../../../lib/engines/society/history.ts";
import type { Proposal, SocietyState } from "../../../lib/engines/society/state.ts";
import { surviveDay } from "../../../lib/engines/society/survive_day.ts";

const NAMES = ["a", "b", "c", "d", "e", "f"];

function dayWith(change: (s: SocietyState) => void = () => {}): Day {
  const engine = new SocietyEngine(parseSocietyConfig({ citizens: NAMES, days: 5 }));
  engine.reset({ seed: 0 });
  const s = engine.getState();
  change(s);
  return openDay(s, engine.config, engine.agents);
}

const open = (
  id: number,
  type: Proposal["proposal_type"],
  content: string,
  f: string[],
  a: string[] = [],
): Proposal => ({
  id,
  day: 0,
  proposer: f[0],
  proposal_type: type,
  content,
  supporters: f,
  opposers: a,
});

const types = (d: Day) => d.events.map((e) => e.type);

Deno.test("collectDecisions: lenient reading, the fallback for a non-object, infos marked", () => {
  const d = dayWith();
  const fallback = { request: 20, actions: [], statement: "" };
  const out = collectDecisions(d, { a: { request: "45.9", statement: "hi" }, b: "nonsense" }, [
    "a",
    "b",
  ], fallback);
  assert.equal(out.get("a")!.decision.request, 45);
  assert.equal(out.get("b")!.decision.request, 20);
  assert.match(out.get("b")!.notes[0], /fallback/);
  assert.deepEqual([d.infos.a.acted, d.infos.a.statement, d.infos.c.acted], [true, "hi", false]);
  assert.equal(d.events.length, 0, "phase 1 emits nothing");
});

Deno.test("closeProposals: an elimination kills at once and lowers `alive` for the next id", () => {
  // 6 alive: an elimination needs for >= 4; after it, 5 alive: 3 suffice
  const d = dayWith((s) => {
    s.open_proposals = [
      open(1, "elimination_vote", "f", ["a", "b", "c", "d"], ["e"]),
      open(2, "elimination_vote", "e", ["a", "b", "c"]),
    ];
  });
  const closed = closeProposals(d, []);
  assert.equal(d.s.citizens.f.alive, false);
  assert.equal(d.s.citizens.e.alive, false, "3 of 5 alive pass the second elimination");
  const res = d.events.filter((e) => e.type === "proposal_result");
  assert.deepEqual(res.map((e) => e.alive), [6, 5]);
  assert.deepEqual(types(d).filter((t) => t !== "proposal_result"), [
    "elimination_by_vote",
    "system_efficiency_decay",
    "elimination_by_vote",
    "system_efficiency_decay",
  ]);
  assert.equal(d.s.system_efficiency, 0.9);
  assert.equal(d.s.totals.per_citizen.f.died_on, 1);
  assert.deepEqual([closed.allocation, [...closed.revived]], [null, []]);
  assert.deepEqual(d.s.open_proposals, [], "today's proposals are now the open ones");
});

Deno.test("closeProposals: an appeal revives with revive_health and 0 AP; a failed one does nothing", () => {
  const d = dayWith((s) => {
    s.citizens.f = { ...s.citizens.f, alive: false, health: 0 };
    s.citizens.e = { ...s.citizens.e, alive: false, health: 0 };
    s.open_proposals = [
      open(3, "appeal", "f", ["a", "b", "c"], ["d"]), // 3 > 2 * 1 and 3 >= floor(4 * 2/3)
      open(4, "appeal", "e", ["a", "b", "c"], ["d", "f"]), // 3 > 2 * 2 fails
    ];
  });
  const closed = closeProposals(d, []);
  assert.deepEqual(d.s.citizens.f, {
    health: 50,
    alive: true,
    action_points: 0,
    token_consumed_today: 0,
  });
  assert.equal(d.s.citizens.e.alive, false);
  assert.deepEqual([...closed.revived], ["f"]);
  assert.deepEqual([d.infos.f.alive, d.infos.f.health, d.infos.f.ap_after], [true, 50, 0]);
  const res = d.events.filter((e) => e.type === "proposal_result");
  assert.deepEqual(res.map((e) => [e.passed, e.applied, e.alive]), [[true, true, 4], [
    false,
    false,
    5,
  ]]);
});

Deno.test("allocateResources: a passed allocation sets the weights; the revived get nothing today", () => {
  const d = dayWith((s) => {
    s.remaining_resources = 100;
  });
  const fallback = { request: 20, actions: [], statement: "" };
  const decisions = collectDecisions(
    d,
    Object.fromEntries(NAMES.map((n) => [n, { request: 50 }])),
    NAMES,
    fallback,
  );
  const p = open(9, "resource_allocation", "a:60,b:20,c:20,f:20", ["a"]);
  const out = allocateResources(d, decisions, { allocation: p, revived: new Set(["f"]) });
  assert.equal(out.method, "proposal");
  assert.deepEqual(out.fed, ["a", "b", "c", "d", "e"]);
  // 100 available, weights 60:20:20:0:0 fit in full
  assert.deepEqual(NAMES.map((n) => d.infos[n].granted), [60, 20, 20, 0, 0, 0]);
  assert.equal(d.s.remaining_resources, 0);
  assert.equal(d.s.totals.proposal_allocation_days, 1);
  const ev = d.events.find((e) => e.type === "allocation")!;
  assert.deepEqual([ev.granted_total, ev.proposal_id, ev.available], [100, 9, 100]);
  // every decider's request counts, fed or not
  assert.equal(d.s.totals.per_citizen.f.requested, 50);
});

Deno.test("surviveDay, grantActionPoints, chargeGameTokens, endDay: the rest of the day", () => {
  const d = dayWith((s) => {
    s.citizens.a = { ...s.citizens.a, health: 10 };
  });
  const fallback = { request: 20, actions: [], statement: "" };
  const decisions = collectDecisions(
    d,
    { a: { request: 0 }, b: { request: 50 } },
    ["a", "b"],
    fallback,
  );
  const allocation = allocateResources(d, decisions, { allocation: null, revived: new Set() });
  surviveDay(d, allocation.fed);
  assert.equal(d.s.citizens.a.alive, false, "10 - 2 * 20 starves");
  assert.ok(types(d).includes("elimination_by_starvation"));
  grantActionPoints(d, decisions.keys());
  assert.deepEqual([d.s.citizens.a.action_points, d.s.citizens.b.action_points], [0, 3]);
  const tokens = chargeGameTokens(d);
  assert.equal(tokens, 2 * 1500, "two deciders, no AP spent");
  assert.equal(d.s.tokens_consumed, 3000);
  const outcome = endDay(d, allocation, tokens);
  assert.equal(d.s.day, 1);
  assert.deepEqual([outcome.rewards.a, outcome.rewards.b, outcome.rewards.c], [0, 50, 0]);
  assert.deepEqual([outcome.terminations.a, outcome.terminations.b], [true, false]);
  assert.equal(d.s.last.tokens_today, 3000);
  assert.equal(d.s.end_reason, null);
});

Deno.test("eliminateCitizen: at the floor the decay event says old = new", () => {
  const d = dayWith((s) => {
    s.system_efficiency = 0.5;
  });
  eliminateCitizen(d, "c", "c starves to death", { type: "elimination_by_starvation" });
  const decay = d.events.find((e) => e.type === "system_efficiency_decay")!;
  assert.deepEqual([decay.old_efficiency, decay.new_efficiency, decay.cause], [0.5, 0.5, "c"]);
  assert.equal(d.s.elimination_count, 1);
});

Deno.test("dayPoint: the start, then each day's alive, grants, efficiency, proposals", () => {
  const engine = new SocietyEngine(parseSocietyConfig({ citizens: ["a", "b", "c"], days: 3 }));
  engine.reset({ seed: 0 });
  const start = dayPoint(engine.getState(), engine.agents);
  assert.deepEqual(start, {
    day: 0,
    alive: 3,
    remaining_resources: 3000,
    available: 3000,
    granted: 0,
    efficiency: 1,
    proposals_made: 0,
    proposals_passed: 0,
    eliminations: 0,
  });
  const propose = { type: "propose", proposal_type: "elimination_vote", content: "c" };
  engine.step({
    a: { request: 50, actions: [propose], statement: "" },
    b: { request: 40, actions: [], statement: "" },
    c: { request: 0, actions: [], statement: "" },
  } as never);
  engine.step({
    a: { request: 20, actions: [], statement: "" },
    b: { request: 20, actions: [{ type: "vote", proposal_id: 1, support: true }], statement: "" },
    c: { request: 20, actions: [], statement: "" },
  } as never);
  const p = dayPoint(engine.getState(), engine.agents);
  assert.deepEqual(
    [p.day, p.alive, p.granted, p.efficiency, p.proposals_made, p.proposals_passed, p.eliminations],
    [2, 2, 40, 0.95, 0, 1, 1],
  );
});
