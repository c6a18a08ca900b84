/**
 * LLM-driven runs of the example engine against the local OpenAI-compatible server: tokens
 * and latency logged, the record/replay cache, secrets never written, budget stop + resume.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LlmCallRecordSchema } from "../../lib/core/records.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { startOpenAIServer } from "../support/llm_servers.ts";
import { ipdReply, listFiles, runCli } from "../support/cli.ts";

const SECRET = "sk-test-9f8e7d6c5b4a39281706SECRET";

async function agentsFile(dir: string, baseURL: string): Promise<string> {
  const path = join(dir, "agents.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      agents: [
        {
          name: "gpt",
          provider: "openai",
          model: "gpt-4o-mini",
          base_url: baseURL,
          api_key: SECRET,
        },
        { name: "tft", provider: "policy", policy: "tit_for_tat" },
      ],
    }),
  );
  return path;
}

Deno.test("llm run: completes with tokens and latency logged; cache rerun makes zero requests", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-llm-" });
  await using server = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const agents = await agentsFile(dir, server.baseURL);
  const cache = join(dir, "cache");
  const reports = join(dir, "reports");
  const a = await runCli([
    "ipd",
    "--agents",
    agents,
    "--rounds",
    "6",
    "--out",
    join(dir, "a"),
    "--cache",
    cache,
    "--reports",
    reports,
    "--quiet",
  ]);
  assert.equal(a.code, 0, a.err);
  assert.equal(server.count(), 6);
  // the key went to the server, in the header
  assert.equal(server.requests[0].headers["authorization"], `Bearer ${SECRET}`);
  const calls = await readJsonl(join(dir, "a", "llm_calls.jsonl"), LlmCallRecordSchema);
  assert.equal(calls.length, 6);
  for (const c of calls) {
    assert.equal(c.agent, "gpt");
    assert.equal(c.purpose, "decision");
    assert.ok(
      c.input_tokens > 50 && c.output_tokens > 5,
      `tokens ${c.input_tokens}/${c.output_tokens}`,
    );
    assert.ok(c.latency_ms > 0, "latency measured");
    assert.ok(c.cost_usd > 0, "priced as gpt-4o-mini");
    assert.equal(c.parse_ok, true);
    assert.equal(c.from_cache, false);
    assert.equal(c.prompt_hash.length, 16);
  }

  const b = await runCli([
    "ipd",
    "--agents",
    agents,
    "--rounds",
    "6",
    "--out",
    join(dir, "b"),
    "--cache",
    cache,
    "--offline",
    "--reports",
    reports,
    "--quiet",
  ]);
  assert.equal(b.code, 0, b.err);
  assert.equal(server.count(), 6, "the cached rerun made zero requests");
  assert.equal(
    await Deno.readTextFile(join(dir, "b", "summary.json")),
    await Deno.readTextFile(join(dir, "a", "summary.json")),
  );
  const cached = await readJsonl(join(dir, "b", "llm_calls.jsonl"), LlmCallRecordSchema);
  assert.ok(cached.every((c) => c.from_cache));

  // secrets scan: the literal key appears in no file the runs wrote
  const files = [...await listFiles(dir)].filter((f) => !f.endsWith("agents.json"));
  assert.ok(files.length > 10);
  for (const f of files) {
    const text = await Deno.readTextFile(f);
    assert.ok(!text.includes(SECRET), `secret leaked into ${f}`);
    assert.ok(!text.includes("SECRET"), `part of the secret leaked into ${f}`);
  }
  const config = JSON.parse(await Deno.readTextFile(join(dir, "a", "config.json")));
  assert.equal(config.agents[0].api_key, "<redacted>");
  // Every decision of the LLM seat parsed: the run is valid and its verdict stands.
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "a", "summary.json")));
  assert.equal(summary.steps, 6);
  assert.deepEqual(summary.validity, {
    llm_decisions: 6,
    fallbacks: 0,
    fallback_share: 0,
    max_fallback_share: 0.1,
    valid: true,
  });
  assert.equal(summary.mutual_cooperation, true, "tit-for-tat and a cooperator cooperate");
});

Deno.test("llm run: offline with an empty cache fails on the miss and calls nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-llm-" });
  await using server = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const agents = await agentsFile(dir, server.baseURL);
  const r = await runCli([
    "ipd",
    "--agents",
    agents,
    "--rounds",
    "3",
    "--out",
    join(dir, "a"),
    "--cache",
    join(dir, "c"),
    "--offline",
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 1);
  assert.match(r.err, /Cache miss in offline mode: no recorded reply for openai:gpt-4o-mini/);
  assert.equal(server.count(), 0);
});

Deno.test("llm run: the budget stops the run cleanly; resume finishes with the same summary", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-llm-" });
  await using server = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const agents = await agentsFile(dir, server.baseURL);
  const full = await runCli([
    "ipd",
    "--agents",
    agents,
    "--rounds",
    "8",
    "--out",
    join(dir, "full"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(full.code, 0, full.err);
  const rows = await readJsonl(join(dir, "full", "llm_calls.jsonl"), LlmCallRecordSchema);
  // A call starts only when its input and its whole reply cap (the IPD player's 200) fit:
  // this budget lets exactly the first three calls start.
  const used = (r: (typeof rows)[number]) => r.input_tokens + r.output_tokens;
  const budget = String(used(rows[0]) + used(rows[1]) + rows[2].input_tokens + 200);
  const cut = await runCli([
    "ipd",
    "--agents",
    agents,
    "--rounds",
    "8",
    "--out",
    join(dir, "cut"),
    "--max-tokens",
    budget,
    "--no-report",
    "--quiet",
  ]);
  assert.equal(cut.code, 3, "exit code 3: stopped at the budget");
  assert.match(cut.err, /stopped after step 3: Token budget reached/);
  const resumed = await runCli([
    "--resume",
    join(dir, "cut"),
    "--agents",
    agents,
    "--max-tokens",
    "1000000",
    "--no-report",
    "--quiet",
  ]);
  assert.equal(resumed.code, 0, resumed.err);
  // The same result; only the budget's limit (an option, not a result) differs.
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "cut", "summary.json")));
  const reference = JSON.parse(await Deno.readTextFile(join(dir, "full", "summary.json")));
  assert.deepEqual(summary.llm_budget.max_tokens, 1000000);
  assert.equal(summary.llm_budget.tokens, reference.llm_budget.tokens, "every call counted once");
  for (const s of [summary, reference]) delete s.llm_budget;
  assert.deepEqual(summary, reference);
  // The validity counts went through the checkpoint: all 8 decisions are counted once.
  assert.equal(summary.validity.llm_decisions, 8);
});

Deno.test("resume: --agents may only change keys, not the seats", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-resume-" });
  await using server = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const agents = await agentsFile(dir, server.baseURL);
  const run = join(dir, "run");
  const cut = await runCli([
    "ipd",
    "--agents",
    agents,
    "--rounds",
    "6",
    "--out",
    run,
    "--max-tokens",
    "200",
    "--no-report",
    "--quiet",
  ]);
  assert.equal(cut.code, 3);
  const other = join(dir, "other.json");
  await Deno.writeTextFile(
    other,
    JSON.stringify({
      agents: [
        {
          name: "gpt",
          provider: "openai",
          model: "gpt-4o",
          base_url: server.baseURL,
          api_key: SECRET,
        },
        { name: "tft", provider: "policy", policy: "tit_for_tat" },
      ],
    }),
  );
  const bad = await runCli(["--resume", run, "--agents", other, "--no-report", "--quiet"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.err,
    /^error: --agents: differs from the run in .*: agents\[0\]\.model: was "gpt-4o-mini", now "gpt-4o"$/,
  );
  const ok = await runCli([
    "--resume",
    run,
    "--agents",
    agents,
    "--max-tokens",
    "100000",
    "--no-report",
    "--quiet",
  ]);
  assert.equal(ok.code, 0, ok.err);
});
