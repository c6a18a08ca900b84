import assert from "node:assert/strict";
import { engineConformance } from "../../../lib/core/conformance.ts";
import { ConfigError } from "../../../lib/core/config.ts";
import { parseIpdConfig } from "../../../lib/engines/ipd/config.ts";
import { IpdEngine, ipdPayoff } from "../../../lib/engines/ipd/engine.ts";

Deno.test("ipd conformance", (t) =>
  engineConformance(t, {
    make: () => new IpdEngine(parseIpdConfig({ rounds: 12 })),
    randomAction: (_a, rng) => rng.pick(["C", "D"] as const),
  }));

Deno.test("ipd payoffs follow T > R > P > S", () => {
  const p = { T: 5, R: 3, P: 1, S: 0 };
  assert.equal(ipdPayoff("C", "C", p), 3);
  assert.equal(ipdPayoff("C", "D", p), 0);
  assert.equal(ipdPayoff("D", "C", p), 5);
  assert.equal(ipdPayoff("D", "D", p), 1);
});

Deno.test("ipd engine plays rounds, sums returns and ends", () => {
  const g = new IpdEngine(parseIpdConfig({ rounds: 2 }));
  g.reset({ seed: 0 });
  const s1 = g.step({ alice: "C", bob: "D" });
  assert.deepEqual(s1.rewards, { alice: 0, bob: 5 });
  assert.equal(s1.observations.alice.opponentLast, "D");
  assert.equal(g.isDone(), false);
  const s2 = g.step({ alice: "D", bob: "D" });
  assert.deepEqual(s2.truncations, { alice: true, bob: true });
  assert.deepEqual(g.returns(), { alice: 1, bob: 6 });
  assert.equal(g.isDone(), true);
  assert.deepEqual(g.liveAgents(), []);
  assert.throws(() => g.step({ alice: "C", bob: "C" }), RangeError);
});

Deno.test("ipd rejects bad actions and bad configs", () => {
  const g = new IpdEngine(parseIpdConfig({}));
  g.reset({ seed: 0 });
  assert.throws(() => g.step({ alice: "X" as "C", bob: "C" }), /action of 'alice'/);
  assert.throws(() => parseIpdConfig({ rounds: 0 }), ConfigError);
  assert.throws(
    () => parseIpdConfig({ payoffs: { T: 1, R: 3, P: 1, S: 0 } }),
    /config.payoffs: need T > R > P > S/,
  );
  assert.throws(() => parseIpdConfig({ players: ["a", "a"] }), /config.players: names must differ/);
  assert.throws(() => parseIpdConfig({ colour: 1 }), /config: unknown field 'colour'/);
});
