/**
 * The pricing table: which name takes which price (exact names first, version suffixes
 * only, provider paths dropped), the cost of cache reads and writes, and the prices of an
 * agents file.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../lib/core/config.ts";
import {
  agentPrice,
  type AgentSpec,
  parseAgentsFile,
  registerAgentPrices,
} from "../../lib/llm/agents_file.ts";
import { costUsd, type Price, priceOf, PRICES, registerPrice } from "../../lib/llm/pricing.ts";

/** `a` and `b` agree to 1e-12 dollars. */
function near(a: number, b: number, what = "") {
  assert.ok(Math.abs(a - b) < 1e-12, `${what} ${a} != ${b}`);
}

Deno.test("pricing: an exact name beats a prefix", () => {
  assert.equal(priceOf("gpt-4o")?.input, 2.5);
  // the first gpt-4o snapshot has its own (higher) price
  assert.deepEqual(priceOf("gpt-4o-2024-05-13"), { input: 5, output: 15 });
  assert.equal(priceOf("gpt-4o-2024-08-06"), PRICES["gpt-4o"]);
  const table: Record<string, Price> = {
    "m": { input: 1, output: 1 },
    "m-2025-01-01": { input: 9, output: 9 },
  };
  assert.equal(priceOf("m-2025-01-01", table)?.input, 9);
  assert.equal(priceOf("m-2025-02-02", table)?.input, 1);
});

Deno.test("pricing: a longer name is another model, never its prefix's price", () => {
  assert.deepEqual(priceOf("gpt-4.1-nano"), { input: 0.1, output: 0.4, cachedInput: 0.025 });
  assert.equal(priceOf("gpt-4.1-nano-2025-04-14")?.input, 0.1);
  assert.equal(priceOf("gpt-4o-mini-2024-07-18")?.input, 0.15);
  for (
    const name of [
      "gpt-4.1-pico", // made up: not gpt-4.1
      "gpt-4o-mini-tts", // not gpt-4o-mini, nor gpt-4o
      "gpt-4o-audio-preview",
      "gpt-4-1106-preview", // GPT-4 Turbo, not gpt-4
      "gpt-4-32k",
      "o3-pro",
      "gpt-5-pro",
      "claude-opus-4-9", // not claude-opus-4 at $15
      "claude-sonnet-4-5-thinking",
      "gpt-4o2024",
    ]
  ) {
    assert.equal(priceOf(name), undefined, name);
  }
  // the old longest-prefix rule charged gpt-4.1-nano at gpt-4.1's rate (20x)
  near(costUsd("gpt-4.1-nano", { input: 1e6, output: 1e6, cached: 0 }), 0.5, "gpt-4.1-nano");
});

Deno.test("pricing: dated and versioned names take their model's price", () => {
  const same: [string, string][] = [
    ["gpt-4o-2024-08-06", "gpt-4o"],
    ["gpt-4.1-2025-04-14", "gpt-4.1"],
    ["gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"],
    ["gpt-5-mini-2025-08-07", "gpt-5-mini"],
    ["o1-2024-12-17", "o1"],
    ["o3-mini-2025-01-31", "o3-mini"],
    ["gpt-4-0613", "gpt-4"],
    ["gpt-3.5-turbo-0125", "gpt-3.5-turbo"],
    ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["claude-sonnet-4-5@20250929", "claude-sonnet-4-5"],
    ["claude-opus-4-5-20251101", "claude-opus-4-5"],
    ["claude-opus-4-1-20250805", "claude-opus-4-1"],
    ["claude-opus-4-20250514", "claude-opus-4"],
    ["claude-haiku-4-5-20251001", "claude-haiku-4-5"],
    ["claude-3-5-haiku-latest", "claude-3-5-haiku"],
  ];
  for (const [name, key] of same) {
    assert.ok(PRICES[key], key);
    assert.equal(priceOf(name), PRICES[key], name);
  }
  assert.equal(priceOf("claude-opus-4-5-20251101")?.input, 5, "Opus 4.5, not Opus 4's $15");
});

