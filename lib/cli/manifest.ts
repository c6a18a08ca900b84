/**
 * What `deno task run` needs of the registry before it runs anything: the experiments'
 * names, one-line descriptions and own flags, and the commands' names and descriptions. It
 * is plain data and imports nothing, so `--help` and a bad flag are answered without loading
 * an engine, an LLM SDK, polars or vega (`main.ts` imports `registry.ts` and `commands.ts`
 * only once it has something to run).
 *
 * It mirrors `registry.ts` and `commands.ts`, in their order: a test checks that they agree,
 * so registering an experiment or a command means adding its entry here too. Each entry
 * loads its experiment alone (`load`, a dynamic import), so that a run of one experiment
 * does not load the others (the registry loads them all).
 *
 * @module
 */
import type { Experiment, ExperimentFlag } from "../run/experiment.ts";

/** An experiment as `--help` and the flag parser see it. */
export interface ExperimentEntry {
  /** The CLI name, as `Experiment.name`. */
  readonly name: string;
  /** One line for `--help`, as `Experiment.description`. */
  readonly description: string;
  /** Its own flags, as `Experiment.flags`. */
  readonly flags?: Readonly<Record<string, ExperimentFlag>>;
  /** `true` when `deno task serve` can serve it (it has `Experiment.serve`). */
  readonly servable?: boolean;
  /** Loads the experiment (its module only: the registry's entry, the same object). */
  readonly load: () => Promise<Experiment>;
}

/** The registered experiments, in `EXPERIMENTS` order. */
export const EXPERIMENT_ENTRIES: readonly ExperimentEntry[] = [
  {
    name: "blockchain",
    load: async () => (await import("../engines/blockchain/experiment.ts")).blockchainExperiment,
    description: "Blockchain CPD mining game (RQ2): construct / parasitic / destroy",
  },
  {
    name: "ipd",
    load: async () => (await import("../engines/ipd/experiment.ts")).ipdExperiment,
    description: "Iterated prisoner's dilemma (the example engine; template for new games)",
  },
  {
    name: "delegation",
    load: async () => (await import("../engines/delegation/experiment.ts")).delegationExperiment,
    description: "LLM delegation mechanism (Cao et al.): providers may substitute cheaper models",
    flags: {
      strategies: {
        type: "string",
        description: "one strategy per provider, e.g. honest,ours,worst",
      },
      records: {
        type: "string",
        description: "recorded task records: a directory of JSONL files",
      },
      rng: {
        type: "string",
        description: "random stream: toolkit (default) or python",
      },
      pricing: {
        type: "string",
        description: "one pricing policy per provider, e.g. fixed,surge,undercut",
      },
    },
  },
  {
    name: "society",
    load: async () => (await import("../engines/society/experiment.ts")).societyExperiment,
    description: "Emergent society (shelter): resources, proposals, eliminations and appeals",
    servable: true,
  },
];

/** The commands (`deno task run <name> ...`) and their `--help` lines, in `COMMANDS` order. */
export const COMMAND_ENTRIES: Readonly<Record<string, string>> = {
  "delegation-study": "every strategy combination over the providers x seeds (the paper's table)",
  "fetch-reference": "download the delegation reference data (pinned commit, SHA-256 checked)",
  profile: "a model's profile across the games, and its card (see profile --help)",
  study: "one command per research question: rq2, shelter, delegation (see study --help)",
};

/** Whether `name` is a command of `deno task run`. */
export function isCommand(name: string): boolean {
  return Object.hasOwn(COMMAND_ENTRIES, name);
}
