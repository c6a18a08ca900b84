/**
 * `mechanism: "none"`: the engine plays the no-mechanism user of `counterfactual.ts` as
 * real steps, so its figures equal `playNoMechanism` on the same seed; absent or `paper`
 * leaves the paper's mechanism unchanged.
 */
import assert from "node:assert/strict";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import { playNoMechanism } from "../../../lib/engines/delegation/counterfactual.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import { createStrategyAgent } from "../../../lib/engines/delegation/strategies.ts";
import { delegationSummary } from "../../../lib/engines/delegation/summary.ts";
import { providerSystemPrompt } from "../../../lib/engines/delegation/prompts.ts";

function play(config: ReturnType<typeof parseDelegationConfig>, seed: number) {
  const engine = new DelegationEngine(config);
  let obs = engine.reset({ seed }).observations;
  const agents = config.providers.map((p) => createStrategyAgent(engine, p.name, p.strategy));
  const phases = new Set<number>();
  const seen: { phase: number; bonus: boolean; second: number; planned: number }[] = [];
  let events = 0;
  while (!engine.isDone()) {
    const i = engine.actor;
    const o = obs[agents[i].name];
    seen.push({ phase: o.phase, bonus: o.bonus, second: o.secondBestUtility, planned: o.planned });
    const { action } = agents[i].act({ observation: o } as never) as { action: string };
    const step = engine.step({ [agents[i].name]: action });
    obs = step.observations;
    phases.add(step.infos[agents[i].name].delegation!.phase);
    for (const e of step.events) if (e.type === "early_stop") events++;
  }
  return { engine, summary: delegationSummary(config, engine.getState()), phases, seen, events };
}

const TABLES = [
  ["honest", "honest", "honest"],
  ["honest", "ours", "worst"],
  ["ours", "ours", "ours"],
  ["worst", "worst", "worst"],
  ["random", "random", "random"],
];

Deno.test("mechanism none: reproduces the no-mechanism user of counterfactual.ts", () => {
  for (const rng of ["toolkit", "python"] as const) {
    for (const T of [40, 200, 1000]) {
      for (const table of TABLES) {
        for (const seed of [1, 2, 3]) {
          const input = {
            T,
            rng,
            providers: parseDelegationConfig({}).providers.map((p, i) => ({
              ...p,
              strategy: table[i],
            })),
          };
          const paper = parseDelegationConfig(input);
          const none = parseDelegationConfig({ ...input, mechanism: "none" });
          const want = playNoMechanism({ config: paper, seed });
          const got = play(none, seed);
          const s = got.summary;
          const at = `rng=${rng} T=${T} ${table.join("-")} seed=${seed}`;
          assert.equal(s.total_delegations, want.delegations, at);
          assert.equal(s.total_delegations, T, at);
          assert.equal(s.substitution_rate, want.substitution_share, at);
          assert.ok(Math.abs(s.total_user_utility - want.user_utility) < 1e-9, at);
          assert.equal(s.best_provider_id, want.best_provider + 1, at);
          for (let i = 0; i < 3; i++) {
            const st = s.provider_stats[String(i + 1)];
            assert.equal(st.delegations, want.provider_delegations[i], at);
            assert.equal(st.substitutions, want.provider_substitutions[i], at);
            assert.ok(Math.abs(st.provider_utility - want.provider_utility[i]) < 1e-9, at);
          }
          assert.equal(s.stopped_early, false, at);
          assert.equal(got.events, 0, at);
          assert.ok([...got.phases].every((p) => p === 1 || p === 2), at);
          for (const o of got.seen) {
            assert.equal(o.bonus, false, at);
            assert.equal(o.second, 0, at);
            if (o.phase === 2) assert.equal(o.planned, T - s.delegations_per_phase.exploration);
          }
        }
      }
    }
  }
});

Deno.test("mechanism: absent and paper play alike and leave the parsed config unchanged", () => {
  const absent = parseDelegationConfig({ T: 300 });
  assert.equal("mechanism" in absent, false);
  const paper = parseDelegationConfig({ T: 300, mechanism: "paper" });
  for (const seed of [1, 2]) {
    assert.deepEqual(play(absent, seed).engine.getState(), play(paper, seed).engine.getState());
  }
  assert.throws(() => parseDelegationConfig({ mechanism: "audit" }), /config\.mechanism/);
});

Deno.test("mechanism none: the providers' prompt describes the no-mechanism user", () => {
  const none = providerSystemPrompt(parseDelegationConfig({ T: 100, mechanism: "none" }), 0);
  const paper = providerSystemPrompt(parseDelegationConfig({ T: 100 }), 0);
  assert.equal(
    paper,
    providerSystemPrompt(parseDelegationConfig({ T: 100, mechanism: "paper" }), 0),
  );
  assert.match(none, /every remaining task/);
  assert.doesNotMatch(none, /Incentive|stops early when/);
});