Deno.test("pricing: a provider path is dropped (OpenRouter names)", () => {
  assert.equal(priceOf("openai/gpt-4o"), PRICES["gpt-4o"]);
  assert.equal(priceOf("openai/gpt-4.1-nano"), PRICES["gpt-4.1-nano"]);
  assert.equal(priceOf("openai/gpt-4o-mini-2024-07-18"), PRICES["gpt-4o-mini"]);
  assert.equal(priceOf("anthropic/claude-sonnet-4.5"), PRICES["claude-sonnet-4-5"]);
  assert.equal(priceOf("anthropic/claude-3.5-haiku"), PRICES["claude-3-5-haiku"]);
  assert.equal(priceOf("meta-llama/llama-3-70b"), undefined);
  assert.equal(priceOf("openai/"), undefined);
  // a registered full name wins over the stripped one
  const table: Record<string, Price> = {
    "gpt-4o": { input: 2.5, output: 10 },
    "router/gpt-4o": { input: 3, output: 12 },
  };
  assert.equal(priceOf("router/gpt-4o", table)?.input, 3);
  assert.equal(priceOf("other/gpt-4o", table)?.input, 2.5);
});

Deno.test("pricing: names of Object.prototype are not prices", () => {
  for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    assert.equal(priceOf(name), undefined, name);
    near(costUsd(name, { input: 1000, output: 1000, cached: 0 }), 0, name);
  }
  registerPrice("__proto__", { input: 1, output: 2 });
  assert.deepEqual(priceOf("__proto__"), { input: 1, output: 2 });
  assert.equal(Object.getPrototypeOf(PRICES), Object.prototype, "the table's prototype stays");
  delete PRICES["__proto__"];
});

Deno.test("pricing: Anthropic cache writes cost 1.25x input and reads 0.1x, exactly", () => {
  for (const model of ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-5"]) {
    const p = priceOf(model)!;
    near(p.cacheWriteInput!, p.input * 1.25, `${model} write`);
    near(p.cachedInput!, p.input * 0.1, `${model} read`);
    const fresh = costUsd(model, { input: 1e6, output: 0, cached: 0 });
    const read = costUsd(model, { input: 1e6, output: 0, cached: 1e6 });
    const written = costUsd(model, { input: 1e6, output: 0, cached: 0, cacheWrite: 1e6 });
    near(fresh, p.input, model);
    near(read, fresh * 0.1, `${model} read`);
    near(written, fresh * 1.25, `${model} write`);
  }
  // Sonnet 4.5: 1M input = 100k fresh + 600k read + 300k written, and 10k output.
  near(
    costUsd("claude-sonnet-4-5", { input: 1e6, cached: 6e5, cacheWrite: 3e5, output: 1e4 }),
    0.1 * 3 + 0.6 * 0.3 + 0.3 * 3.75 + 0.01 * 15,
    "mixed",
  );
  // Dated names are priced the same way.
  near(
    costUsd("claude-sonnet-4-5-20250929", { input: 2000, cached: 0, cacheWrite: 2000, output: 0 }),
    2000 * 3.75 / 1e6,
  );
});

Deno.test("pricing: OpenAI-style cache writes cost the input rate; token counts are clamped", () => {
  near(costUsd("gpt-4o", { input: 1e6, output: 0, cached: 0, cacheWrite: 1e6 }), 2.5);
  near(costUsd("gpt-4o", { input: 1e6, output: 0, cached: 4e5 }), 0.6 * 2.5 + 0.4 * 1.25);
  // reads and writes never count more than the input: 1M read, nothing left to write
  near(
    costUsd("claude-haiku-4-5", { input: 1e6, output: 0, cached: 2e6, cacheWrite: 1e6 }),
    0.1,
  );
  near(costUsd("claude-haiku-4-5", { input: 1e6, output: 0, cached: 0, cacheWrite: -5 }), 1);
  near(costUsd("no-such-model", { input: 1e6, output: 1e6, cached: 0 }), 0);
});

Deno.test("agents price: defaults of the cache rates by provider", () => {
  const spec = (provider: "openai" | "anthropic", price: AgentSpec["price"]): AgentSpec => ({
    name: "a",
    provider,
    model: "m",
    price,
  });
  assert.deepEqual(agentPrice(spec("openai", { input: 0.1, output: 0.4 })), {
    input: 0.1,
    output: 0.4,
  });
  const a = agentPrice(spec("anthropic", { input: 2, output: 8 }))!;
  near(a.cachedInput!, 0.2);
  near(a.cacheWriteInput!, 2.5);
  assert.deepEqual(
    agentPrice(
      spec("anthropic", { input: 2, output: 8, cached_input: 0.5, cache_write_input: 4 }),
    ),
    { input: 2, output: 8, cachedInput: 0.5, cacheWriteInput: 4 },
  );
  assert.equal(agentPrice({ name: "p", provider: "policy", policy: "x" }), undefined);
});

