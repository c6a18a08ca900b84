/**
 * The conformance suite every engine passes: seeded determinism, finite rewards, returns
 * equal to the sum of rewards, terminations final unless a rule revives, an honest
 * `getState`/`setState` round trip (JSON-serialisable, continues identically), and a state
 * that does not grow with the number of steps (histories go to a log stream).
 *
 * Games are played either with random (possibly odd) actions (`make` + `randomAction`,
 * what an engine's own tests use to reach its corners) or with the players of a built run
 * (`game`: a fresh engine and its agents per seed, what the registry suite uses so that a
 * registered engine is tested without any code of its own).
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
import type { AgentId, Engine, GameEvent, StepResult } from "./game.ts";
import { Rng } from "./rng.ts";

/** An engine with actions `A` (its other types do not matter to the suite). */
// deno-lint-ignore no-explicit-any
export type AnyEngine<A> = Engine<A, any, any, any>;
// deno-lint-ignore no-explicit-any
type AnyStep = StepResult<any, any>;

/**
 * A player of a conformance game: the shape of the agent contract (`lib/agents/agent.ts`),
 * so a built run's agents (scripted policies) are players as they are.
 */
export interface ConformancePlayer<A> {
  /** The seat it plays. */
  readonly name: AgentId;
  /** Its decision; `action: null` plays the engine's fallback. */
  act(context: {
    agent: AgentId;
    round: number;
    observation: unknown;
    info: unknown;
  }): { action: A | null } | Promise<{ action: A | null }>;
  /** Its outcome after each step. */
  observe?(outcome: {
    round: number;
    action: A;
    reward: number;
    observation: unknown;
    info: unknown;
    events: GameEvent[];
  }): void | Promise<void>;
}

/** A fresh game for one seed: the engine and the players that act in it. */
export interface ConformanceGame<A> {
  /** A new engine (the suite resets it with the seed). */
  engine: AnyEngine<A>;
  /** One player per seat, fresh (their state starts anew). */
  players: readonly ConformancePlayer<A>[];
}

/** Options shared by both ways of playing. */
export interface CommonOptions {
  /** Seeds to try. @default {[0, 1, 2]} */
  seeds?: number[];
  /** Safety cap on steps per game. @default {10000} */
  maxSteps?: number;
}

/** Games played with random actions. */
export interface RandomConformanceOptions<A> extends CommonOptions {
  /** A new engine. */
  make: () => AnyEngine<A>;
  /** A random (possibly odd) action for `agent`. */
  randomAction: (agent: AgentId, rng: Rng) => A;
}

/** Games played by the players of a built run (e.g. an experiment's scripted seats). */
export interface PlayerConformanceOptions<A> extends CommonOptions {
  /** A fresh engine and players for `seed` (the same seed gives the same players). */
  game: (seed: number) => ConformanceGame<A> | Promise<ConformanceGame<A>>;
}

/** Options of {@linkcode engineConformance}: random actions, or a built run's players. */
export type ConformanceOptions<A> = RandomConformanceOptions<A> | PlayerConformanceOptions<A>;

/** One game in play: its engine, who chooses each action and who hears of each step. */
interface Table<A> {
  engine: AnyEngine<A>;
  choose(agent: AgentId): A | Promise<A>;
  observe(step: AnyStep, actions: Record<AgentId, A>): Promise<void>;
}

async function openTable<A>(o: ConformanceOptions<A>, seed: number): Promise<Table<A>> {
  if ("make" in o) {
    const rng = new Rng(seed).derive("conformance");
    return {
      engine: o.make(),
      choose: (agent) => o.randomAction(agent, rng),
      observe: () => Promise.resolve(),
    };
  }
  const { engine, players } = await o.game(seed);
  const byName = new Map(players.map((p) => [p.name, p]));
  for (const agent of engine.agents) {
    if (!byName.has(agent)) throw new TypeError(`Cannot play: no player for seat '${agent}'`);
  }
  return {
    engine,
    async choose(agent) {
      const view = engine.view();
      const d = await byName.get(agent)!.act({
        agent,
        round: engine.round + 1,
        observation: view.observations[agent],
        info: view.infos[agent],
      });
      return d.action ?? engine.fallbackAction(agent);
    },
    async observe(step, actions) {
      for (const agent of Object.keys(step.observations)) {
        await byName.get(agent)?.observe?.({
          round: engine.round,
          action: actions[agent],
          reward: step.rewards[agent] ?? 0,
          observation: step.observations[agent],
          info: step.infos[agent],
          events: step.events,
        });
      }
    },
  };
}

