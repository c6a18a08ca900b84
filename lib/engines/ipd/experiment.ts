/**
 * The IPD experiment as the CLI and sweeps see it: config, agents (policies or LLMs from the
 * agents file), decision rows, the summary and the report (`report.ts`).
 *
 * @module
 */
import { z } from "zod";
import type { Agent } from "../../agents/agent.ts";
import { ConfigError } from "../../core/config.ts";
import { decisionRecordObject } from "../../core/record_helpers.ts";
import type { Schema } from "../../core/records.ts";
import { readRunLogs, usageTotals } from "../../core/summary.ts";
import type { BuildContext, BuiltRun, Experiment } from "../../run/experiment.ts";
import { type IpdConfig, parseIpdConfig } from "./config.ts";
import { type IpdAction, IpdEngine, type IpdInfo, type IpdObs } from "./engine.ts";
import { createIpdLlmPlayer } from "./llm_player.ts";
import { createIpdPolicy } from "./policies.ts";
import { summarizeRegret } from "../../core/regret.ts";
import { ipdBaseline, ipdRegretPoints, jointCounts } from "./stage_regret.ts";

const ipdDecisionObject = decisionRecordObject.extend({
  action: z.enum(["C", "D"]),
  cumulative_reward: z.number(),
  thought: z.string().optional(),
});

/**
 * A row of an IPD run's `decisions.jsonl`: the shared record with the move played (`C` or
 * `D`), the player's running total and, for an LLM player, its stated reasoning.
 */
export type IpdDecisionRow = z.infer<typeof ipdDecisionObject>;

/** The schema of an IPD row of `decisions.jsonl`: the shared record with the IPD's fields. */
export const IpdDecisionSchema: Schema<IpdDecisionRow> = ipdDecisionObject;

/**
 * The summary's verdict: `mutual_cooperation` when both players cooperated *in the same
 * round* in at least {@linkcode MUTUAL_COOPERATION_THRESHOLD} of the rounds (the joint rate,
 * not each player's own rate; `"inconclusive"` when too many LLM decisions were fallbacks).
 */
export const IPD_VERDICTS = ["mutual_cooperation"] as const;

/**
 * The least share of rounds with mutual cooperation (both players played `C` in that
 * round) for the `mutual_cooperation` verdict: a majority of rounds, `0.5` (inclusive).
 * Each player cooperating half the time is not enough: alternating `C`/`D` out of phase
 * gives each player a 0.5 rate and a joint rate of 0.
 */
export const MUTUAL_COOPERATION_THRESHOLD = 0.5;

/**
 * The `mutual_cooperation` verdict from the joint rate.
 *
 * @param mutualRate Share of rounds in which both players cooperated, in [0, 1].
 * @param threshold The least rate. @default {MUTUAL_COOPERATION_THRESHOLD}
 * @returns `mutualRate >= threshold`.
 *
 * @example
 * ```ts
 * import { mutualCooperation } from "./experiment.ts";
 * console.log(mutualCooperation(0.3), mutualCooperation(0.5)); // false true
 * ```
 */
export function mutualCooperation(
  mutualRate: number,
  threshold = MUTUAL_COOPERATION_THRESHOLD,
): boolean {
  return mutualRate >= threshold;
}

/**
 * The share of LLM decisions that were valid (not the engine's fallback); scripted seats
 * never fall back and do not count. `null` without LLM decisions.
 *
 * @param decisions Decision rows (`agent`, `fallback`).
 * @param llmAgents The names of the LLM-driven seats.
 * @returns The valid share of the LLM seats' decisions, or `null`.
 *
 * @example
 * ```ts
 * import { llmValidActionRate } from "./experiment.ts";
 * const rows = [{ agent: "a", fallback: true }, { agent: "b", fallback: false }];
 * console.log(llmValidActionRate(rows, ["a"])); // 0
 * ```
 */
export function llmValidActionRate(
  decisions: readonly { agent: string; fallback?: boolean }[],
  llmAgents: readonly string[],
): number | null {
  const mine = decisions.filter((d) => llmAgents.includes(d.agent));
  return mine.length ? mine.filter((d) => !d.fallback).length / mine.length : null;
}

