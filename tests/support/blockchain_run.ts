/**
 * Test helpers: synthetic run directories of the blockchain game, written from per-miner
 * scripts, for the analysis and report tests.
 *
 * @module
 */
import { join } from "node:path";
import { strategyLabel } from "../../lib/engines/blockchain/labels.ts";

/** A miner's action: build, free-ride, attack. */
export type Cpd = [number, number, number];

/** What one miner does and gets, round by round. */
export interface MinerScript {
  actions: Cpd[];
  rewards: number[];
  efficiency: number[];
  /** @default {true every round} */
  parse_ok?: boolean[];
  /** Written as each row's `thought` when given. */
  thoughts?: string[];
  /**
   * Written as each row's `kind` (as the run session does). @default {derived from the run's
   * `agents`: `policy:<policy>` or `<provider>:<model>`}
   */
  kind?: string;
}

/** A run to write: the config head, the miners' scripts and the other logs' lines. */
export interface BlockchainRunScript {
  seed: number;
  /** @default {"blockchain"} */
  experiment?: string;
  /** Merged over `{ rounds, eta_min: 0.1, kappa: 0.2 }`. */
  config?: Record<string, unknown>;
  /** @default {null} */
  agents?: Record<string, unknown>[] | null;
  miners: Record<string, MinerScript>;
  /** The honest group's efficiency each round; its length is the number of rounds. */
  honest: number[];
  /** Lines of `llm_calls.jsonl`. @default {[]} */
  calls?: Record<string, unknown>[];
  /** Lines of `events.jsonl`. @default {[]} */
  events?: Record<string, unknown>[];
}

/** Writes `config.json` (`head` as JSON) into `dir`, creating the directory if need be. */
export async function writeRunConfig(dir: string, head: Record<string, unknown>): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(head));
}

/** A seat's `kind` and `model` from an agents-file entry, as the experiment writes them. */
function seatOf(agent: Record<string, unknown> | undefined): { kind?: string; model?: string } {
  if (!agent) return {};
  if (agent.provider === "policy") return { kind: `policy:${agent.policy}` };
  const model = typeof agent.model === "string" ? agent.model : undefined;
  return { kind: `${agent.provider}:${model}`, model };
}

/**
 * Writes a blockchain-like run directory: `config.json`, `decisions.jsonl` (every miner
 * every round, with cumulative rewards, strategy labels, `kind` (and `model` for LLM seats)
 * and `fallback` = not `parse_ok`, as the run session writes them), `llm_calls.jsonl` and
 * `events.jsonl`.
 *
 * @returns `dir`.
 */
export async function writeBlockchainRun(dir: string, run: BlockchainRunScript): Promise<string> {
  await writeRunConfig(dir, {
    v: 1,
    experiment: run.experiment ?? "blockchain",
    seed: run.seed,
    created_at: "2025-01-01T00:00:00Z",
    options: {},
    config: { rounds: run.honest.length, eta_min: 0.1, kappa: 0.2, ...run.config },
    agents: run.agents ?? null,
  });
  const decisions: unknown[] = [];
  const seats = new Map((run.agents ?? []).map((a) => [a.name, seatOf(a)]));
  run.honest.forEach((honest, i) => {
    for (const [agent, m] of Object.entries(run.miners)) {
      const seat = seats.get(agent) ?? {};
      const kind = m.kind ?? seat.kind;
      if (!kind) throw new Error(`writeBlockchainRun: ${agent} needs a kind or an agents entry`);
      const parseOk = m.parse_ok?.[i] ?? true;
      const cumulative = m.rewards.slice(0, i + 1).reduce((a, b) => a + b, 0);
      decisions.push({
        v: 1,
        round: i + 1,
        agent,
        action: m.actions[i],
        reward: m.rewards[i],
        cumulative_reward: cumulative,
        efficiency: m.efficiency[i],
        honest_efficiency: honest,
        label: strategyLabel(m.actions[i]),
        parse_ok: parseOk,
        fallback: !parseOk,
        kind,
        ...(m.kind === undefined && seat.model ? { model: seat.model } : {}),
        ...(m.thoughts ? { thought: m.thoughts[i] } : {}),
      });
    }
  });
  const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r) + "\n").join("");
  await Deno.writeTextFile(join(dir, "decisions.jsonl"), jsonl(decisions));
  await Deno.writeTextFile(join(dir, "llm_calls.jsonl"), jsonl(run.calls ?? []));
  await Deno.writeTextFile(join(dir, "events.jsonl"), jsonl(run.events ?? []));
  return dir;
}
