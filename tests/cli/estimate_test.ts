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

Deno.test("--estimate on the society: how many citizens the token budget carries for how many days", async () => {
  const capacity = (out: string) => {
    const cost =
      /society tokens per citizen-day \((\w+) prompt, (\w+)\): [\d,]+ input \+ [\d,]+ output \(a minimal reply; longer statements cost more\) = ([\d,]+) real LLM tokens \(o200k_base\); ([\d,]+) game tokens/
        .exec(out);
    assert.ok(cost, out);
    const n = (s: string) => Number(s.replaceAll(",", ""));
    const carried = [
      ...out.matchAll(/: ([\d,]+) citizens for (\d+) days, or (\d+) citizens for ([\d,]+) days/g),
    ]
      .map((m) => [n(m[1]), n(m[2]), n(m[3]), n(m[4])]);
    return { style: cost[1], lang: cost[2], real: n(cost[3]), game: n(cost[4]), carried };
  };
  const r = await runCli(["society", "--estimate", "--max-tokens", "1000000"]);
  assert.equal(r.code, 0, r.err);
  const c = capacity(r.out);
  assert.equal(c.style, "compact");
  assert.equal(c.lang, "en");
  // the config's 200,000 at the real and the game cost, then --max-tokens
  assert.deepEqual(c.carried[0], [
    Math.floor(200_000 / (c.real * 10)),
    10,
    6,
    Math.floor(200_000 / (c.real * 6)),
  ]);
  assert.equal(c.carried[1][0], Math.floor(200_000 / (c.game * 10)));
  assert.equal(c.carried[2][0], Math.floor(1_000_000 / (c.real * 10)));
  // v2 (verbose prompt, 500 game tokens a day) over 5 days with --rounds
  const v2 = await runCli([
    "society",
    "--estimate",
    "--config",
    '{"variant": "v2", "citizens": 12}',
    "--rounds",
    "5",
    "--lang",
    "zh",
  ]);
  assert.equal(v2.code, 0, v2.err);
  const d = capacity(v2.out);
  assert.deepEqual([d.style, d.lang, d.game], ["verbose", "zh", 500]);
  assert.ok(d.real > c.real, `${d.real} vs ${c.real}`);
  assert.deepEqual(d.carried[1].slice(1), [5, 12, Math.floor(400_000 / (500 * 12))]);
  // decisions that cost no game tokens: the game's rule carries any number
  const free = await runCli([
    "society",
    "--estimate",
    "--config",
    '{"variant": "v2", "base_decision_cost": 0}',
  ]);
  assert.equal(free.code, 0, free.err);
  assert.match(free.out, /by the game's rule: unlimited \(decisions cost no game tokens/);
});