/** The actions of every live agent for the next step. */
async function actionsOf<A>(table: Table<A>): Promise<Record<AgentId, A>> {
  const actions: Record<AgentId, A> = {};
  for (const agent of table.engine.liveAgents()) actions[agent] = await table.choose(agent);
  return actions;
}

/** Plays one step: actions, the engine's step, the players' outcomes. */
async function stepOnce<A>(
  table: Table<A>,
): Promise<{ actions: Record<AgentId, A>; step: AnyStep }> {
  const actions = await actionsOf(table);
  const step = table.engine.step(actions);
  await table.observe(step, actions);
  return { actions, step };
}

/** Plays a whole game from reset; `after` sees the engine after each step. */
async function play<A>(
  o: ConformanceOptions<A>,
  seed: number,
  after?: (engine: AnyEngine<A>) => void,
): Promise<{ engine: AnyEngine<A>; steps: AnyStep[] }> {
  const table = await openTable(o, seed);
  const steps: AnyStep[] = [];
  table.engine.reset({ seed });
  for (let i = 0; i < (o.maxSteps ?? 10_000) && !table.engine.isDone(); i++) {
    steps.push((await stepOnce(table)).step);
    after?.(table.engine);
  }
  return { engine: table.engine, steps };
}

const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

/**
 * Runs the suite as steps of test `t`.
 *
 * @param t The test context the checks run in, one `t.step` each.
 * @param options How to make the engine and who plays it.
 * @returns When every check ran.
 */
export async function engineConformance<A>(
  t: Deno.TestContext,
  options: ConformanceOptions<A>,
): Promise<void> {
  const seeds = options.seeds ?? [0, 1, 2];

  await t.step("same seed and actions give the same game", async () => {
    for (const seed of seeds) {
      const a = (await play(options, seed)).steps;
      const b = (await play(options, seed)).steps;
      assert.ok(a.length > 0, "the game must last at least one step");
      assert.deepEqual(plain(b), plain(a));
    }
  });

  await t.step("rewards are finite and returns are their sum", async () => {
    for (const seed of seeds) {
      const { engine, steps } = await play(options, seed);
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

  await t.step("terminated agents stay terminated unless a rule revives them", async () => {
    for (const seed of seeds) {
      const { engine, steps } = await play(options, seed);
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

  await t.step("a finished game has no live agents and refuses no one a final state", async () => {
    for (const seed of seeds) {
      const { engine, steps } = await play(options, seed);
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

  await t.step("getState/setState round-trips through JSON and continues identically", async () => {
    for (const seed of seeds) {
      const full = (await play(options, seed)).steps;
      const half = Math.floor(full.length / 2);
      const table = await openTable(options, seed);
      const a = table.engine;
      a.reset({ seed });
      const steps = [];
      let b: AnyEngine<A> | undefined;
      for (let i = 0; !a.isDone() && i < full.length; i++) {
        if (i === half) {
          b = (await openTable(options, seed + 1000)).engine;
          b.reset({ seed: seed + 1000 });
          b.setState(JSON.parse(JSON.stringify(a.getState())));
          assert.deepEqual(b.view(), a.view());
          assert.equal(b.round, a.round);
        }
        const { actions, step: sa } = await stepOnce(table);
        if (b) assert.deepEqual(plain(b.step(actions)), plain(sa));
        steps.push(sa);
      }
      assert.deepEqual(plain(steps), plain(full));
    }
  });

  await t.step("the state does not grow with the number of steps", async () => {
    for (const seed of seeds) {
      const sizes: number[] = [];
      await play(options, seed, (engine) => sizes.push(JSON.stringify(engine.getState()).length));
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