Deno.test("agents price: registered under the model name, for cost accounting", () => {
  const file = parseAgentsFile({
    agents: [
      {
        name: "a",
        provider: "openai",
        model: "lab-test-registered-model",
        price: { input: 0.1, output: 0.4, cached_input: 0.025 },
      },
      { name: "b", provider: "policy", policy: "grim" },
    ],
  }, "agents.json");
  assert.equal(priceOf("lab-test-registered-model"), undefined, "parsing registers nothing");
  registerAgentPrices(file.agents);
  assert.deepEqual(priceOf("lab-test-registered-model"), {
    input: 0.1,
    output: 0.4,
    cachedInput: 0.025,
  });
  near(
    costUsd("lab-test-registered-model", { input: 1e6, output: 1e6, cached: 5e5 }),
    0.05 + 0.0125 + 0.4,
  );
  assert.throws(
    () =>
      registerAgentPrices([
        { name: "x", provider: "openai", model: "lab-m2", price: { input: 1, output: 1 } },
        { name: "y", provider: "openai", model: "lab-m2", price: { input: 2, output: 1 } },
      ]),
    (e) =>
      e instanceof ConfigError &&
      e.message ===
        "agents 'y': price: differs from another entry's for model 'lab-m2'; a model name has one price",
  );
  delete PRICES["lab-test-registered-model"];
  delete PRICES["lab-m2"];
});

Deno.test("agents price: validation errors name the field", () => {
  const parse = (price: unknown, extra: Record<string, unknown> = {}) =>
    parseAgentsFile(
      JSON.parse(JSON.stringify({
        agents: [{ name: "a", provider: "openai", model: "m", price, ...extra }],
      })),
      "ag.json",
    );
  const refused: [unknown, RegExp][] = [
    [
      { input: -1, output: 1 },
      /^ag\.json\.agents\[0\]\.price\.input: must be >= 0 \(dollars per 1M tokens\), got -1$/,
    ],
    [{ input: 1 }, /^ag\.json\.agents\[0\]\.price\.output: required \(dollars per 1M tokens\)$/],
    [
      { input: "0.1", output: 1 },
      /^ag\.json\.agents\[0\]\.price\.input: expected a number of dollars per 1M tokens, got "0\.1"$/,
    ],
    [
      { input: 1, output: 1, cached_input: -0.5 },
      /^ag\.json\.agents\[0\]\.price\.cached_input: must be >= 0/,
    ],
    [
      { input: 1, output: 1, cache_write_input: null },
      /^ag\.json\.agents\[0\]\.price\.cache_write_input: expected a number/,
    ],
    [
      { input: 1, output: 1, cachedInput: 0.5 },
      /^ag\.json\.agents\[0\]\.price: unknown field 'cachedInput'/,
    ],
    [0.5, /^ag\.json\.agents\[0\]\.price: /],
  ];
  for (const [price, message] of refused) {
    assert.throws(() => parse(price), (e) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, message);
      assert.equal(e.message.split("\n").length, 1);
      return true;
    });
  }
  // 1e999 is Infinity once parsed
  assert.throws(
    () =>
      parseAgentsFile(
        JSON.parse(
          '{"agents": [{"name": "a", "provider": "openai", "model": "m", "price": {"input": 1e999, "output": 1}}]}',
        ),
        "ag.json",
      ),
    /: ag\.json\.agents\[0\]\.price\.input: must be a finite number\b.*, got Infinity$/,
  );
  assert.throws(
    () =>
      parseAgentsFile(
        {
          agents: [{
            name: "p",
            provider: "policy",
            policy: "grim",
            price: { input: 1, output: 1 },
          }],
        },
        "ag.json",
      ),
    /: ag\.json\.agents\[0\]\.price: only for LLM agents \(a policy makes no calls\)$/,
  );
  assert.throws(
    () =>
      parseAgentsFile({
        agents: [
          { name: "a", provider: "openai", model: "m", price: { input: 1, output: 2 } },
          { name: "b", provider: "openai", model: "m" },
          { name: "c", provider: "openai", model: "m", price: { input: 1, output: 3 } },
        ],
      }, "ag.json"),
    /: ag\.json\.agents\[2\]\.price: differs from agents\[0\]\.price for model 'm'; a model name has one price$/,
  );
  // equal prices for one model, and a price of 0, are fine
  const ok = parseAgentsFile({
    agents: [
      { name: "a", provider: "openai", model: "m", price: { input: 0, output: 0 } },
      { name: "b", provider: "openai", model: "m", price: { input: 0, output: 0 } },
    ],
  }, "ag.json");
  assert.deepEqual(ok.agents[1].price, { input: 0, output: 0 });
});
