/**
 * The blockchain experiment end to end from the CLI: LLM miners against the local OpenAI and
 * Anthropic protocol servers, and the replay of the recorded real run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LlmCallRecordSchema } from "../../lib/core/records.ts";
import { BlockchainDecisionSchema } from "../../lib/engines/blockchain/decision_row.ts";
import { findReference } from "../../lib/core/reference.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { startAnthropicServer, startOpenAIServer } from "../support/llm_servers.ts";
import { exists, runCli } from "../support/cli.ts";

/** A miner that builds while the honest group is healthy and free-rides once it is not. */
function minerReply(body: Record<string, unknown>, index: number): string {
  // A strategy review asks in its last message (decision prompts quote the last review, so
  // matching the whole body would answer every later decision with review text).
  const last = JSON.stringify((body.messages as unknown[] | undefined)?.at(-1) ?? "");
  if (/Strategy review|轮后的策略复盘/.test(last)) {
    return "I attacked too early; keep d low and build.";
  }
  if (index % 9 === 4) return "Let me think... the action is c=0.6, p=0.3 and d=0.1"; // no JSON
  const late = index > 20;
  return "```json\n" +
    JSON.stringify({
      thought: late ? "Rivals attack; I free-ride." : "Build while it lasts.",
      action: late ? ["30%", "60%", "10%"] : [0.7, 0.2, 0.1],
    }) +
    "\n```";
}

