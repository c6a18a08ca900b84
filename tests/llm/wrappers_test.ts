import assert from "node:assert/strict";
import { join } from "node:path";
import { parseAgentsFile, redactAgents, resolveApiKey } from "../../lib/llm/agents_file.ts";
import {
  Budget,
  BudgetExceededError,
  DEFAULT_OUTPUT_ESTIMATE,
  withBudget,
} from "../../lib/llm/budget.ts";
import { cacheKey, CacheMissError, withCache } from "../../lib/llm/cache.ts";
import { canonicalJson } from "../../lib/llm/canonical.ts";
import { costUsd, priceOf, registerPrice } from "../../lib/llm/pricing.ts";
import { ScriptedChatModel } from "../../lib/llm/scripted.ts";
import { countRequestTokens, countTokens } from "../../lib/llm/tokens.ts";

const req = (content: string) => ({ system: "S", messages: [{ role: "user" as const, content }] });

Deno.test("pricing: table lookups, dated names, cached input, unknown models cost 0", () => {
  assert.equal(costUsd("gpt-4o", { input: 1_000_000, output: 1_000_000, cached: 0 }), 12.5);
  assert.equal(priceOf("gpt-4o-2024-08-06"), priceOf("gpt-4o"));
  assert.equal(priceOf("gpt-4o-mini-2024-07-18")?.input, 0.15, "longest prefix wins");
  // 1M input of which 400k cached at half price
  assert.equal(
    costUsd("gpt-4o", { input: 1_000_000, output: 0, cached: 400_000 }),
    0.6 * 2.5 + 0.4 * 1.25,
  );
  assert.equal(costUsd("policy", { input: 10, output: 10, cached: 0 }), 0);
  registerPrice("my-local-model", { input: 1, output: 2 });
  assert.equal(costUsd("my-local-model", { input: 500_000, output: 500_000, cached: 0 }), 1.5);
  assert.throws(() => registerPrice("x", { input: -1, output: 0 }), /'input' must be >= 0/);
});

Deno.test("tokens: the real o200k tokenizer", () => {
  assert.equal(countTokens(""), 0);
  assert.equal(countTokens("hello world"), 2);
  assert.ok(countTokens("对手是攻击者") >= 3);
  assert.equal(countRequestTokens(req("hello world")), 3 + (3 + countTokens("S")) + (3 + 2));
});

Deno.test("canonical json sorts keys at every depth and drops undefined", () => {
  assert.equal(
    canonicalJson({ b: 1, a: [{ y: 1, x: undefined, w: 2 }] }),
    '{"a":[{"w":2,"y":1}],"b":1}',
  );
});

Deno.test("cache: records, replays, keys on the request, offline misses fail", async () => {
  const dir = await Deno.makeTempDir();
  const inner = new ScriptedChatModel((r) => `reply to ${r.messages[0].content}`, "m");
  const model = withCache(inner, { dir: join(dir, "c") });
  const a = await model.complete(req("x"));
  assert.equal(a.fromCache, undefined);
  const b = await model.complete(req("x"));
  assert.equal(b.fromCache, true);
  assert.equal(b.text, a.text);
  assert.deepEqual(b.usage, a.usage);
  assert.equal(inner.requests.length, 1);
  await model.complete(req("y"));
  assert.equal(inner.requests.length, 2);
  await model.complete({ ...req("x"), temperature: 0.5 });
  assert.equal(inner.requests.length, 3, "temperature is part of the key");
  assert.notEqual(await cacheKey("m1", req("x")), await cacheKey("m2", req("x")));
  const offline = withCache(new ScriptedChatModel(["never"], "m"), {
    dir: join(dir, "c"),
    offline: true,
  });
  assert.equal((await offline.complete(req("x"))).text, "reply to x");
  await assert.rejects(() => offline.complete(req("z")), CacheMissError);
});

