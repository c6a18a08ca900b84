import assert from "node:assert/strict";
import { ConfigError } from "../../../lib/core/config.ts";
import { MAX_T, parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";

Deno.test("defaults are the paper's scenario", () => {
  const c = parseDelegationConfig(undefined);
  assert.equal(c.T, 1000);
  assert.equal(c.epsilon, 0.2);
  assert.equal(c.reward_scale, 7);
  assert.equal(c.rng, "toolkit");
  assert.deepEqual(c.providers.map((p) => [p.name, p.models, p.eta, p.strategy]), [
    ["provider_1", ["o1", "o1-mini", "gpt-4o-mini"], 0.2, "honest"],
    ["provider_2", ["o3-mini", "deepseek-r1", "deepseek-v3"], 0.6, "ours"],
    ["provider_3", ["gpt-4", "gpt-4o", "gpt-35-turbo"], 0.4, "worst"],
  ]);
  assert.deepEqual(c.records, { mode: "synthetic", tasks: 1000 });
});

Deno.test("errors name the field", () => {
  const cases: [unknown, RegExp][] = [
    [{ T: 0 }, /^config\.T: must be >= 1, got 0$/],
    [{ T: MAX_T + 1 }, /^config\.T: must be <= 1000000000/],
    [{ T: 2.5 }, /^config\.T: must be an integer, got 2\.5$/],
    [{ epsilon: -0.1 }, /^config\.epsilon: must be >= 0/],
    [{ reward_scale: "7" }, /^config\.reward_scale: /],
    [{ providers: [] }, /^config\.providers: at least one provider/],
    [
      { providers: [{ models: ["o1"], eta: 0.1 }, { models: ["gpt-9"], eta: 0.1 }] },
      /^config\.providers\[1\]\.models\[0\]: provider 'provider_2': model 'gpt-9' has no price/,
    ],
    [{ providers: [{ models: ["o1"], eta: -1 }] }, /^config\.providers\[0\]\.eta: must be >= 0/],
    [{ providers: [{ models: ["o1", "o1"], eta: 1 }] }, /lists model 'o1' twice/],
    [
      { providers: [{ name: "x", models: ["o1"], eta: 1 }, { name: "x", models: ["o1"], eta: 1 }] },
      /^config\.providers\[1\]\.name: duplicate provider name 'x'/,
    ],
    [{ providers: [{ models: ["o1"], eta: 1, strategy: "greedy" }] }, /unknown strategy 'greedy'/],
    [{ records: { mode: "recorded" } }, /^config\.records\.dir: /],
    [{ rng: "numpy" }, /^config\.rng: /],
    [{ rounds: 3 }, /^config: unknown field 'rounds'/],
  ];
  for (const [input, re] of cases) {
    assert.throws(() => parseDelegationConfig(input), (e: Error) => {
      assert.ok(e instanceof ConfigError, `${JSON.stringify(input)}: not a ConfigError`);
      assert.match(e.message, re);
      return true;
    });
  }
});
