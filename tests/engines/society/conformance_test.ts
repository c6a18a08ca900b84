import assert from "node:assert/strict";
import { engineConformance } from "../../../lib/core/conformance.ts";
import { Rng } from "../../../lib/core/rng.ts";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import type { CitizenAction } from "../../../lib/engines/society/decision.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";

const config = parseSocietyConfig({ citizens: 5, days: 14, resources: 900 });

// The action generator reads the engine being played (the conformance suite plays one game
// at a time, and its resumed copy is in the same state), so votes name open proposals and
// appeals name the dead: eliminations, revivals and starvation all happen.
let current: SocietyEngine;
const make = () => (current = new SocietyEngine(config));

const ODD: unknown[] = [
  null,
  "vote",
  { type: "dance" },
  { type: "vote", proposal_id: 999, support: true },
  { type: "vote", proposal_id: "x", support: true },
  { type: "propose", proposal_type: "coup", content: "citizen_001" },
  { type: "propose", proposal_type: "resource_allocation", content: "citizen_001=5" },
  { type: "private_message", to: "nobody", text: "hi" },
];

function randomAction(agent: string, rng: Rng) {
  const obs = current.view().observations[agent];
  const actions: unknown[] = [];
  const others = obs.alive_citizens.filter((n) => n !== agent);
  if (obs.dead_citizens.length > 0 && rng.chance(0.6)) {
    actions.push({
      type: "propose",
      proposal_type: "appeal",
      content: rng.pick(obs.dead_citizens),
    });
  } else if (others.length > 0 && rng.chance(0.25)) {
    actions.push({ type: "propose", proposal_type: "elimination_vote", content: rng.pick(others) });
  }
  for (const p of obs.open_proposals) {
    actions.push({ type: "vote", proposal_id: p.id, support: rng.chance(0.85) } as CitizenAction);
  }
  if (rng.chance(0.2)) actions.push(rng.pick(ODD));
  if (rng.chance(0.1)) return rng.pick([null, "nonsense", { request: "abc" }]);
  return {
    request: rng.chance(0.1) ? "35" : rng.int(0, 90),
    actions: rng.shuffle(actions),
    statement: rng.chance(0.5) ? "" : `day ${obs.day + 1}`,
  };
}

Deno.test("society conformance (with revivals)", async (t) => {
  await engineConformance(t, { make, randomAction, seeds: [0, 1, 2, 3] });
  await t.step("the generated games eliminate and revive", () => {
    const types = new Set<string>();
    for (const seed of [0, 1, 2, 3]) {
      const engine = make();
      engine.reset({ seed });
      const stream = new Rng(seed).derive("conformance");
      while (!engine.isDone()) {
        const actions = Object.fromEntries(
          engine.liveAgents().map((a) => [a, randomAction(a, stream)]),
        );
        for (const e of engine.step(actions as never).events) types.add(e.type);
      }
    }
    for (const type of ["revive", "elimination_by_vote", "elimination_by_starvation"]) {
      assert.ok(types.has(type), `no ${type} event in the conformance games`);
    }
  });
});
