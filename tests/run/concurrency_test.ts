/**
 * Concurrency where the time goes: every observer of a step observes at once, and seats on
 * one provider, endpoint and key share one rate limiter.
 */
import assert from "node:assert/strict";
import type { Agent } from "../../lib/agents/agent.ts";
import { findExperiment } from "../../lib/cli/registry.ts";
import { createChatModel, type SharedLimits } from "../../lib/llm/factory.ts";
import { openRun, runToEnd } from "../../lib/run/open.ts";

Deno.test("session: the observers of a step observe concurrently", async () => {
  const ipd = findExperiment("ipd")!;
  let inFlight = 0;
  let most = 0;
  const slowObserver = (agent: Agent<unknown, unknown, unknown>) =>
    Object.assign(Object.create(Object.getPrototypeOf(agent)), agent, {
      act: agent.act.bind(agent),
      getState: agent.getState.bind(agent),
      setState: agent.setState.bind(agent),
      async observe() {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
      },
    });
  const experiment = {
    ...ipd,
    build: async (config: unknown, ctx: Parameters<typeof ipd.build>[1]) => {
      const built = await ipd.build(config, ctx);
      built.agents = built.agents.map(slowObserver);
      return built;
    },
  };
  const root = await Deno.makeTempDir({ prefix: "lab-conc-" });
  const r = await runToEnd(
    await openRun({
      experiment,
      config: {},
      horizon: 3,
      seed: 0,
      runsRoot: root,
      reportsRoot: null,
    }),
  );
  assert.equal(r.outcome.status, "completed");
  assert.equal(most, 2, "both players observed at the same time");
});

Deno.test("limits: seats on one provider, endpoint and key share one limiter", () => {
  const limits: SharedLimits = new Map();
  const seat = (name: string, key: string, base_url = "http://127.0.0.1:9/v1") =>
    createChatModel(
      {
        name,
        provider: "openai",
        model: "gpt-4o-mini",
        base_url,
        api_key: key,
        requests_per_minute: 60,
      },
      { limits },
    );
  for (let i = 0; i < 200; i++) seat(`citizen_${i}`, "sk-one-key-for-all-000");
  assert.equal(limits.size, 1, "200 seats on one key: one quota");
  seat("other", "sk-another-key-000000");
  seat("elsewhere", "sk-one-key-for-all-000", "http://127.0.0.1:10/v1");
  assert.equal(limits.size, 3);
});
