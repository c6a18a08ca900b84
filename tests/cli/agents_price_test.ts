/**
 * The agents file at the CLI, against the local OpenAI-compatible server: an entry's
 * `"price"` costs and budgets a model the pricing table lacks, and a key in a `base_url`
 * query string reaches the server but no file of the run and no line printed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LlmCallRecordSchema } from "../../lib/core/records.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { startOpenAIServer } from "../support/llm_servers.ts";
import { ipdReply, listFiles, runCli } from "../support/cli.ts";

/** Dollars per 1M tokens of the made-up model: input and output apart, to tell them apart. */
const PRICE = { input: 1000, output: 3000 };

async function writeAgents(dir: string, seat: Record<string, unknown>): Promise<string> {
  const path = join(dir, "agents.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      agents: [
        { name: "llm", provider: "openai", api_key: "k", ...seat },
        { name: "tft", provider: "policy", policy: "tit_for_tat" },
      ],
    }),
  );
  return path;
}

Deno.test("agents price: a made-up model is costed at its entry's price and stops at --max-usd", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-price-" });
  await using server = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const model = "lab-made-up-model-7";
  const agents = await writeAgents(dir, {
    model,
    base_url: server.baseURL,
    price: PRICE,
    max_tokens: 50,
  });
  const common = ["ipd", "--agents", agents, "--rounds", "8", "--no-report", "--quiet"];

  const full = await runCli([...common, "--out", join(dir, "full")]);
  assert.equal(full.code, 0, full.err);
  const calls = await readJsonl(join(dir, "full", "llm_calls.jsonl"), LlmCallRecordSchema);
  assert.equal(calls.length, 8);
  for (const c of calls) {
    assert.equal(c.priced, true, "priced by the agents file");
    assert.ok(c.cost_usd > 0, `cost ${c.cost_usd}`);
    const expected = (c.input_tokens * PRICE.input + c.output_tokens * PRICE.output) / 1e6;
    assert.ok(Math.abs(c.cost_usd - expected) < 1e-12, `${c.cost_usd} != ${expected}`);
  }

  // A dollar budget of about three calls (each reserves its input and 50 output tokens
  // before it is made) stops the run early, within the budget.
  const reserve = (calls[0].input_tokens * PRICE.input + 50 * PRICE.output) / 1e6;
  const maxUsd = ((calls[0].cost_usd + reserve) * 2).toFixed(4);
  const cut = await runCli([...common, "--out", join(dir, "cut"), "--max-usd", maxUsd]);
  assert.equal(cut.code, 3, `exit code 3: stopped at the budget (stderr: ${cut.err})`);
  assert.match(cut.err, /Dollar budget reached/);
  const spent = await readJsonl(join(dir, "cut", "llm_calls.jsonl"), LlmCallRecordSchema);
  assert.ok(spent.length >= 1 && spent.length < 8, `${spent.length} calls`);
  assert.ok(spent.every((c) => c.cost_usd > 0));
  const total = spent.reduce((s, c) => s + c.cost_usd, 0);
  assert.ok(total <= Number(maxUsd), `spent ${total} of ${maxUsd}`);
  assert.equal(server.count(), 8 + spent.length, "no call past the budget");
});

Deno.test("agents price: the same made-up model without a price cannot run under --max-usd", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-price-" });
  await using server = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const agents = await writeAgents(dir, {
    model: "lab-made-up-model-unpriced",
    base_url: server.baseURL,
  });
  const r = await runCli([
    "ipd",
    "--agents",
    agents,
    "--max-usd",
    "1",
    "--out",
    join(dir, "run"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 2);
  assert.equal(
    r.err.trim(),
    `error: agents 'llm': --max-usd needs a price for model 'lab-made-up-model-unpriced': add "price": {"input": ..., "output": ...} (dollars per 1M tokens) to its entry in the agents file, or use --max-tokens`,
  );
  assert.equal(server.count(), 0);
});

Deno.test("base_url secret: a key in the query string is sent but never written or printed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-qsecret-" });
  const secret = "SECRETVALUE123";
  await using server = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const agents = await writeAgents(dir, {
    model: "gpt-4o-mini",
    base_url: `${server.baseURL}?api_key=${secret}&accessToken=${secret}2`,
  });
  const reports = join(dir, "reports");
  const r = await runCli([
    "ipd",
    "--agents",
    agents,
    "--rounds",
    "3",
    "--out",
    join(dir, "run"),
    "--reports",
    reports,
  ]);
  // The client got the real URL: the query reached the server on every request, after the
  // path (the SDK appends the path to the base URL: the query goes as its default query)...
  assert.equal(r.code, 0, r.err);
  assert.equal(server.count(), 3);
  for (const q of server.requests) {
    assert.equal(q.path, `/v1/chat/completions?api_key=${secret}&accessToken=${secret}2`);
  }
  // ...and nothing the run printed or wrote holds it.
  assert.ok(!r.out.includes(secret), "printed on stdout");
  assert.ok(!r.err.includes(secret), "printed on stderr");
  const files = (await listFiles(dir)).filter((f) => f !== agents);
  assert.ok(files.some((f) => f.endsWith("config.json")), "the run wrote its config");
  for (const f of files) {
    assert.ok(!(await Deno.readTextFile(f)).includes(secret), `secret leaked into ${f}`);
  }
  const config = JSON.parse(await Deno.readTextFile(join(dir, "run", "config.json")));
  assert.equal(
    config.agents[0].base_url,
    `${server.baseURL}?api_key=<redacted>&accessToken=<redacted>`,
  );
});
