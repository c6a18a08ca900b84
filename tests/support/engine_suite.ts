/**
 * One test suite for every registered engine (hono's `runTest` pattern): give it a list of
 * experiments (the CLI's registry, or a test registry) and each one is checked without code
 * of its own:
 *
 * - **conformance** (`lib/core/conformance.ts`), played by the experiment's own scripted
 *   seats (the agents `build` gives without an agents file);
 * - **checkpoint round trip**: a run stopped at a random step leaves a checkpoint that is
 *   plain JSON, and a freshly built engine and agents set to it give it back unchanged;
 * - **stop and resume**: that stopped run, resumed from its checkpoint, ends with the same
 *   `summary.json`, `decisions.jsonl` and `events.jsonl` as an uninterrupted run;
 * - **SIGKILL and resume** (for every experiment, about a second each): a child process
 *   playing the run is killed without warning at a random step, the run is resumed with
 *   `--resume`, and its files equal the uninterrupted run's.
 *
 * Every random choice (game seeds, the stop step, the kill step) derives
 * from one suite seed printed in the test names; `LAB_SUITE_SEED=N` replays a failure.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CallRecorder } from "../../lib/agents/call_recorder.ts";
import { engineConformance } from "../../lib/core/conformance.ts";
import { CheckpointRecordSchema } from "../../lib/core/records.ts";
import { Rng } from "../../lib/core/rng.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import type { BuiltRun, Experiment } from "../../lib/run/experiment.ts";
import { openRun, resumeRun, runToEnd } from "../../lib/run/open.ts";
import { exists } from "../../lib/core/run_dir.ts";
import { KILL_POLICY } from "./paced_run.ts";

/** Options of {@linkcode engineSuite}. */
export interface EngineSuiteOptions {
  /** A label for the test names, e.g. `"registry"`. */
  label: string;
  /** The URL of a module exporting `EXPERIMENTS` (the same list), for the child process. */
  registryUrl: string;
  /** The seed every choice derives from. */
  seed: number;
  /** Steps of the runs that are stopped, killed and resumed. @default {30} */
  horizon?: number;
  /**
   * Steps of the conformance games: long enough for a mechanism's state to settle within the
   * first quarter, where the suite checks that it stops growing (delegation explores `K *
   * T^0.4` steps and fills a window of `T^0.4` more: at 30 steps, about 2% of its games were
   * still filling it at the quarter; at 200, none of 300). @default {200}
   */
  conformanceHorizon?: number;
  /** Pause of the child between steps, in ms. @default {15} */
  pace?: number;
}

/** The files of a run that an interrupted and an uninterrupted run share byte for byte. */
const SAME_FILES = ["summary.json", "decisions.jsonl", "events.jsonl"];

/** The suite seed: `LAB_SUITE_SEED` when set, else a fresh one (printed in the test names). */
export function suiteSeed(): number {
  const fixed = Deno.env.get("LAB_SUITE_SEED");
  if (fixed !== undefined) {
    const n = Number(fixed);
    if (!Number.isSafeInteger(n)) throw new RangeError(`LAB_SUITE_SEED: not an integer: ${fixed}`);
    return n;
  }
  return Math.floor(Math.random() * 1_000_000);
}

/** Builds `experiment` with its default (scripted) seats, as a run with `seed` would. */
function buildRun(experiment: Experiment, horizon: number, seed: number): Promise<BuiltRun> {
  const config = experiment.parseConfig({ [experiment.horizon]: horizon });
  return Promise.resolve(experiment.build(config, {
    seed,
    rng: new Rng(seed),
    lang: "en",
    agents: null,
    recorder: new CallRecorder(),
    chatModel: () => {
      throw new Error("the engine suite plays the scripted seats only");
    },
  }));
}

/** Asserts that two runs wrote the same summary and logs. */
async function assertSameRun(dir: string, reference: string): Promise<void> {
  for (const file of SAME_FILES) {
    const want = await exists(join(reference, file))
      ? await Deno.readTextFile(join(reference, file))
      : null;
    const got = await exists(join(dir, file)) ? await Deno.readTextFile(join(dir, file)) : null;
    assert.equal(got, want, `${file} differs from the uninterrupted run's`);
  }
}