/** What `summary.json` says its `regret` is. */
export const IPD_REGRET_NOTE: string =
  "Stage-game (myopic) regret: per round, the payoff of the best response to the opponent's " +
  "actual move of that round minus the payoff earned (T - R for cooperating with a cooperator, " +
  "P - S for cooperating with a defector, 0 for defecting). Not an equilibrium test: in the " +
  "repeated game cooperation sustained by future punishment (tit-for-tat against tit-for-tat) " +
  "can be an equilibrium and still has a stage regret of T - R every round.";

type IpdAgent = Agent<IpdObs, IpdInfo, IpdAction>;

/** The two players: the agents file's entries (policies or LLMs), else the config's policies. */
function ipdAgents(cfg: IpdConfig, ctx: BuildContext): IpdAgent[] {
  return cfg.players.map((name, i) => {
    const spec = ctx.agents?.[i];
    if (!spec || spec.provider === "policy") {
      return createIpdPolicy(
        spec?.policy ?? cfg.policies[i],
        name,
        ctx.rng.derive(`agent:${name}`),
        cfg.payoffs,
      );
    }
    return createIpdLlmPlayer({
      name,
      model: ctx.chatModel(spec),
      config: cfg,
      recorder: ctx.recorder,
      temperature: spec.temperature,
      maxTokens: spec.max_tokens,
    });
  });
}

/** The summary of a finished run, from the engine's final state and the run's logs. */
async function ipdSummary(
  engine: IpdEngine,
  agents: readonly IpdAgent[],
  cfg: IpdConfig,
  { dir, steps }: { dir: string; steps: number },
): Promise<Record<string, unknown>> {
  // Totals and cooperation counts come from the final state, so a run that logs no
  // decision rows (a million rounds) has its summary too.
  const state = engine.getState();
  const { decisions, calls } = await readRunLogs(dir);
  const per: Record<string, { total: number; cooperation_rate: number; kind: string }> = {};
  for (const a of agents) {
    per[a.name] = {
      kind: a.kind,
      total: state.totals[a.name],
      cooperation_rate: steps ? state.cooperations[a.name] / steps : 0,
    };
  }
  const ranking = Object.keys(per).sort((a, b) => per[b].total - per[a].total);
  // every round counts, logged or not: the pair counts come from the final state
  const counts = jointCounts(state, cfg.players);
  const llmAgents = agents.filter((a) => a.llm).map((a) => a.name);
  return {
    rounds: steps,
    agents: per,
    reward_ranking: ranking,
    mutual_cooperation: mutualCooperation(steps ? state.mutual / steps : 0),
    mutual_cooperation_rate: steps ? state.mutual / steps : 0,
    valid_action_rate: llmValidActionRate(decisions, llmAgents),
    regret: summarizeRegret(ipdRegretPoints(counts, cfg.players, cfg.payoffs, llmAgents)),
    regret_note: IPD_REGRET_NOTE,
    rational_baseline: ipdBaseline(counts, cfg.players, cfg.payoffs),
    llm: usageTotals(calls),
  };
}

function buildIpd(config: IpdConfig, ctx: BuildContext): BuiltRun {
  let cfg = config;
  if (ctx.agents) {
    if (ctx.agents.length !== 2) {
      throw new ConfigError(`agents: the IPD needs exactly 2 agents, got ${ctx.agents.length}`);
    }
    cfg = { ...config, players: [ctx.agents[0].name, ctx.agents[1].name] };
  }
  const engine = new IpdEngine(cfg);
  const agents = ipdAgents(cfg, ctx);
  return {
    engine,
    agents,
    decisionRow(agent, decision, step) {
      return {
        action: decision.action,
        reward: step.rewards[agent],
        cumulative_reward: engine.returns()[agent],
        ...(decision.thought ? { thought: decision.thought } : {}),
      };
    },
    summarize: (context) => ipdSummary(engine, agents, cfg, context),
  };
}

/** The registered IPD experiment. */
export const ipdExperiment: Experiment<IpdConfig> = {
  name: "ipd",
  description: "Iterated prisoner's dilemma (the example engine; template for new games)",
  horizon: "rounds",
  decisionSchema: IpdDecisionSchema,
  verdicts: IPD_VERDICTS,
  parseConfig: parseIpdConfig,
  build: buildIpd,
  report: async (runDir) => (await import("./report.ts")).ipdReport(runDir),
};
