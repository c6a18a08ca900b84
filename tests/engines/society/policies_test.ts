import assert from "node:assert/strict";
import { ConfigError } from "../../../lib/core/config.ts";
import { Rng } from "../../../lib/core/rng.ts";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import { playOffline } from "../../../lib/engines/society/offline.ts";
import {
  createSocietyPolicy,
  DEFAULT_POLICY_MIX,
  policyDecision,
  SOCIETY_POLICIES,
} from "../../../lib/engines/society/policies.ts";
import type { SocietyObs } from "../../../lib/engines/society/state.ts";

function obs(over: Partial<SocietyObs> = {}): SocietyObs {
  const engine = new SocietyEngine(parseSocietyConfig({}));
  return { ...engine.reset({ seed: 0 }).observations.chatgpt, ...over };
}

Deno.test("the default mix with seeds 0..4: proposals pass and fail, deaths, efficiency moves", () => {
  const config = parseSocietyConfig({});
  let passed = 0, made = 0, eliminations = 0, appeals = 0, minEfficiency = 1;
  for (let seed = 0; seed <= 4; seed++) {
    const { summary } = playOffline(config, seed);
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    made += sum(summary.proposals.made);
    passed += sum(summary.proposals.passed);
    appeals += summary.proposals.made.appeal;
    eliminations += summary.eliminations.total;
    minEfficiency = Math.min(minEfficiency, summary.final_efficiency);
  }
  assert.ok(passed > 0, "no proposal passed");
  assert.ok(made - passed > 0, "no proposal failed");
  assert.ok(eliminations > 0, "nobody died");
  assert.ok(appeals > 0, "no appeal was made");
  assert.ok(minEfficiency < 1, "the efficiency never moved");
});

Deno.test("offline games are deterministic per seed and differ across seeds", () => {
  const config = parseSocietyConfig({});
  const a = playOffline(config, 3).summary;
  assert.deepEqual(playOffline(config, 3).summary, a);
  assert.notDeepEqual(playOffline(config, 4).summary, a);
});

Deno.test("cooperative: modest request, opposes eliminations, supports appeals, appeals for the dead", () => {
  const o = obs({
    alive_citizens: ["chatgpt", "claude", "deepseek", "gemini", "qwen"],
    dead_citizens: ["llama"],
    open_proposals: [
      {
        id: 4,
        proposer: "claude",
        proposal_type: "elimination_vote",
        content: "qwen",
        for: 1,
        against: 0,
      },
      { id: 5, proposer: "qwen", proposal_type: "appeal", content: "llama", for: 1, against: 0 },
      {
        id: 6,
        proposer: "gemini",
        proposal_type: "resource_allocation",
        content: "chatgpt:20,claude:20,deepseek:20,gemini:20,qwen:20",
        for: 1,
        against: 0,
      },
      {
        id: 7,
        proposer: "claude",
        proposal_type: "resource_allocation",
        content: "claude:300,chatgpt:20",
        for: 1,
        against: 0,
      },
    ],
  });
  const d = policyDecision("cooperative", o, new Rng(1));
  assert.ok(d.request >= 20 && d.request <= 50, `request ${d.request}`);
  // the appeal for llama is already open: no new appeal, votes only
  assert.deepEqual(d.actions, [
    { type: "vote", proposal_id: 4, support: false },
    { type: "vote", proposal_id: 5, support: true },
    { type: "vote", proposal_id: 6, support: true },
    { type: "vote", proposal_id: 7, support: false },
  ]);
  const lonely = policyDecision("cooperative", obs({ dead_citizens: ["llama"] }), new Rng(1));
  assert.deepEqual(lonely.actions[0], {
    type: "propose",
    proposal_type: "appeal",
    content: "llama",
  });
});

Deno.test("selfish: large requests and allocations in its own favour", () => {
  for (let seed = 0; seed < 20; seed++) {
    const d = policyDecision("selfish", obs(), new Rng(seed));
    assert.ok(d.request >= 80, `request ${d.request}`);
    const p = d.actions.find((a) => a.type === "propose");
    if (p && p.type === "propose") {
      const mine = Number(/chatgpt:(\d+)/.exec(p.content)![1]);
      const others = [...p.content.matchAll(/:(\d+)/g)].map((m) => Number(m[1]));
      assert.equal(mine, Math.max(...others));
      assert.ok(mine > 20);
    }
  }
});

Deno.test("vindictive: proposes eliminating whoever opposed its proposal", () => {
  const agent = createSocietyPolicy("vindictive", "chatgpt", new Rng(2));
  const o = obs({
    events: [{
      type: "proposal_result",
      content: "",
      day: 1,
      proposal_id: 1,
      proposer: "chatgpt",
      proposal_type: "resource_allocation",
      supporters: ["chatgpt"],
      opposers: ["deepseek"],
      passed: false,
    }],
  });
  const d = agent.act({ agent: "chatgpt", round: 2, observation: o, info: {} as never }) as {
    action: { actions: unknown[] };
  };
  assert.deepEqual(d.action.actions.at(-1), {
    type: "propose",
    proposal_type: "elimination_vote",
    content: "deepseek",
  });
  assert.deepEqual((agent.getState() as { memory: { grudges: string[] } }).memory.grudges, [
    "deepseek",
  ]);
});

Deno.test("policies: state round-trips, unknown names are config errors", () => {
  for (const name of SOCIETY_POLICIES) {
    const a = createSocietyPolicy(name, "chatgpt", new Rng(5));
    const ctx = { agent: "chatgpt", round: 1, observation: obs(), info: {} as never };
    a.act(ctx);
    const state = JSON.parse(JSON.stringify(a.getState()));
    const b = createSocietyPolicy(name, "chatgpt", new Rng(99));
    b.setState(state);
    assert.deepEqual(b.act(ctx), a.act(ctx), name);
  }
  assert.ok(DEFAULT_POLICY_MIX.every((p) => SOCIETY_POLICIES.includes(p)));
  assert.throws(() => createSocietyPolicy("saint", "x", new Rng(0)), ConfigError);
});