Deno.test("budget: stops before the call that would exceed it, never after", async () => {
  const budget = new Budget({ maxTokens: 30 });
  const inner = new ScriptedChatModel(["ok"], "gpt-4o");
  const model = withBudget(inner, budget);
  const capped = { ...req("hello"), maxTokens: 4 };
  while (true) {
    try {
      await model.complete(capped);
    } catch (e) {
      assert.ok(e instanceof BudgetExceededError);
      // Sequential calls: nothing is in flight when the limit is reached.
      assert.match(
        e.message,
        /^Token budget reached: used \d+ \(\+0 in flight, \+\d+ for the next call\) of --max-tokens 30$/,
      );
      break;
    }
  }
  // A call is admitted only when its input and its whole max_tokens still fit.
  const estimate = countRequestTokens(capped) + 4;
  const perCall = countRequestTokens(capped) + countTokens("ok");
  let used = 0, calls = 0;
  while (used + estimate <= 30) {
    used += perCall;
    calls++;
  }
  assert.equal(inner.requests.length, calls);
  assert.ok(budget.tokens <= 30, `used ${budget.tokens} of 30`);
  assert.ok(budget.usd > 0);
  const usd = new Budget({ maxUsd: 1e-9 });
  await assert.rejects(
    () => withBudget(new ScriptedChatModel(["ok"], "gpt-4o"), usd).complete(req("a")),
    /Dollar budget reached/,
  );
  assert.equal(usd.usd, 0, "a call that could not fit was never made");
  assert.throws(() => new Budget({ maxTokens: 0 }), RangeError);
});

Deno.test("budget: calls in flight hold a reservation, so concurrent calls cannot all pass", async () => {
  // Each call reserves its input and the default output estimate until it ends.
  const estimate = countRequestTokens(req("hello")) + DEFAULT_OUTPUT_ESTIMATE;
  const budget = new Budget({ maxTokens: 2 * estimate });
  const inner = new ScriptedChatModel(["ok"], "gpt-4o");
  const model = withBudget(inner, budget);
  const results = await Promise.allSettled([1, 2, 3].map(() => model.complete(req("hello"))));
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled", "rejected"]);
  const refused = (results[2] as PromiseRejectedResult).reason;
  assert.ok(refused instanceof BudgetExceededError);
  assert.equal(
    refused.message,
    `Token budget reached: used 0 (+${
      2 * estimate
    } in flight, +${estimate} for the next call) of --max-tokens ${2 * estimate}`,
  );
  assert.equal(inner.requests.length, 2, "the refused call never reached the model");
  assert.deepEqual(budget.reserved, { tokens: 0, usd: 0 }, "reservations are released");
  const perCall = countRequestTokens(req("hello")) + countTokens("ok");
  assert.equal(budget.tokens, 2 * perCall, "only the actual use is counted");
});

Deno.test("agents file: validation, redaction, key resolution", () => {
  const file = parseAgentsFile({
    agents: [
      { name: "a", provider: "openai", model: "gpt-4o", api_key: "sk-secret" },
      { name: "b", provider: "anthropic", model: "claude-sonnet-4-5", api_key_env: "MY_KEY" },
      { name: "c", provider: "policy", policy: "greedy" },
    ],
  }, "agents.json");
  const red = redactAgents(file.agents);
  assert.equal(red[0].api_key, "<redacted>");
  assert.equal(file.agents[0].api_key, "sk-secret", "the original is untouched");
  assert.ok(!JSON.stringify(red).includes("sk-secret"));
  assert.equal(resolveApiKey(file.agents[0], () => undefined), "sk-secret");
  assert.equal(resolveApiKey(file.agents[1], (n) => (n === "MY_KEY" ? "k2" : undefined)), "k2");
  assert.equal(
    resolveApiKey(
      { name: "d", provider: "openai", model: "m" },
      (n) => n === "OPENAI_API_KEY" ? "k3" : undefined,
    ),
    "k3",
  );
  assert.throws(() => resolveApiKey(red[0]), /literal api_key was not saved/);
  assert.throws(
    () => parseAgentsFile({ agents: [] }, "f.json"),
    /f\.json\.agents: must list at least one agent/,
  );
  assert.throws(
    () =>
      parseAgentsFile({
        agents: [{ name: "a", provider: "openai", model: "m", api_key_env: "1BAD" }],
      }, "f.json"),
    /agents\[0\]\.api_key_env: must be an environment variable name/,
  );
  assert.throws(
    () =>
      parseAgentsFile({
        agents: [{ name: "a", provider: "openai", model: "m", base_url: "not a url" }],
      }, "f.json"),
    /agents\[0\]\.base_url/,
  );
});

Deno.test("cache: a corrupt entry is an error naming the file, not a silent miss", async () => {
  const dir = await Deno.makeTempDir();
  const model = withCache(new ScriptedChatModel(["hi"], "m"), { dir });
  await model.complete(req("x"));
  const key = await cacheKey("scripted:m", req("x"));
  await Deno.writeTextFile(join(dir, key.slice(0, 2), `${key}.json`), '{"v": 1, "key": 3}');
  await assert.rejects(() => model.complete(req("x")), /Cannot read cache entry .*\.json/);
});
