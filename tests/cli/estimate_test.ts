import assert from "node:assert/strict";
import { join } from "node:path";
import { LlmCallRecordSchema } from "../../lib/core/records.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { startOpenAIServer } from "../support/llm_servers.ts";
import { exists, runCli } from "../support/cli.ts";
import { profileScript } from "../support/profile_models.ts";

const tokensIn = (out: string) => {
  const m = /(\d[\d,]*) LLM calls, (\d[\d,]*) input \+ (\d[\d,]*) output tokens/.exec(out);
  assert.ok(m, out);
  const n = (s: string) => Number(s.replaceAll(",", ""));
  return { calls: n(m[1]), tokens: n(m[2]) + n(m[3]) };
};

Deno.test("--estimate on a run: no call, nothing written, close to the tokens then used", async () => {
  await using server = startOpenAIServer(profileScript);
  const dir = await Deno.makeTempDir({ prefix: "lab-estimate-" });
  const llm = (name: string) => ({
    name,
    provider: "openai",
    model: "gpt-4o-mini",
    base_url: server.baseURL,
    api_key: "local-test-key",
  });
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({ agents: [llm("miner_a"), llm("miner_b"), llm("miner_c")] }),
  );
  const out = join(dir, "run");
  const args = ["blockchain", "--agents", agents, "--rounds", "8", "--out", out, "--quiet"];
  const e = await runCli([...args, "--estimate"]);
  assert.equal(e.code, 0, e.err);
  assert.equal(server.count(), 0);
  assert.equal(await exists(out), false);
  assert.match(e.out, /cost at list prices: \$\d/);
  const expected = tokensIn(e.out);
  assert.equal(expected.calls, 3 * 8 + 3); // a decision per miner per round, one reflection each
  const r = await runCli(args);
  assert.equal(r.code, 0, r.err);
  const calls = await readJsonl(join(out, "llm_calls.jsonl"), LlmCallRecordSchema);
  assert.equal(calls.length, expected.calls);
  const used = calls.reduce((a, c) => a + c.input_tokens + c.output_tokens, 0);
  assert.ok(Math.abs(expected.tokens - used) / used <= 0.15, `${expected.tokens} vs ${used}`);
});

Deno.test("--estimate on a sweep counts every cell x seed; unpriced models are named", async () => {
  await using server = startOpenAIServer(profileScript);
  const dir = await Deno.makeTempDir({ prefix: "lab-estimate-sweep-" });
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: [
        { name: "p1", provider: "openai", model: "my-local-model", base_url: server.baseURL },
        { name: "p2", provider: "policy", policy: "honest" },
        { name: "p3", provider: "policy", policy: "honest" },
      ],
    }),
  );
  const grid = join(dir, "grid.json");
  await Deno.writeTextFile(
    grid,
    JSON.stringify({ experiment: "delegation", base: { T: 100 }, grid: { epsilon: [0.2, 0.25] } }),
  );
  const r = await runCli(["--sweep", grid, "--seeds", "0..1", "--agents", agents, "--estimate"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /4 runs/);
  assert.match(r.out, /unpriced: my-local-model/);
  assert.ok(tokensIn(r.out).calls > 0);
  assert.equal(server.count(), 0);
});