/** An uninterrupted run, in process; returns the steps it played (a game may end early). */
async function fullRun(
  experiment: Experiment,
  horizon: number,
  seed: number,
  out: string,
): Promise<number> {
  const run = await runToEnd(
    await openRun({
      experiment,
      config: {},
      seed,
      horizon,
      out,
      reportsRoot: null,
      policy: KILL_POLICY,
    }),
  );
  assert.equal(run.outcome.status, "completed");
  assert.ok(run.outcome.steps >= 4, `a game of ${run.outcome.steps} steps is too short to stop`);
  return run.outcome.steps;
}

/** A step in `[lo, steps - hi]` from the draw `u` in [0, 1). */
function stepAt(u: number, steps: number, lo: number, hi: number): number {
  return lo + Math.floor(u * (steps - hi - lo + 1));
}

/** Runs `check`, naming the step in its error. */
async function at(what: string, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Stops a run at a step drawn by `u` (before the game's end), checks its checkpoint
 * round-trips, resumes it and compares it with the uninterrupted run.
 */
async function stopAndResume(
  experiments: readonly Experiment[],
  experiment: Experiment,
  o: { horizon: number; seed: number; u: number; root: string },
): Promise<void> {
  const { horizon, seed, u, root } = o;
  const steps = await fullRun(experiment, horizon, seed, join(root, "full"));
  const stop = stepAt(u, steps, 1, 1);
  await at(
    `stopped at step ${stop} of ${steps}`,
    () => stopped(experiments, experiment, { horizon, seed, stop, root }),
  );
}

async function stopped(
  experiments: readonly Experiment[],
  experiment: Experiment,
  o: { horizon: number; seed: number; stop: number; root: string },
): Promise<void> {
  const { horizon, seed, stop, root } = o;
  const dir = join(root, "stopped");
  const session = await openRun({
    experiment,
    config: {},
    seed,
    horizon,
    out: dir,
    reportsRoot: null,
    policy: KILL_POLICY,
  });
  const outcome = await runToEnd(session, { until: stop });
  assert.equal(outcome.outcome.status, "paused");
  assert.equal(await exists(join(dir, "summary.json")), false);

  const checkpoints = await readJsonl(join(dir, "checkpoints.jsonl"), CheckpointRecordSchema);
  const last = checkpoints.at(-1)!;
  assert.equal(last.round, stop, "the last checkpoint is the stop");
  assert.deepEqual(JSON.parse(JSON.stringify(last)), last, "a checkpoint is plain JSON");
  const fresh = await buildRun(experiment, horizon, seed);
  fresh.engine.reset({ seed });
  fresh.engine.setState(structuredClone(last.engine));
  assert.equal(fresh.engine.round, stop);
  assert.deepEqual(JSON.parse(JSON.stringify(fresh.engine.getState())), last.engine);
  for (const agent of fresh.agents) {
    agent.setState(structuredClone(last.agents[agent.name]));
    assert.deepEqual(
      JSON.parse(JSON.stringify(agent.getState() ?? null)),
      last.agents[agent.name] ?? null,
      `agent ${agent.name}: getState after setState`,
    );
  }

  const lookup = (name: string) => experiments.find((e) => e.name === name);
  const resumed = await runToEnd(await resumeRun(dir, lookup, { reportsRoot: null }));
  assert.equal(resumed.outcome.status, "completed");
  await assertSameRun(dir, join(root, "full"));
}

/** Reads the child's `step N` lines until step `at`; returns whether it got there. */
export async function waitForStep(
  stdout: ReadableStream<Uint8Array>,
  at: number,
): Promise<boolean> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      text += value;
      if (new RegExp(`^step ${at}$`, "m").test(text)) return true;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The child process: plays (or resumes) a run of the registry's experiment. */
function child(registryUrl: string, name: string, args: string[]): Deno.Command {
  const script = new URL("./paced_run.ts", import.meta.url).pathname;
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", script, registryUrl, name, ...args],
    stdout: "piped",
    stderr: "piped",
  });
}

/**
 * Kills a child run at a step drawn by `u` (plus `delay` ms, less than one pause: the child
 * cannot finish meanwhile), resumes it with `--resume` and compares it with an
 * uninterrupted run.
 */
