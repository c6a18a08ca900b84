/**
 * The LLM provider and live mode against the local OpenAI-compatible server, through the
 * CLI: served models follow the LLM's replies; unusable replies make the verdicts
 * inconclusive; in live mode rewards follow the served models' answers to max-flow tasks.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LlmCallRecordSchema } from "../../../lib/core/records.ts";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { CallRecorder } from "../../../lib/agents/call_recorder.ts";
import { ScriptedChatModel } from "../../../lib/llm/scripted.ts";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import { DelegationDecisionSchema } from "../../../lib/engines/delegation/experiment.ts";
import { createLlmProvider } from "../../../lib/engines/delegation/llm_provider.ts";
import { maxFlow } from "../../../lib/engines/delegation/maxflow.ts";
import { providerSystemPrompt } from "../../../lib/engines/delegation/prompts.ts";
import { startOpenAIServer } from "../../support/llm_servers.ts";
import { runCli } from "../../support/cli.ts";

const KEY_ENV = "LAB_DELEGATION_TEST_KEY";
Deno.env.set(KEY_ENV, "test-key-not-secret");

/** The text of the last user message of a request body. */
function lastUser(body: Record<string, unknown>): string {
  const msgs = body.messages as { role: string; content: string }[];
  return msgs.filter((m) => m.role === "user").at(-1)?.content ?? "";
}

async function agentsFile(dir: string, baseURL: string): Promise<string> {
  const path = join(dir, "agents.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      agents: [
        {
          name: "llm_1",
          provider: "openai",
          model: "gpt-4o-mini",
          base_url: baseURL,
          api_key_env: KEY_ENV,
        },
        { name: "p2", provider: "policy", policy: "ours" },
        { name: "p3", provider: "policy", policy: "honest" },
      ],
    }),
  );
  return path;
}

Deno.test("LLM provider: served models follow the replies (honest in exploration, then cheapest)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-llm-" });
  await using server = startOpenAIServer((body) => {
    const explore = /Phase: exploration/.test(lastUser(body));
    return {
      reply: JSON.stringify({
        thought: explore ? "look good first" : "now save",
        model: explore ? "o1" : "GPT-4o-mini ",
      }),
    };
  });
  const r = await runCli([
    "delegation",
    "--agents",
    await agentsFile(dir, server.baseURL),
    "--rounds",
    "200",
    "--out",
    join(dir, "run"),
    "--reports",
    join(dir, "rep"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(dir, "run", "decisions.jsonl"), DelegationDecisionSchema);
  const mine = rows.filter((x) => x.agent === "llm_1");
  assert.ok(mine.length > 0);
  for (const x of mine) {
    assert.equal(x.model, x.phase === "exploration" ? "o1" : "gpt-4o-mini", `t=${x.time}`);
    assert.equal(x.fallback, false);
    assert.ok(x.thought);
  }
  assert.ok(mine.some((x) => x.phase !== "exploration"), "it served after exploration too");
  const calls = await readJsonl(join(dir, "run", "llm_calls.jsonl"), LlmCallRecordSchema);
  assert.equal(calls.length, mine.length, "one call per delegation of the LLM provider");
  assert.equal(server.count(), mine.length);
  // the static system prompt names its models, prices, eta and the mechanism
  const system = (server.requests[0].body.messages as { role: string; content: string }[])[0];
  assert.equal(system.role, "system");
  assert.match(system.content, /o1: \$15 per 1M input tokens, \$60 per 1M output tokens/);
  assert.match(system.content, /Exploitation/);
  const s = JSON.parse(await Deno.readTextFile(join(dir, "run", "summary.json")));
  assert.equal(s.validity.valid, true);
  assert.equal(s.validity.llm_decisions, mine.length);
  assert.equal(s.providers["1"].name, "llm_1");
  assert.equal(
    s.provider_stats["1"].substitutions,
    mine.filter((x) => x.phase !== "exploration").length,
  );
});

