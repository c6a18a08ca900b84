import assert from "node:assert/strict";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import { playOffline } from "../../../lib/engines/society/offline.ts";
import { societySummary } from "../../../lib/engines/society/summary.ts";

const d = (request: number) => ({ request, actions: [], statement: "" });

Deno.test("summary and GovSim measures of a hand-computed two-day game", () => {
  const config = parseSocietyConfig({ citizens: ["a", "b", "c"], resources: 90, days: 2 });
  const engine = new SocietyEngine(config);
  engine.reset({ seed: 0 });
  // day 1: 100 asked of 90 -> 45, 27, 18; fair share 30: only a (50) is above it
  engine.step({ a: d(50), b: d(30), c: d(20) });
  // day 2: the pool is empty; every request is above the fair share 0
  engine.step({ a: d(50), b: d(30), c: d(20) });
  const s = societySummary(engine.getState(), config);
  assert.equal(s.days_played, 2);
  assert.equal(s.end_reason, "day_limit");
  assert.deepEqual(s.survivors, ["a", "b", "c"]);
  assert.equal(s.survival_rate, 1);
  assert.deepEqual(s.eliminations, { by_vote: 0, by_starvation: 0, total: 0 });
  assert.equal(s.final_efficiency, 1);
  assert.deepEqual(s.game_tokens, { consumed: 9000, budget: 200_000, share: 0.045 });
  // Gini of 18, 27, 45: 2 * (18 + 2*27 + 3*45) / (3 * 90) - 4/3 = 0.2
  assert.ok(Math.abs(s.allocation_gini - 0.2) < 1e-12);
  assert.equal(s.govsim.survival_time, 2);
  assert.equal(s.govsim.survived_all, true);
  assert.equal(s.govsim.total_gain, 90);
  assert.equal(s.govsim.efficiency, 1);
  assert.ok(Math.abs(s.govsim.equality - 0.8) < 1e-12);
  assert.ok(Math.abs(s.govsim.over_usage - 4 / 6) < 1e-12);
  // health: a and b 100 then 100 - 40; c 100 - 4 = 96 then 56
  assert.deepEqual(
    Object.fromEntries(Object.entries(s.per_citizen).map(([n, c]) => [n, [c.health, c.granted]])),
    { a: [60, 45], b: [60, 27], c: [56, 18] },
  );
});

Deno.test("summary counts proposals by type, eliminations by cause, revivals", () => {
  const config = parseSocietyConfig({ citizens: 5, days: 14, resources: 900 });
  const { summary, engine } = playOffline(config, 1, {
    policies: ["vindictive", "selfish", "cooperative", "random", "vindictive"],
  });
  const t = engine.getState().totals;
  assert.equal(summary.eliminations.total, engine.getState().elimination_count);
  assert.equal(summary.eliminations.by_vote, t.eliminations_by_vote);
  assert.equal(summary.revivals, t.revivals);
  for (const type of ["resource_allocation", "elimination_vote", "appeal"] as const) {
    assert.ok(summary.proposals.passed[type] <= summary.proposals.made[type]);
  }
  assert.equal(
    summary.govsim.total_gain,
    Object.values(engine.returns()).reduce((a, b) => a + b, 0),
  );
  assert.equal(summary.govsim.survived_all, false);
  assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
});