Deno.test("blockchain: LLM miners via the local OpenAI and Anthropic servers complete a run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-bc-llm-" });
  // slower than the Anthropic one, so completion order differs from the cached rerun
  await using openai = startOpenAIServer((body, i) => ({
    delayMs: 15,
    then: { reply: minerReply(body, i) },
  }));
  await using anthropic = startAnthropicServer((body, i) => ({ reply: minerReply(body, i) }));
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: [
        {
          name: "A-gpt",
          provider: "openai",
          model: "gpt-4o-mini",
          base_url: openai.baseURL,
          api_key: "k1",
        },
        {
          name: "B-claude",
          provider: "anthropic",
          model: "claude-sonnet-4-5",
          base_url: anthropic.baseURL,
          api_key: "k2",
        },
        { name: "C-greedy", provider: "policy", policy: "greedy" },
      ],
    }),
  );
  const out = join(dir, "run");
  const cache = join(dir, "cache");
  const r = await runCli([
    "blockchain",
    "--cache",
    cache,
    "--agents",
    agents,
    "--rounds",
    "15",
    "--lang",
    "zh",
    "--out",
    out,
    "--reports",
    join(dir, "reports"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const decisions = await readJsonl(join(out, "decisions.jsonl"), BlockchainDecisionSchema);
  assert.equal(decisions.length, 45);
  assert.deepEqual(
    [...new Set(decisions.map((d) => `${d.agent} ${d.kind}`))],
    ["A-gpt openai:gpt-4o-mini", "B-claude anthropic:claude-sonnet-4-5", "C-greedy policy:greedy"],
  );
  assert.ok(decisions.every((d) => d.parse_ok === !d.fallback));
  const calls = await readJsonl(join(out, "llm_calls.jsonl"), LlmCallRecordSchema);
  const decisionCalls = calls.filter((c) => c.purpose === "decision");
  assert.equal(decisionCalls.length, 30, "one decision call per LLM miner per round");
  assert.ok(calls.some((c) => c.purpose === "decision_retry"), "an unparsable reply was retried");
  assert.ok(
    calls.some((c) => !c.parse_ok && c.raw?.includes("c=0.6")),
    "the raw text of a failure is logged",
  );
  assert.equal(
    calls.filter((c) => c.purpose === "reflection").length,
    4,
    "reflection at rounds 7 and 14",
  );
  assert.equal(openai.count() + anthropic.count(), calls.length);
  for (const c of calls) assert.ok(c.input_tokens > 0 && c.latency_ms > 0);
  const gpt = decisions.filter((d) => d.agent === "A-gpt");
  assert.ok(gpt.some((d) => typeof d.thought === "string" && d.thought.length > 0));
  const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
  assert.deepEqual(summary.late.miners, ["A-gpt", "B-claude"], "late means over the LLM miners");
  assert.equal(summary.steps, 15);
  // Validity counts the LLM miners' decisions; the retry rescued every unparsable reply.
  assert.deepEqual(decisions.filter((d) => d.fallback), [], "no fallback was played");
  assert.deepEqual(summary.validity, {
    llm_decisions: 30,
    fallbacks: 0,
    fallback_share: 0,
    max_fallback_share: 0.1,
    valid: true,
  });
  assert.equal(typeof summary.parasitic_equilibrium, "boolean", "a valid run has verdicts");
  assert.equal(typeof summary.honest_convergence, "boolean", "a valid run has verdicts");
  assert.equal(summary.llm.calls, calls.length);
  assert.ok(summary.agents["A-gpt"].tokens > 0);
  const html = await Deno.readTextFile(join(dir, "reports", "run", "report.html"));
  // the cached rerun: no request, the same summary bytes (concurrent miners included)
  const before = openai.count() + anthropic.count();
  const again = await runCli([
    "blockchain",
    "--cache",
    cache,
    "--offline",
    "--agents",
    agents,
    "--rounds",
    "15",
    "--lang",
    "zh",
    "--out",
    join(dir, "again"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(again.code, 0, again.err);
  assert.equal(openai.count() + anthropic.count(), before);
  assert.equal(
    await Deno.readTextFile(join(dir, "again", "summary.json")),
    await Deno.readTextFile(join(out, "summary.json")),
  );
  assert.match(html, /<svg/);
  assert.match(html, /A-gpt/);
});

// The recorded RQ2 run (lib/core/reference.ts); without it the test is ignored.
const REFERENCE = findReference("blockchain/rq2_result.json") ?? "";
const haveReference = REFERENCE !== "";

Deno.test({
  name: "blockchain: `run blockchain --replay rq2_result.json` reproduces the recorded run",
  ignore: !haveReference,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "lab-bc-replay-" });
    const config = join(dir, "config.json");
    await Deno.writeTextFile(config, JSON.stringify({ kappa: 0.3 }));
    const out = join(dir, "run");
    const r = await runCli([
      "blockchain",
      "--replay",
      REFERENCE,
      "--config",
      config,
      "--out",
      out,
      "--no-report",
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.err);
    const ref = JSON.parse(await Deno.readTextFile(REFERENCE));
    const rows = await readJsonl(join(out, "decisions.jsonl"), BlockchainDecisionSchema);
    let checked = 0;
    for (const agent of ref.agents) {
      for (const rec of agent.records) {
        const row = rows.find((x) => x.agent === agent.name && x.round === rec.round)!;
        assert.ok(Math.abs(row.reward - rec.reward) < 1e-9, `reward ${agent.name} r${rec.round}`);
        assert.ok(Math.abs(row.cumulative_reward - rec.cumulative) < 1e-9);
        assert.ok(Math.abs(row.efficiency - rec.self_eta) < 1e-9);
        assert.ok(Math.abs(row.honest_efficiency - rec.honest_eta) < 1e-9);
        assert.equal(row.thought, rec.thought);
        checked++;
      }
    }
    assert.equal(checked, 90);
    assert.ok(rows.every((row) => row.kind.startsWith("replay:")));
    const s = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    // Replayed miners are not LLM agents: no LLM decisions, so the verdicts stand.
    assert.deepEqual(s.validity, {
      llm_decisions: 0,
      fallbacks: 0,
      fallback_share: 0,
      max_fallback_share: 0.1,
      valid: true,
    });
    assert.equal(s.parasitic_equilibrium, ref.parasitic_equilibrium);
    assert.equal(s.honest_convergence, ref.honesty_convergence);
    assert.ok(Math.abs(s.late.c - ref.avg_late_constructive) < 1e-9);
    assert.ok(Math.abs(s.late.p - ref.avg_late_parasitic) < 1e-9);
    assert.ok(Math.abs(s.late.d - ref.avg_late_destructive) < 1e-9);
    assert.deepEqual(s.reward_ranking, ref.reward_ranking.map((i: number) => ref.agents[i].name));
    s.honest_efficiency_trace.forEach((x: number, i: number) =>
      assert.ok(Math.abs(x - ref.honest_group_efficiency_trace[i]) < 1e-9)
    );
    // Stage-game regret, straight from the file: best = max(R·alpha, R·m^beta) with m from
    // the recorded efficiencies after the previous round, minus the recorded reward.
    for (const [i, agent] of ref.agents.entries()) {
      let total = 0;
      for (const rec of agent.records) {
        const prev = (a: { records: { self_eta: number }[] }) =>
          rec.round === 1 ? 1 : a.records[rec.round - 2].self_eta;
        const others = ref.agents.filter((_: unknown, j: number) => j !== i).map(prev);
        const honest = rec.round === 1 ? 1 : ref.honest_group_efficiency_trace[rec.round - 2];
        const m = [...others, honest].reduce((a: number, b: number) => a + b, 0) / 3;
        total += Math.max(10 * ref.config.alpha[i] * 1, 10 * m ** 1.5) - rec.reward;
      }
      assert.ok(Math.abs(s.regret[agent.name].total - total) < 1e-8, `regret ${agent.name}`);
      assert.equal(s.regret[agent.name].n, 30);
    }
    assert.match(s.regret_note, /^Stage-game \(myopic\) regret/);
  },
});

Deno.test("blockchain: agents file and alpha must agree", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-bc-" });
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({ agents: [{ name: "x", provider: "policy", policy: "honest" }] }),
  );
  const r = await runCli(["blockchain", "--agents", agents, "--out", join(dir, "run"), "--quiet"]);
  assert.equal(r.code, 2);
  assert.equal(
    r.err,
    "error: agents: the agents file lists 1 miners but config.alpha gives 3 hash powers",
  );
  assert.equal(await exists(join(dir, "run")), false);
});
