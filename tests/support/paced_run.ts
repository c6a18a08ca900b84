/**
 * The child process of the suite's kill test: plays a run of an experiment from a registry
 * module one step at a time, printing `step N` after each step and pausing `pace` ms, so
 * the parent can SIGKILL it at the step it chose. With `--resume DIR` it resumes the run
 * instead: through the CLI's own `--resume` when the experiment is in the CLI's registry,
 * through `resumeRun` (what that command calls) for an experiment of a test registry.
 *
 * ```sh
 * deno run -A tests/support/paced_run.ts REGISTRY_URL ipd --seed 3 --horizon 20 --out DIR --pace 15
 * deno run -A tests/support/paced_run.ts REGISTRY_URL ipd --resume DIR
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { main } from "../../lib/cli/main.ts";
import { findExperiment } from "../../lib/cli/registry.ts";
import type { Experiment } from "../../lib/run/experiment.ts";
import { openRun, resumeRun, runToEnd } from "../../lib/run/open.ts";

/** The run policy of the kill test: a checkpoint and every row at every step. */
export const KILL_POLICY = { checkpointEvery: 1, logDecisions: "all" } as const;

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      seed: { type: "string" },
      horizon: { type: "string" },
      out: { type: "string" },
      pace: { type: "string", default: "0" },
      resume: { type: "string" },
    },
  });
  const [registryUrl, name] = positionals;
  const { EXPERIMENTS } = await import(registryUrl) as { EXPERIMENTS: readonly Experiment[] };
  const lookup = (n: string) => EXPERIMENTS.find((e) => e.name === n);
  const experiment = lookup(name);
  if (!experiment) throw new Error(`no experiment '${name}' in ${registryUrl}`);
  if (values.resume) {
    if (findExperiment(name) === experiment) {
      Deno.exit(await main(["--resume", values.resume, "--no-report", "--quiet"]));
    }
    const session = await resumeRun(values.resume, lookup, { reportsRoot: null });
    await runToEnd(session);
    Deno.exit(0);
  }
  const session = await openRun({
    experiment,
    config: {},
    seed: Number(values.seed),
    horizon: Number(values.horizon),
    out: values.out,
    reportsRoot: null,
    policy: KILL_POLICY,
  });
  const pace = Number(values.pace);
  while (!session.done) {
    const { step } = await session.step();
    console.log(`step ${step}`);
    await new Promise((r) => setTimeout(r, pace));
  }
  await session.finish();
}