async function killAndResume(
  registryUrl: string,
  experiment: Experiment,
  o: { horizon: number; seed: number; u: number; delay: number; pace: number; root: string },
): Promise<void> {
  const { horizon, seed, u, delay, pace, root } = o;
  const steps = await fullRun(experiment, horizon, seed, join(root, "full"));
  const kill = stepAt(u, steps, 1, 2);
  await at(
    `killed at step ${kill} (+${delay} ms) of ${steps}`,
    () => killed(registryUrl, experiment, { horizon, seed, kill, delay, pace, root }),
  );
}

async function killed(
  registryUrl: string,
  experiment: Experiment,
  o: { horizon: number; seed: number; kill: number; delay: number; pace: number; root: string },
): Promise<void> {
  const { horizon, seed, kill, delay, pace, root } = o;
  const dir = join(root, "killed");
  const args = ["--seed", `${seed}`, "--horizon", `${horizon}`, "--out", dir, "--pace", `${pace}`];
  const proc = child(registryUrl, experiment.name, args).spawn();
  const errText = new Response(proc.stderr).text();
  const reached = await waitForStep(proc.stdout, kill);
  if (!reached) assert.fail(`the child ended before step ${kill}: ${await errText}`);
  await new Promise((r) => setTimeout(r, delay));
  proc.kill("SIGKILL");
  const status = await proc.status;
  await proc.stdout.cancel().catch(() => {});
  await errText;
  assert.equal(status.signal, "SIGKILL", "the child was killed, not finished");
  assert.equal(await exists(join(dir, "summary.json")), false, "killed before the end");
  const cps = await readJsonl(join(dir, "checkpoints.jsonl"), CheckpointRecordSchema, {
    tolerateTornTail: true,
  });
  const last = cps.at(-1)!.round;
  assert.ok(last >= kill && last < horizon, `killed mid-way (last checkpoint at ${last})`);

  const resumed = await child(registryUrl, experiment.name, ["--resume", dir]).output();
  assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
  await assertSameRun(dir, join(root, "full"));
}

/**
 * Registers the suite's tests for every experiment of `experiments`.
 *
 * @param experiments The registry to test (every entry is tested).
 * @param options The label, the registry module for the child process, the seed.
 */
export function engineSuite(experiments: readonly Experiment[], options: EngineSuiteOptions): void {
  const { label, registryUrl, seed, horizon = 30, conformanceHorizon = 200, pace = 15 } = options;
  const rerun = `suite seed ${seed}; rerun with LAB_SUITE_SEED=${seed}`;
  for (const experiment of experiments) {
    const rng = new Rng(seed).derive(experiment.name);
    const seeds = [rng.int(0, 99_999), rng.int(0, 99_999)];
    const runSeed = rng.int(0, 99_999);
    const u = rng.next();
    Deno.test(`${label} ${experiment.name}: conformance with its scripted seats (${rerun})`, (t) =>
      engineConformance(t, {
        seeds,
        game: async (s) => {
          const built = await buildRun(experiment, conformanceHorizon, s);
          return { engine: built.engine, players: built.agents };
        },
      }));
    Deno.test(
      `${label} ${experiment.name}: checkpoint round trip, stop at a random step and resume (${rerun})`,
      async () => {
        const root = await Deno.makeTempDir({ prefix: `lab-suite-${experiment.name}-` });
        try {
          await stopAndResume(experiments, experiment, { horizon, seed: runSeed, u, root });
        } finally {
          await Deno.remove(root, { recursive: true });
        }
      },
    );
  }
  // every experiment is SIGKILLed once (about a second each), at a step drawn from the seed
  for (const victim of experiments) {
    const rng = new Rng(seed).derive(`kill:${label}:${victim.name}`);
    const u = rng.next();
    const delay = rng.int(0, pace - 1);
    const runSeed = rng.int(0, 99_999);
    Deno.test(
      `${label} ${victim.name}: SIGKILL at a random step, --resume equals an uninterrupted run (${rerun})`,
      async () => {
        const root = await Deno.makeTempDir({ prefix: `lab-suite-kill-${victim.name}-` });
        try {
          await killAndResume(registryUrl, victim, {
            horizon,
            seed: runSeed,
            u,
            delay,
            pace,
            root,
          });
        } finally {
          await Deno.remove(root, { recursive: true });
        }
      },
    );
  }
}
