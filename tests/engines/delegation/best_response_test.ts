/**
 * The providers' rational baseline: the myopic best response serves, on each task, the model
 * of the highest provider utility, so its stage-game regret is zero; it plays in any seat.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../support/cli.ts";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import { bestResponse, strategyView } from "../../../lib/engines/delegation/strategies.ts";

Deno.test("delegation best_response: the model of the highest provider utility on the task", () => {
  const engine = new DelegationEngine(parseDelegationConfig({ T: 50 }));
  engine.reset({ seed: 3 });
  const view = strategyView(engine, "provider_1");
  const t = engine.tables.providers[0];
  const L = engine.tables.length;
  for (let step = 0; step < 5; step++) {
    view.obs = { ...engine.view().observations["provider_1"], t: step };
    const pick = bestResponse(view);
    const utilities = t.models.map((_, j) => t.providerUtility[j * L + (step % L)]);
    assert.equal(t.models.indexOf(pick), utilities.indexOf(Math.max(...utilities)), `t=${step}`);
  }
  // without utilities (live mode) it serves the cheapest model
  assert.equal(bestResponse({ ...view, providerUtility: () => undefined }), view.cheapest);
});

Deno.test("delegation best_response: zero stage-game regret in any seat", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-br-" });
  for (
    const [i, strategies] of ["best_response,honest,worst", "honest,worst,best_response"].entries()
  ) {
    const out = join(dir, `r${i}`);
    const r = await runCli([
      "delegation",
      "--strategies",
      strategies,
      "--out",
      out,
      "--no-report",
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    const seat = `provider_${strategies.split(",").indexOf("best_response") + 1}`;
    assert.ok(s.regret[seat].n > 0, `${seat} was delegated to`);
    assert.equal(s.regret[seat].total, 0);
    const worst = `provider_${strategies.split(",").indexOf("worst") + 1}`;
    assert.ok(s.regret[worst].total > 0, "serving the cheapest is not always the best response");
  }
});
