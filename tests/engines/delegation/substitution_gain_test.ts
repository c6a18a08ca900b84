import assert from "node:assert/strict";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import { delegationSummary } from "../../../lib/engines/delegation/summary.ts";

/** Plays a run where provider 1 serves `serve(models)` and the others their best model. */
function play(serve: (models: readonly string[], best: number) => string, seed: number) {
  const config = parseDelegationConfig({ T: 300 });
  const engine = new DelegationEngine(config);
  engine.reset({ seed });
  const expect = { gain: 0, loss: 0 };
  while (!engine.isDone()) {
    const [p] = engine.liveAgents();
    const i = engine.agents.indexOf(p);
    const tab = engine.tables.providers[i];
    const model = i === 0 ? serve(tab.models, tab.bestModel) : engine.fallbackAction(p);
    const t = engine.round;
    const r = engine.step({ [p]: model });
    const d = r.infos[p].delegation!;
    if (i === 0 && model !== tab.models[tab.bestModel]) {
      const k = tab.bestModel * engine.tables.length + (t % engine.tables.length);
      expect.gain += d.provider_utility - tab.providerUtility[k];
      expect.loss += tab.utility[k] - d.user_utility;
    }
  }
  return { summary: delegationSummary(config, engine.getState()), expect, engine, config };
}

Deno.test("delegation summary: substitution gain and user utility lost, per provider", () => {
  const cheat = play((models) => models[models.length - 1], 4);
  const s1 = cheat.summary.provider_stats["1"];
  assert.ok(s1.substitutions > 0);
  assert.ok(Math.abs(s1.substitution_gain - cheat.expect.gain) < 1e-9);
  assert.ok(Math.abs(s1.user_utility_lost! - cheat.expect.loss) < 1e-9);
  assert.ok(s1.substitution_gain > 0, "serving the cheapest model saves the provider money");
  for (const id of ["2", "3"]) {
    assert.equal(cheat.summary.provider_stats[id].substitution_gain, 0);
    assert.equal(cheat.summary.provider_stats[id].user_utility_lost, 0);
  }
  const honest = play((models, best) => models[best], 4);
  assert.equal(honest.summary.provider_stats["1"].substitution_gain, 0);
  assert.equal(honest.summary.provider_stats["1"].user_utility_lost, 0);
});

Deno.test("delegation state: substitution sums survive getState/setState", () => {
  const { engine, config } = play((models) => models[models.length - 1], 2);
  const copy = new DelegationEngine(config);
  copy.reset({ seed: 2 });
  copy.setState(engine.getState());
  assert.deepEqual(
    delegationSummary(config, copy.getState()).provider_stats,
    delegationSummary(config, engine.getState()).provider_stats,
  );
});
