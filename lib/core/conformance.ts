/**
 * The conformance suite every engine passes: seeded determinism, finite rewards, returns
 * equal to the sum of rewards, terminations final unless a rule revives, an honest
 * `getState`/`setState` round trip (JSON-serialisable, continues identically), and a state
 * that does not grow with the number of steps (histories go to a log stream).
 *
 * @example
 * ```ts ignore
 * import { engineConformance } from "./conformance.ts";
 * Deno.test("ipd conformance", (t) =>
 *   engineConformance(t, { make: () => new IpdEngine(cfg), randomAction: (_a, rng) => rng.pick(["C", "D"]) }));
 * ```
 * @module
 */
import assert from "node:assert/strict";
import type { AgentId, Engine, StepResult } from "./game.ts";
import { Rng } from "./rng.ts";

/** Options of {@linkcode engineConformance}. */
export interface ConformanceOptions<A> {
  // deno-lint-ignore no-explicit-any
  make: () => Engine<A, any, any, any>;
  /** A random (possibly odd) action for `agent`. */
  randomAction: (agent: AgentId, rng: Rng) => A;
  /** Seeds to try. @default {[0, 1, 2]} */
  seeds?: number[];
  /** Safety cap on steps per game. @default {10000} */
  maxSteps?: number;
}

// deno-lint-ignore no-explicit-any
function play<A>(engine: Engine<A, any, any, any>, seed: number, o: ConformanceOptions<A>) {
  const rng = new Rng(seed).derive("conformance");
  // deno-lint-ignore no-explicit-any
  const steps: StepResult<any, any>[] = [];
  engine.reset({ seed });
  for (let i = 0; i < (o.maxSteps ?? 10_000) && !engine.isDone(); i++) {
    const actions = Object.fromEntries(engine.liveAgents().map((a) => [a, o.randomAction(a, rng)]));
    steps.push(engine.step(actions));
  }
  return steps;
}

/** Runs the suite as steps of test `t`. */
export async function engineConformance<A>(
  t: Deno.TestContext,
  options: ConformanceOptions<A>,
): Promise<void> {
  const seeds = options.seeds ?? [0, 1, 2];

  await t.step("same seed and actions give the same game", () => {
    for (const seed of seeds) {
      const a = play(options.make(), seed, options);
      const b = play(options.make(), seed, options);
      assert.ok(a.length > 0, "the game must last at least one step");
      assert.deepEqual(JSON.parse(JSON.stringify(b)), JSON.parse(JSON.stringify(a)));
    }
  });

  await t.step("rewards are finite and returns are their sum", () => {
    for (const seed of seeds) {
      const engine = options.make();
      const steps = play(engine, seed, options);
      const sums: Record<string, number> = {};
      for (const s of steps) {
        for (const [agent, r] of Object.entries(s.rewards)) {
          assert.ok(Number.isFinite(r), `reward of ${agent} is not finite: ${r}`);
          sums[agent] = (sums[agent] ?? 0) + r;
        }
      }
      const returns = engine.returns();
      for (const [agent, sum] of Object.entries(sums)) {
        assert.ok(
          Math.abs(returns[agent] - sum) < 1e-9,
          `returns of ${agent}: ${returns[agent]} != ${sum}`,
        );
      }
    }
  });

  await t.step("terminated agents stay terminated unless a rule revives them", () => {
    for (const seed of seeds) {
      const engine = options.make();
      const steps = play(engine, seed, options);
      const dead = new Set<string>();
      for (const s of steps) {
        const revived = new Set(
          s.events.filter((e) => e.type === "revive").map((e) => String(e.agent ?? e.target)),
        );
        if (revived.size) {
          assert.ok(engine.revives, "a revive event from an engine without revives");
        }
        for (const agent of dead) {
          if (!revived.has(agent)) {
            assert.notEqual(s.terminations[agent], false, `${agent} came back`);
          } else dead.delete(agent);
        }
        for (const [agent, term] of Object.entries(s.terminations)) if (term) dead.add(agent);
      }
    }
  });

  await t.step("a finished game has no live agents and refuses no one a final state", () => {
    for (const seed of seeds) {
      const engine = options.make();
      const steps = play(engine, seed, options);
      assert.ok(engine.isDone(), "the game ends within maxSteps");
      assert.deepEqual(engine.liveAgents(), []);
      const last = steps.at(-1)!;
      for (const agent of engine.agents) {
        assert.ok(
          last.terminations[agent] === true || last.truncations[agent] === true,
          `${agent} is neither terminated nor truncated at the end`,
        );
      }
    }
  });

  await t.step("getState/setState round-trips through JSON and continues identically", () => {
    for (const seed of seeds) {
      const full = play(options.make(), seed, options);
      const half = Math.floor(full.length / 2);
      const rng = new Rng(seed).derive("conformance");
      const a = options.make();
      a.reset({ seed });
      const steps = [];
      let b: typeof a | undefined;
      for (let i = 0; !a.isDone() && i < full.length; i++) {
        if (i === half) {
          b = options.make();
          b.reset({ seed: seed + 1000 });
          b.setState(JSON.parse(JSON.stringify(a.getState())));
          assert.deepEqual(b.view(), a.view());
          assert.equal(b.round, a.round);
        }
        const actions = Object.fromEntries(
          a.liveAgents().map((x) => [x, options.randomAction(x, rng)]),
        );
        const sa = a.step(actions);
        if (b) {
          const sb = b.step(actions);
          assert.deepEqual(JSON.parse(JSON.stringify(sb)), JSON.parse(JSON.stringify(sa)));
        }
        steps.push(sa);
      }
      assert.deepEqual(JSON.parse(JSON.stringify(steps)), JSON.parse(JSON.stringify(full)));
    }
  });

  await t.step("the state does not grow with the number of steps", () => {
    for (const seed of seeds) {
      const rng = new Rng(seed).derive("conformance");
      const engine = options.make();
      engine.reset({ seed });
      const sizes: number[] = [];
      for (let i = 0; i < (options.maxSteps ?? 10_000) && !engine.isDone(); i++) {
        const actions = Object.fromEntries(
          engine.liveAgents().map((a) => [a, options.randomAction(a, rng)]),
        );
        engine.step(actions);
        sizes.push(JSON.stringify(engine.getState()).length);
      }
      if (sizes.length < 8) continue; // too short a game to tell
      // Histories belong in a log stream: after a few steps the state keeps its size, up to
      // numbers growing a few digits (slack: 25% and 256 characters).
      const early = sizes[Math.floor(sizes.length / 4)];
      const last = sizes.at(-1)!;
      assert.ok(
        last <= early * 1.25 + 256,
        `state grew from ${early} characters at step ${
          Math.floor(sizes.length / 4) + 1
        } to ${last} at step ${sizes.length}: keep histories out of the state`,
      );
    }
  });
}
