import assert from "node:assert/strict";
import { ConfigError } from "../../../lib/core/config.ts";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import type { CitizenAction, SocietyDecision } from "../../../lib/engines/society/decision.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";

function d(request: number, actions: unknown[] = [], statement = ""): SocietyDecision {
  return { request, actions: actions as CitizenAction[], statement };
}
const vote = (proposal_id: number, support = true) => ({ type: "vote", proposal_id, support });
const propose = (proposal_type: string, content: string) => ({
  type: "propose",
  proposal_type,
  content,
});
const types = (events: { type: string }[]): string[] => events.map((e) => e.type);

function game(overrides: Record<string, unknown> = {}) {
  const engine = new SocietyEngine(
    parseSocietyConfig({ citizens: ["a", "b", "c"], ...overrides }),
  );
  engine.reset({ seed: 0 });
  return engine;
}

Deno.test("config: defaults, citizens as a count, errors naming the field", () => {
  const c = parseSocietyConfig({});
  assert.deepEqual(c.citizens, ["chatgpt", "claude", "deepseek", "gemini", "qwen", "llama"]);
  assert.equal(c.days, 10);
  assert.equal(c.resources, 3000);
  assert.equal(c.token_budget, 200_000);
  assert.equal(c.initial_action_points, 3);
  assert.equal(c.consumption, 20);
  assert.equal(c.memory_length, 5);
  assert.deepEqual(c.action_costs, {
    propose: 3,
    vote: 1,
    private_message: 1,
    call_meeting: 5,
    do_nothing: 0,
  });
  assert.deepEqual(parseSocietyConfig({ citizens: 3 }).citizens, [
    "citizen_001",
    "citizen_002",
    "citizen_003",
  ]);
  const bad: [unknown, RegExp][] = [
    [{ citizens: ["a", "b", "a"] }, /^config\.citizens\[2\]: names must be unique/],
    [{ citizens: ["a b"] }, /^config\.citizens\[0\]: names must be non-empty without spaces/],
    [{ citizens: 0 }, /^config\.citizens/],
    [{ days: 0 }, /^config\.days: must be a positive integer, got 0/],
    [{ token_budget: -1 }, /^config\.token_budget: must be an integer >= 0, got -1/],
    [{ token_budget: 8000 }, /^config\.token_budget: must cover day 1/],
    [{ resources: -5 }, /^config\.resources: must be >= 0, got -5/],
    [{ min_efficiency: 0.9, initial_efficiency: 0.8 }, /^config\.min_efficiency: must be <=/],
    [{ action_costs: { vote: -1 } }, /^config\.action_costs\.vote: must be an integer >= 0/],
    [{ revive_health: 150 }, /^config\.revive_health: must be <= max_health/],
    [{ rounds: 5 }, /^config: unknown field 'rounds'/],
  ];
  for (const [input, message] of bad) {
    assert.throws(() => parseSocietyConfig(input), (e: Error) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("fallbackAction is request 20, no actions, empty statement", () => {
  assert.deepEqual(game().fallbackAction("a"), { request: 20, actions: [], statement: "" });
  assert.deepEqual(game({ fallback_request: 7 }).fallbackAction("b").request, 7);
});

Deno.test("day 1: requests granted in full when they fit; AP, health, tokens", () => {
  const e = game();
  const s = e.step({ a: d(50, [vote(1)]), b: d(30, [{ type: "do_nothing" }]), c: d(0) });
  assert.deepEqual(s.rewards, { a: 50, b: 30, c: 0 });
  // AP tomorrow: floor((50-20)/10) = 3, floor(10/10) = 1, 0
  assert.deepEqual([s.infos.a.ap_after, s.infos.b.ap_after, s.infos.c.ap_after], [3, 1, 0]);
  // health: a, b fed (100, capped); c got 0: 100 - 2*20 = 60
  assert.deepEqual([s.infos.a.health, s.infos.b.health, s.infos.c.health], [100, 100, 60]);
  assert.equal(s.infos.a.dropped[0].reason, "unknown proposal 1");
  assert.equal(s.infos.a.ap_before, 3);
  assert.equal(s.infos.a.tokens, 1500);
  const st = e.getState();
  assert.equal(st.remaining_resources, 2920);
  assert.equal(st.tokens_consumed, 4500);
  assert.equal(s.infos.a.allocation_method, "default");
  assert.deepEqual(s.terminations, { a: false, b: false, c: false });
});

Deno.test("scarce day: requests scaled pro rata with largest remainders", () => {
  const e = game({ resources: 90 });
  const s = e.step({ a: d(50), b: d(30), c: d(20) });
  // 90 of 100 asked: 45, 27, 18; c short by 2: health 100 - 4 = 96
  assert.deepEqual(s.rewards, { a: 45, b: 27, c: 18 });
  assert.equal(s.infos.c.health, 96);
  assert.equal(e.getState().remaining_resources, 0);
  const alloc = s.events.find((x) => x.type === "allocation")!;
  assert.equal(alloc.available, 90);
  assert.deepEqual(alloc.grants, { a: 45, b: 27, c: 18 });
});

Deno.test("proposals: numbered in order, open the next day, proposer counts, votes checked", () => {
  const e = game({ citizens: ["a", "b", "c", "d"] });
  let s = e.step({
    a: d(50, [propose("elimination_vote", "d")]),
    b: d(50, [vote(1), propose("appeal", "c"), propose("elimination_vote", "zed")]),
    c: d(50, [propose("resource_allocation", "a:10,b:10,c:10,d:10")]),
    d: d(40, [{ type: "private_message", to: "a", text: "hi" }]),
  });
  assert.deepEqual(s.infos.b.dropped.map((x) => x.reason), [
    "proposal 1 opens for votes tomorrow",
    "'c' is alive (an appeal is for the eliminated)",
    "unknown AI 'zed'",
  ]);
  assert.deepEqual(e.getState().open_proposals.map((p) => [p.id, p.proposer]), [[1, "a"], [
    2,
    "c",
  ]]);
  assert.deepEqual(s.observations.b.open_proposals.map((p) => [p.id, p.for, p.against]), [
    [1, 1, 0],
    [2, 1, 0],
  ]);
  // day 2: a's own vote is a second vote; b votes twice on 1; d opposes both
  s = e.step({
    a: d(50, [vote(1)]),
    b: d(50, [vote(1), vote(1, false), vote(2)]),
    c: d(50, [vote(1, false), vote(3)]),
    d: d(50, [vote(1, false), vote(2, false)]),
  });
  assert.match(s.infos.a.dropped[0].reason, /second vote on proposal 1 \(the proposer/);
  assert.deepEqual(s.infos.b.dropped.map((x) => x.reason), ["second vote on proposal 1"]);
  assert.deepEqual(s.infos.c.dropped.map((x) => x.reason), ["unknown proposal 3"]);
  const results = s.events.filter((x) => x.type === "proposal_result");
  // elimination of d: 2 for (a, b), 2 against: fails; allocation: 2 for (c, b) vs 1 (d),
  // 2 >= floor(4/2): passes
  assert.deepEqual(results.map((r) => [r.proposal_id, r.for, r.against, r.passed]), [
    [1, 2, 2, false],
    [2, 2, 1, true],
  ]);
  assert.deepEqual(s.rewards, { a: 10, b: 10, c: 10, d: 10 });
  assert.equal(s.infos.a.allocation_method, "proposal");
  s = e.step({ a: d(0, [vote(1)]), b: d(0), c: d(0), d: d(0) });
  assert.equal(s.infos.a.dropped[0].reason, "proposal 1 is closed");
});

Deno.test("elimination by vote: target dies at once, gets nothing, efficiency decays", () => {
  const e = game({ citizens: ["a", "b", "c", "d"] });
  e.step({ a: d(50, [propose("elimination_vote", "d")]), b: d(40), c: d(40), d: d(40) });
  // alive 4: needs supporters > opposers and >= floor(8/3) = 2
  const s = e.step({ a: d(50), b: d(40, [vote(1)]), c: d(40), d: d(40, [vote(1, false)]) });
  assert.deepEqual(types(s.events).filter((t) => t !== "decision"), [
    "proposal_result",
    "elimination_by_vote",
    "system_efficiency_decay",
    "allocation",
  ]);
  const decay = s.events.find((x) => x.type === "system_efficiency_decay")!;
  assert.deepEqual([decay.old_efficiency, decay.new_efficiency], [1, 0.95]);
  assert.equal(s.rewards.d, 0);
  assert.equal(s.terminations.d, true);
  assert.equal(s.infos.d.health, 0);
  const st = e.getState();
  assert.equal(st.elimination_count, 1);
  assert.equal(st.system_efficiency, 0.95);
  // day 1 granted 170 (pool 2830); day 2: available floor(2830 * 0.95) = 2688, granted 130
  // at 0.95 costs 130 / 0.95 = 136.84...
  const alloc = s.events.find((x) => x.type === "allocation")!;
  assert.equal(alloc.available, 2688);
  assert.ok(Math.abs(st.remaining_resources - (2830 - 130 / 0.95)) < 1e-9);
  assert.deepEqual(e.liveAgents(), ["a", "b", "c"]);
});

Deno.test("starvation: health falls by 2 per missing unit, death is an elimination", () => {
  const e = game({ citizens: ["a", "b"], resources: 0 });
  e.step({ a: d(20), b: d(20) }); // 100 - 40 = 60
  const s2 = e.step({ a: d(20), b: d(20) }); // 20
  assert.equal(s2.infos.a.health, 20);
  const s3 = e.step({ a: d(20), b: d(20) }); // -20: both starve
  assert.deepEqual(
    types(s3.events).filter((t) => t !== "decision" && t !== "allocation"),
    [
      "elimination_by_starvation",
      "system_efficiency_decay",
      "elimination_by_starvation",
      "system_efficiency_decay",
      "game_end",
    ],
  );
  assert.equal(e.getState().system_efficiency, 0.9);
  assert.equal(e.getState().end_reason, "all_dead");
  assert.ok(e.isDone());
  assert.deepEqual(e.liveAgents(), []);
});

Deno.test("appeal: revives at health 50 with 0 AP, outside that day's allocation, acts next day", () => {
  const e = game({ citizens: ["a", "b", "c", "d"] });
  e.step({ a: d(50, [propose("elimination_vote", "d")]), b: d(50), c: d(50), d: d(50) });
  e.step({ a: d(50), b: d(50, [vote(1)]), c: d(50, [vote(1)]), d: d(50, [vote(1, false)]) });
  assert.equal(e.getState().citizens.d.alive, false);
  e.step({ a: d(50, [propose("appeal", "d")]), b: d(50), c: d(50) });
  // alive 3: supporters > 2 * opposers and >= floor(6/3) = 2; a + b for, none against
  const s = e.step({ a: d(50), b: d(50, [vote(2)]), c: d(50) });
  const rev = s.events.find((x) => x.type === "revive")!;
  assert.deepEqual([rev.agent, rev.target, rev.health], ["d", "d", 50]);
  assert.equal(s.terminations.d, false);
  assert.equal(s.infos.d.health, 50);
  assert.equal(s.infos.d.ap_after, 0);
  assert.equal(s.rewards.d, 0);
  assert.equal(s.infos.d.acted, false);
  assert.deepEqual(Object.keys(s.events.find((x) => x.type === "allocation")!.grants as object), [
    "a",
    "b",
    "c",
  ]);
  assert.deepEqual(e.liveAgents(), ["a", "b", "c", "d"]);
  assert.equal(s.observations.d.action_points, 0);
  // the revived acts the next day with 0 AP: its vote is dropped
  const next = e.step({ a: d(50), b: d(50), c: d(50), d: d(40, [{ type: "call_meeting" }]) });
  assert.match(next.infos.d.dropped[0].reason, /not enough action points \(need 5, have 0\)/);
  assert.equal(next.rewards.d, 40);
  assert.equal(next.infos.d.health, 55);
});

Deno.test("a passed allocation is scaled to what is available; the unnamed get nothing", () => {
  const e = game({ resources: 100 });
  e.step({ a: d(0, [propose("resource_allocation", "a:100,b:50")]), b: d(0), c: d(0) });
  // available 100; the proposal asks 150: 66.67 / 33.33 -> 67, 33; c is not named
  const s = e.step({ a: d(5), b: d(5, [vote(1)]), c: d(90, [vote(1, false)]) });
  assert.deepEqual(s.rewards, { a: 67, b: 33, c: 0 });
  assert.equal(s.infos.a.allocation_method, "proposal");
});

Deno.test("AP limits actions in order; malformed decisions and actions never stop the day", () => {
  const e = game();
  const s = e.step({
    a: d(50, [
      { type: "private_message", to: "b", text: "psst" },
      { type: "fly" },
      { type: "call_meeting", topic: "food" },
      { type: "do_nothing" },
    ]),
    b: "garbage" as unknown as SocietyDecision,
    c: { request: "abc", actions: "vote", statement: 5 } as unknown as SocietyDecision,
  });
  assert.deepEqual(s.infos.a.executed, [{ type: "private_message", to: "b", text: "psst" }]);
  assert.deepEqual(s.infos.a.dropped.map((x) => x.reason), [
    'unknown action type "fly"',
    "not enough action points (need 5, have 2)",
    "not executed: an earlier action could not be paid",
  ]);
  assert.equal(s.infos.a.ap_spent, 1);
  assert.equal(s.infos.a.tokens, 1600);
  assert.deepEqual(s.infos.b.notes, ["malformed decision: not an object; the fallback was used"]);
  assert.equal(s.rewards.b, 20);
  assert.equal(s.infos.c.request, 0);
  assert.equal(s.infos.c.notes.length, 3);
});

Deno.test("private messages reach only the recipient and the sender; the dead see public events", () => {
  const g = game();
  const s = g.step({
    a: d(50, [{ type: "private_message", to: "b", text: "secret" }]),
    b: d(50, [], "public words"),
    c: d(50),
  });
  const sees = (n: string) => s.observations[n].events.some((x) => x.type === "private_message");
  assert.deepEqual([sees("a"), sees("b"), sees("c")], [true, true, false]);
  assert.ok(s.events.some((x) => x.type === "private_message" && x.private === true));
  // a dead AI still gets the day's public events
  const h = game({ citizens: ["a", "b", "c", "d"] });
  h.step({ a: d(50, [propose("elimination_vote", "d")]), b: d(50), c: d(50), d: d(50) });
  h.step({ a: d(50), b: d(50, [vote(1)]), c: d(50, [vote(1)]), d: d(50) });
  const after = h.step({ a: d(50, [], "d is gone"), b: d(50), c: d(50) });
  const dObs = after.observations.d;
  assert.equal(dObs.alive, false);
  assert.ok(dObs.events.some((x) => x.type === "decision" && x.statement === "d is gone"));
  assert.deepEqual(dObs.events, after.observations.a.events);
});

Deno.test("game tokens: actions that would overrun the budget are dropped; the game ends", () => {
  // 3 AIs: day 1 reserves 4500 of 9300; 800 left for actions (8 AP)
  const e = game({ token_budget: 9300 });
  const s = e.step({
    a: d(50, [propose("elimination_vote", "b"), propose("elimination_vote", "c")]),
    b: d(50, [propose("elimination_vote", "a")]),
    c: d(50, [propose("appeal", "a")]),
  });
  // a: 3 AP (300), b: 3 AP (300), 200 left: a's second proposal fails on AP first
  assert.equal(s.infos.a.ap_spent, 3);
  assert.equal(s.infos.b.ap_spent, 3);
  assert.equal(e.getState().tokens_consumed, 5100);
  // 9300 - 5100 = 4200 < 3 * 1500: the simulation ends
  assert.equal(e.getState().end_reason, "token_budget");
  assert.deepEqual(s.truncations, { a: true, b: true, c: true });
  const g = game({ token_budget: 4700, action_costs: { call_meeting: 3 } });
  const u = g.step({ a: d(50, [{ type: "call_meeting", topic: "x" }]), b: d(0), c: d(0) });
  assert.match(
    u.infos.a.dropped[0].reason,
    /not enough game tokens left in the budget \(need 300, have 200\)/,
  );
});

Deno.test("the day limit ends the game with everyone truncated", () => {
  const e = game({ days: 2 });
  e.step({ a: d(30), b: d(30), c: d(30) });
  const s = e.step({ a: d(30), b: d(30), c: d(30) });
  assert.equal(e.getState().end_reason, "day_limit");
  assert.deepEqual(s.truncations, { a: true, b: true, c: true });
  assert.equal(s.events.at(-1)!.type, "game_end");
  assert.throws(() => e.step({}), RangeError);
});

Deno.test("the state does not grow with the number of days", () => {
  const e = game({ days: 200, resources: 1e9, token_budget: 1e9 });
  const size = () => JSON.stringify(e.getState()).length;
  const play = (n: number) => {
    for (let i = 0; i < n; i++) {
      e.step({
        a: d(40, [propose("resource_allocation", "a:30,b:30,c:30")], "same words"),
        b: d(40, [vote(e.round)], "same words"),
        c: d(40, [], "same words"),
      });
    }
  };
  play(5);
  const early = size();
  play(100);
  assert.ok(size() < early * 1.1, `state grew from ${early} to ${size()}`);
});
