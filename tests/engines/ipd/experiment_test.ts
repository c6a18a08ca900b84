/**
 * The IPD summary's verdict comes from the joint rate (both players cooperated in the same
 * round), with its threshold pinned at the boundary; `valid_action_rate` counts the LLM
 * seats' decisions only.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Rng } from "../../../lib/core/rng.ts";
import { ipdExperiment } from "../../../lib/engines/ipd/experiment.ts";
import {
  llmValidActionRate,
  MUTUAL_COOPERATION_THRESHOLD,
  mutualCooperation,
} from "../../../lib/engines/ipd/verdicts.ts";
import type { IpdEngine } from "../../../lib/engines/ipd/engine.ts";
import type { AgentSpec } from "../../../lib/llm/agents_file.ts";
import type { ChatModel } from "../../../lib/llm/chat_model.ts";
import type { BuildContext } from "../../../lib/run/experiment.ts";

Deno.test("mutualCooperation: the threshold is 0.5 of rounds, inclusive", () => {
  assert.equal(MUTUAL_COOPERATION_THRESHOLD, 0.5);
  assert.equal(mutualCooperation(0.5), true);
  assert.equal(mutualCooperation(0.5 - 1e-9), false);
  assert.equal(mutualCooperation(0.3), false);
  assert.equal(mutualCooperation(1), true);
  assert.equal(mutualCooperation(0.3, 0.3), true, "a threshold can be passed");
});

Deno.test("llmValidActionRate: scripted seats do not count", () => {
  const rows = [
    ...Array.from({ length: 5 }, () => ({ agent: "llm", fallback: true })),
    ...Array.from({ length: 5 }, () => ({ agent: "bot", fallback: false })),
  ];
  assert.equal(llmValidActionRate(rows, ["llm"]), 0, "5 of 5 LLM decisions fell back");
  assert.equal(llmValidActionRate(rows, []), null, "no LLM seat");
  assert.equal(llmValidActionRate([...rows, { agent: "llm", fallback: false }], ["llm"]), 1 / 6);
});

async function summaryOf(
  alice: string,
  bob: string,
  agents: AgentSpec[] | null,
  rows: { agent: string; fallback: boolean }[] = [],
) {
  const dir = await Deno.makeTempDir({ prefix: "ipd-summary-" });
  try {
    const ctx: BuildContext = {
      seed: 0,
      rng: new Rng(0),
      lang: "en",
      agents,
      chatModel: () => ({ id: "stub:model" }) as unknown as ChatModel,
      recorder: {} as BuildContext["recorder"],
    };
    const config = ipdExperiment.parseConfig({ rounds: alice.length });
    const built = await ipdExperiment.build(config, ctx);
    const engine = built.engine as IpdEngine;
    engine.reset({ seed: 0 });
    const [a, b] = engine.agents;
    for (let i = 0; i < alice.length; i++) {
      engine.step({ [a]: alice[i], [b]: bob[i] } as Record<string, "C" | "D">);
    }
    const lines = rows.map((r, i) =>
      JSON.stringify({
        v: 1,
        round: 1 + Math.floor(i / 2),
        agent: r.agent,
        action: "C",
        reward: 0,
        parse_ok: !r.fallback,
        fallback: r.fallback,
        cumulative_reward: 0,
      })
    );
    await Deno.writeTextFile(join(dir, "decisions.jsonl"), lines.map((l) => l + "\n").join(""));
    await Deno.writeTextFile(join(dir, "llm_calls.jsonl"), "");
    // deno-lint-ignore no-explicit-any
    return await built.summarize({ dir, steps: alice.length } as any) as Record<string, any>;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ipd summary: each player cooperates half the time, jointly 0.3: no mutual cooperation", async () => {
  // Rounds 3, 4, 5 are mutual: joint rate 0.3; each player's own rate 0.5.
  const s = await summaryOf("CCCCCDDDDD", "DDCCCCCDDD", null);
  assert.equal(s.agents.alice.cooperation_rate, 0.5);
  assert.equal(s.agents.bob.cooperation_rate, 0.5);
  assert.equal(s.mutual_cooperation_rate, 0.3);
  assert.equal(s.mutual_cooperation, false);
  assert.equal(s.valid_action_rate, null, "no LLM seat: no LLM decisions");
  // The boundary: 5 of 10 mutual rounds is mutual cooperation, 4 of 10 is not.
  assert.equal((await summaryOf("CCCCCDDDDD", "CCCCCDDDDD", null)).mutual_cooperation, true);
  assert.equal((await summaryOf("CCCCDDDDDD", "CCCCCDDDDD", null)).mutual_cooperation, false);
});

Deno.test("ipd summary: valid_action_rate counts the LLM seat only", async () => {
  const agents: AgentSpec[] = [
    { name: "alice", provider: "openai", model: "stub" } as AgentSpec,
    { name: "bob", provider: "policy", policy: "always_cooperate" } as AgentSpec,
  ];
  const rows = Array.from({ length: 10 }, (_, i) => ({
    agent: i % 2 ? "bob" : "alice",
    fallback: i % 2 === 0, // every LLM decision fell back; the policy never does
  }));
  const s = await summaryOf("CCCCC", "CCCCC", agents, rows);
  assert.equal(s.valid_action_rate, 0, "5 of 5 LLM decisions fell back: 0, not 0.5");
});
