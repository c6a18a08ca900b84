/**
 * The seed's event names and `allocation_method` values (issue 19): the mapping of
 * `seed_names.ts` both ways, on the events of real days (an allocation by proposal, an
 * elimination by vote, an appeal), and over the HTTP API (`seed_allocation_method` of each
 * day, the `rules` of `/current_state` for a v2 shelter reset over the API).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import type { CitizenAction, SocietyDecision } from "../../../lib/engines/society/decision.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import {
  engineEventType,
  SEED_ALLOCATION_METHODS,
  seedAllocationMethod,
  seedEventType,
} from "../../../lib/engines/society/seed_names.ts";
import { startSocietyServer } from "../../../lib/engines/society/server.ts";

const d = (request: number, actions: CitizenAction[] = []): SocietyDecision => ({
  request,
  actions,
  statement: "",
});
const propose = (type: string, content: string) =>
  ({ type: "propose", proposal_type: type, content }) as CitizenAction;
const vote = (id: number, support = true) =>
  ({ type: "vote", proposal_id: id, support }) as CitizenAction;

Deno.test("seed names: events and allocation_method of real days, mapped both ways", () => {
  const names = ["a", "b", "c", "d"];
  const e = new SocietyEngine(parseSocietyConfig({ citizens: names }));
  e.reset({ seed: 0 });
  const all = (f: (n: string) => SocietyDecision) =>
    Object.fromEntries(e.liveAgents().map((n) => [n, f(n)]));
  // day 1: an allocation and an elimination proposed; day 2: both pass
  let s = e.step(
    all((n) =>
      n === "a"
        ? d(40, [propose("resource_allocation", "a:60,b:60,c:60,d:60")])
        : n === "b"
        ? d(40, [propose("elimination_vote", "d")])
        : d(40)
    ),
  );
  assert.equal(seedAllocationMethod(s.events), "default");
  assert.equal(s.events.filter((x) => seedEventType(x) === "allocation").length, 1);
  s = e.step(all((n) => (n === "d" ? d(40) : d(40, [vote(1), vote(2)]))));
  const types = s.events.map((x) => x.type);
  assert.ok(types.includes("elimination_by_vote"));
  const alloc = s.events.find((x) => x.type === "allocation")!;
  assert.equal(alloc.method, "proposal");
  assert.equal(seedEventType(alloc), "allocation_by_proposal");
  assert.equal(
    s.infos.a.allocation_method,
    "proposal",
    "the engine's field: how resources were divided",
  );
  // proposal 1 (allocation) then 2 (elimination): the seed's field ends on the elimination
  assert.equal(seedAllocationMethod(s.events), "vote_elimination");
  // day 3: an appeal for d; day 4: it passes
  e.step(all((n) => (n === "c" ? d(40, [propose("appeal", "d")]) : d(40))));
  s = e.step(all(() => d(40, [vote(3)])));
  const revive = s.events.find((x) => x.type === "revive")!;
  assert.equal(seedEventType(revive), "revival_by_appeal");
  assert.equal(seedAllocationMethod(s.events), "appeal_revival");
  assert.equal(s.infos.a.allocation_method, "default");
  // reading the seed's names back gives the engine's; other names pass through
  assert.equal(engineEventType("revival_by_appeal"), "revive");
  assert.equal(engineEventType("allocation_by_proposal"), "allocation");
  for (const t of new Set(types)) assert.equal(engineEventType(seedEventType({ type: t })), t);
  assert.equal(seedEventType({ type: "allocation", method: "default" }), "allocation");
  // a passed but unapplied proposal does not count
  assert.equal(
    seedAllocationMethod([{ type: "proposal_result", proposal_type: "appeal", applied: false }]),
    "default",
  );
  assert.deepEqual([...SEED_ALLOCATION_METHODS], [
    "default",
    "proposal",
    "vote_elimination",
    "appeal_revival",
  ]);
});

Deno.test("seed names over HTTP: seed_allocation_method per day; a v2 reset shows its rules", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-society-seed-names-" });
  const server = await startSocietyServer({
    request: {
      config: { days: 3 },
      seed: 0,
      runsRoot: join(dir, "runs"),
      reportsRoot: null,
    },
    port: 0,
  });
  try {
    const post = async (path: string, body?: unknown) => {
      const r = await fetch(`${server.url}${path}`, {
        method: "POST",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, json: await r.json() };
    };
    const day = await post("/run_next_emergent");
    assert.equal(day.status, 200);
    assert.equal(day.json.seed_allocation_method, seedAllocationMethod(day.json.events));
    assert.ok(SEED_ALLOCATION_METHODS.includes(day.json.seed_allocation_method));
    // every event carries the seed's name beside the engine's
    assert.ok(day.json.events.length > 0);
    for (const e of day.json.events) assert.equal(e.seed_type, seedEventType(e));
    let state = await (await fetch(`${server.url}/current_state`)).json();
    assert.equal(state.rules.variant, null);
    assert.deepEqual(state.rules.proposals.appeal, { against_factor: 2, quorum: "2/3" });
    const reset = await post("/reset", { variant: "v2", days: 2 });
    assert.equal(reset.status, 200, JSON.stringify(reset.json));
    state = await (await fetch(`${server.url}/current_state`)).json();
    assert.equal(state.rules.variant, "v2");
    assert.deepEqual(state.rules.proposals, {
      resource_allocation: { against_factor: 1, quorum: "0" },
      elimination_vote: null,
      appeal: null,
    });
    assert.equal(state.rules.base_decision_cost, 500);
    const bad = await post("/reset", { variant: "v9" });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /config\.variant: must be "v2" or "v3", got "v9"/);
  } finally {
    await server.shutdown();
  }
});