Deno.test("LLM provider: unusable replies fall back to the best model; verdicts inconclusive", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-llm-" });
  await using server = startOpenAIServer(() => ({ reply: '{"thought": "hmm", "model": "gpt-5"}' }));
  const r = await runCli([
    "delegation",
    "--agents",
    await agentsFile(dir, server.baseURL),
    "--rounds",
    "100",
    "--out",
    join(dir, "run"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /warning: .*inconclusive/);
  const rows = await readJsonl(join(dir, "run", "decisions.jsonl"), DelegationDecisionSchema);
  const mine = rows.filter((x) => x.agent === "llm_1");
  assert.ok(mine.every((x) => x.fallback && x.model === "o1"));
  const s = JSON.parse(await Deno.readTextFile(join(dir, "run", "summary.json")));
  assert.equal(s.validity.valid, false);
  for (const v of ["stopped_early", "best_provider_honest", "substitution_detected"]) {
    assert.equal(s[v], "inconclusive", v);
  }
});

Deno.test("LLM provider: null action when nothing parses, never its own fallback", async () => {
  const agent = createLlmProvider({
    config: parseDelegationConfig({}),
    index: 1,
    recorder: new CallRecorder(),
    model: new ScriptedChatModel(["no json here", "still none"]),
  });
  const d = await agent.act({
    agent: "provider_2",
    round: 1,
    observation: {
      t: 0,
      T: 1000,
      phase: 1,
      bonus: false,
      planned: 0,
      secondBestUtility: 0,
      cumulativeReward: 0,
      delegations: 0,
      isBest: false,
    },
    info: { delegation: null },
  });
  assert.equal(d.action, null);
  assert.ok(d.error);
  assert.match(providerSystemPrompt(parseDelegationConfig({}), 1), /deepseek-v3/);
});

/** The max flow asked in a task prompt, solved from the prompt's text. */
function solvePrompt(text: string): number {
  const edges = [...text.matchAll(/from node (\d+) to node (\d+) with capacity (\d+)/g)]
    .map((m) => [Number(m[1]), Number(m[2]), Number(m[3])] as [number, number, number]);
  const q = /maximum flow from node (\d+) to node (\d+)/.exec(text)!;
  const n = Math.max(...edges.flatMap((e) => [e[0], e[1]]), Number(q[2])) + 1;
  return maxFlow(n, edges, Number(q[1]), Number(q[2]));
}

Deno.test("live mode: served models answer max-flow tasks; rewards follow the answers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-live-" });
  // the "strong" models answer right, the others wrong by a lot, one of them in prose
  const strong = new Set(["o1", "o3-mini", "gpt-4"]);
  await using server = startOpenAIServer((body) => {
    const flow = solvePrompt(lastUser(body));
    const model = String(body.model);
    return {
      reply: strong.has(model)
        ? `Augmenting paths... The maximum flow is ${flow}.`
        : model === "gpt-4o-mini"
        ? "I cannot tell."
        : `The maximum flow is ${flow + 1000}.`,
      usage: { input: 300, output: strong.has(model) ? 900 : 40 },
    };
  });
  const cfg = join(dir, "live.json");
  await Deno.writeTextFile(
    cfg,
    JSON.stringify({
      T: 60,
      records: {
        mode: "live",
        endpoint: { provider: "openai", base_url: server.baseURL, api_key_env: KEY_ENV },
      },
    }),
  );
  const r = await runCli([
    "delegation",
    "--config",
    cfg,
    "--strategies",
    "honest,random,worst",
    "--out",
    join(dir, "run"),
    "--reports",
    join(dir, "rep"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(dir, "run", "decisions.jsonl"), DelegationDecisionSchema);
  assert.ok(rows.length > 10);
  assert.equal(server.count(), rows.length, "one task call per delegation");
  const models = new Set(rows.map((x) => x.model));
  assert.ok([...models].some((m) => strong.has(m)) && [...models].some((m) => !strong.has(m)));
  for (const x of rows) {
    assert.equal(x.reward, strong.has(x.model) ? 7 : 0, `${x.model} at t=${x.time}`);
    assert.equal(x.prompt_tokens, 300);
    assert.equal(x.completion_tokens, strong.has(x.model) ? 900 : 40);
  }
  // the server saw the served model's name and a generated task
  assert.ok(server.requests.every((q) => /maximum flow from node 0/.test(lastUser(q.body))));
  const calls = await readJsonl(join(dir, "run", "llm_calls.jsonl"), LlmCallRecordSchema);
  assert.ok(calls.every((c) => c.purpose === "task"));
  // Each provider's served answers are draws of its own (a seat per provider and model), so
  // two providers serving one model at one step never race for one draw, and a resume finds
  // each call's draw under the seat it was counted for.
  for (const c of calls) {
    assert.match(c.draw_seat ?? "", new RegExp(`^serve:[^@]+@${c.agent}$`));
    assert.equal(c.sample, 0);
  }
  assert.equal(
    calls.filter((c) => !c.parse_ok).length,
    rows.filter((x) => x.model === "gpt-4o-mini").length,
  );
  const s = JSON.parse(await Deno.readTextFile(join(dir, "run", "summary.json")));
  assert.equal(s.records, "live");
  assert.equal(s.validity.valid, true, "scripted providers: no LLM decisions");
});
