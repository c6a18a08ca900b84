/** The running tally equals the regret of the whole list of points, to the bit. */
import assert from "node:assert/strict";
import { RegretTally, summarizeRegret } from "../../lib/core/regret.ts";
import { Rng } from "../../lib/core/rng.ts";

Deno.test("RegretTally: equals summarizeRegret of the same points in the same order", () => {
  const rng = new Rng(7);
  const points = Array.from({ length: 5000 }, (_, i) => {
    const best = rng.next() * 10;
    return {
      agent: ["b", "a", "c"][i % 3],
      best,
      earned: best - rng.next() * (i % 5 === 0 ? 0 : 3),
      llm: i % 3 !== 2,
    };
  });
  const tally = new RegretTally();
  for (const p of points) tally.add(p.agent, p.best, p.earned, p.llm);
  const summary = tally.summary();
  assert.deepEqual(summary, summarizeRegret(points));
  assert.deepEqual(Object.keys(summary), ["a", "b", "c"]);
  assert.equal(summary.c.near_best_share, null, "no LLM decision, no near-best share");
  assert.ok(summary.a.total > 0 && summary.a.n === 1667);
  assert.throws(() => tally.add("a", NaN, 1), RangeError);
});
