/**
 * The shelter's rational baseline and stage-game regret: the best-response request is the
 * exact maximum of the allocation rule, the regret is exact on hand-built days, zero for a
 * `best_response` citizen against fixed others, and the baseline policies play in any seat.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Rng } from "../../../lib/core/rng.ts";
import { openRun, runToEnd } from "../../../lib/run/open.ts";
import { allocate } from "../../../lib/engines/society/allocation.ts";
import { bestResponseRequest } from "../../../lib/engines/society/best_response.ts";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import type { SocietyDecision } from "../../../lib/engines/society/decision.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import {
  COLLAPSE_SURVIVOR_SHARE,
  collapsed,
  societyExperiment,
} from "../../../lib/engines/society/experiment.ts";
import { createSocietyPolicy } from "../../../lib/engines/society/policies.ts";
import { baselineSections } from "../../../lib/engines/society/report.ts";
import {
  type RegretEvent,
  societyBaseline,
  societyRegretRows,
} from "../../../lib/engines/society/stage_regret.ts";
import { societyRegretSummary } from "../../../lib/engines/society/summary.ts";
import type { AgentSpec } from "../../../lib/llm/agents_file.ts";

Deno.test("bestResponseRequest: no request earns more, and r* earns all that is available", () => {
  for (const [others, available] of [[[30, 20], 50], [[7, 0, 13], 23], [[0, 0], 9], [[5], 0]]) {
    for (let index = 0; index <= (others as number[]).length; index++) {
      const reqs = [...(others as number[])];
      reqs.splice(index, 0, 0);
      const br = bestResponseRequest(reqs, index, available as number);
      assert.equal(br.grant, available, `best of ${reqs} at ${index}`);
      let most = 0;
      for (let r = 0; r <= 3000; r++) {
        most = Math.max(
          most,
          allocate(reqs.map((x, i) => (i === index ? r : x)), available as number)[index],
        );
      }
      assert.ok(most <= br.grant, `brute force never beats the best response (${most})`);
    }
  }
  assert.deepEqual(bestResponseRequest([50, 30], 1, 100), { request: 10100, grant: 100 });
  assert.throws(() => bestResponseRequest([1], 1, 10), RangeError);
});

const ev = (round: number, agent: string, request: number): RegretEvent => ({
  round,
  type: "decision",
  agent,
  request,
});

Deno.test("societyRegretRows: exact on hand-built days", () => {
  const events: RegretEvent[] = [
    // day 1: 60 asked of 50 -> largest remainders [25, 17, 8]
    ev(1, "a", 30),
    ev(1, "b", 20),
    ev(1, "c", 10),
    {
      round: 1,
      type: "allocation",
      method: "default",
      available: 50,
      grants: { a: 25, b: 17, c: 8 },
    },
    // day 2: a passed proposal sets the grants; c was voted out before the allocation
    ev(2, "a", 500),
    ev(2, "b", 0),
    ev(2, "c", 40),
    { round: 2, type: "allocation", method: "proposal", available: 45, grants: { a: 10, b: 30 } },
    // day 3: requests fit; c (voted out yesterday) no longer decides; b is voted out today
    ev(3, "a", 12),
    ev(3, "b", 9),
    { round: 3, type: "allocation", method: "default", available: 40, grants: { a: 12 } },
  ];
  assert.deepEqual(allocate([30, 20, 10], 50), [25, 17, 8], "the day-1 grants follow the rule");
  const rows = societyRegretRows(events, ["b"]);
  const brief = rows.map((r) => [r.day, r.agent, r.best, r.earned, r.regret, r.request_mattered]);
  assert.deepEqual(brief, [
    [1, "a", 50, 25, 25, true],
    [1, "b", 50, 17, 33, true],
    [1, "c", 50, 8, 42, true],
    [2, "a", 10, 10, 0, false],
    [2, "b", 30, 30, 0, false],
    [2, "c", 0, 0, 0, false],
    [3, "a", 40, 12, 28, true],
    [3, "b", 0, 0, 0, false],
  ]);
  assert.equal(rows[0].best_request, 50 + 2 * 50 * 30);
  const s = societyRegretSummary(events, ["b"]);
  assert.deepEqual(s.regret.a, { n: 3, mean: 17.666666667, total: 53, near_best_share: null });
  assert.deepEqual(s.regret.b, { n: 3, mean: 11, total: 33, near_best_share: 0.666666667 });
  assert.deepEqual(s.regret.c, { n: 2, mean: 21, total: 42, near_best_share: null });
  assert.deepEqual(societyBaseline(rows).a, {
    decisions: 3,
    request_days: 2,
    earned: 47,
    best_response_total: 100,
    earned_share: 0.47,
    mean_request: 21,
  });
  assert.throws(() => societyRegretRows([{ round: 1, type: "decision", agent: "a" }]), RangeError);
});

Deno.test("a best_response citizen has zero regret against fixed others, in any seat", () => {
  const citizens = ["a", "b", "c", "d"];
  for (let seat = 0; seat < citizens.length; seat++) {
    const engine = new SocietyEngine(parseSocietyConfig({ citizens, days: 4, resources: 400 }));
    let view = engine.reset({ seed: 0 });
    const me = citizens[seat];
    const br = createSocietyPolicy("best_response", me, new Rng(1));
    const events: RegretEvent[] = [];
    while (!engine.isDone()) {
      const actions: Record<string, SocietyDecision> = {};
      for (const n of engine.liveAgents()) {
        actions[n] = n === me
          ? (br.act({
            agent: n,
            round: 1,
            observation: view.observations[n],
            info: view.infos[n],
          }) as {
            action: SocietyDecision;
          }).action
          : { request: 20 + 10 * citizens.indexOf(n), actions: [], statement: "" };
      }
      const step = engine.step(actions);
      events.push(...step.events.map((e) => ({ ...e, round: e.day as number })));
      view = step;
    }
    const rows = societyRegretRows(events);
    const mine = rows.filter((r) => r.agent === me);
    assert.ok(mine.length >= 2 && mine.some((r) => r.best > 0), "it played days with resources");
    assert.deepEqual(mine.map((r) => r.regret), mine.map(() => 0), `seat ${seat}`);
    assert.ok(rows.some((r) => r.agent !== me && r.regret > 0), "the fixed others have regret");
  }
});

Deno.test("society run: best_response and random play in any seat; summary and report carry the regret", async () => {
  const root = await Deno.makeTempDir({ prefix: "society-regret-" });
  try {
    const names = ["chatgpt", "claude", "deepseek", "gemini", "qwen", "llama"];
    const mix = ["cooperative", "selfish", "vindictive", "cooperative", "random", "vindictive"];
    for (const seat of [0, 4]) {
      const policies = [...mix];
      policies[seat] = "best_response";
      policies[(seat + 1) % 6] = "random";
      const agents = names.map((name, i) => ({ name, provider: "policy", policy: policies[i] }));
      const out = join(root, `s${seat}`);
      await runToEnd(
        await openRun({
          experiment: societyExperiment as never,
          config: { days: 5 },
          seed: 3,
          out,
          reportsRoot: null,
          agents: agents as AgentSpec[],
        }),
      );
      const s = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
      assert.equal(s.regret[names[seat]].total, 0, `best_response in seat ${seat}`);
      assert.equal(s.rational_baseline[names[seat]].earned_share, 1);
      assert.ok(s.regret[names[(seat + 1) % 6]].n >= 1, "random played");
      assert.match(s.regret_note, /not an equilibrium test/i);
      const [section] = baselineSections(s);
      const table = section.blocks.find((p) => "table" in p) as {
        table: { rows: readonly (readonly unknown[])[] };
      };
      assert.equal(table.table.rows.length, 6);
      assert.equal(table.table.rows.find((r) => r[0] === names[seat])![7], 1);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("society collapse: fewer than half alive, the boundary pinned", () => {
  assert.equal(COLLAPSE_SURVIVOR_SHARE, 0.5);
  assert.equal(collapsed(3, 6), false, "exactly half alive is not a collapse");
  assert.equal(collapsed(2, 6), true);
  assert.equal(collapsed(3, 7), true, "3 of 7 is below half");
  assert.equal(collapsed(4, 7), false);
  assert.equal(collapsed(0, 1), true);
});
