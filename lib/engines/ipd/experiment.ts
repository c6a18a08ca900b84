/**
 * The IPD experiment as the CLI and sweeps see it: config, agents (policies or LLMs from the
 * agents file), decision rows, the summary and the report (`report.ts`).
 *
 * @module
 */
import type { Agent } from "../../agents/agent.ts";
import { ConfigError } from "../../core/config.ts";
import { join } from "node:path";
import { LlmCallRecordSchema } from "../../core/records.ts";
import { streamJsonl } from "../../core/run_log.ts";
import { usageTotals } from "../../core/summary.ts";
import type { BuildContext, BuiltRun, Experiment } from "../../run/experiment.ts";
import type { RunPolicy } from "../../run/run_policy.ts";
import { type IpdConfig, parseIpdConfig } from "./config.ts";
import { type IpdAction, IpdEngine, type IpdInfo, type IpdObs } from "./engine.ts";
import { createIpdLlmPlayer } from "./llm_player.ts";
import { createIpdPolicy } from "./policies.ts";
import { ipdBaseline, ipdRegretSummary, jointCounts } from "./stage_regret.ts";
import { IpdDecisionSchema } from "./decision_row.ts";
import { IPD_REGRET_NOTE, IPD_VERDICTS, mutualCooperation } from "./verdicts.ts";
import { ipdReport } from "./report.ts";

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

/**
 * The LLM seats' valid-action rate from `decisions.jsonl`, streamed once and only when there
 * are LLM seats (a scripted run of a million rounds reads nothing); `null` without them.
 */
async function llmValidRate(dir: string, llmAgents: readonly string[]): Promise<number | null> {
  if (!llmAgents.length) return null;
  let n = 0, ok = 0;
  for await (const d of streamJsonl(join(dir, "decisions.jsonl"), IpdDecisionSchema)) {
    if (!llmAgents.includes(d.agent)) continue;
    n++;
    if (!d.fallback) ok++;
  }
  return n ? ok / n : null;
}

/** The run's LLM calls, streamed (as many as the run paid for). */
async function callsOf(dir: string) {
  const calls = [];
  for await (const c of streamJsonl(join(dir, "llm_calls.jsonl"), LlmCallRecordSchema)) {
    calls.push(c);
  }
  return calls;
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
  const calls = await callsOf(dir);
  return {
    rounds: steps,
    agents: per,
    reward_ranking: ranking,
    mutual_cooperation: mutualCooperation(steps ? state.mutual / steps : 0),
    mutual_cooperation_rate: steps ? state.mutual / steps : 0,
    valid_action_rate: await llmValidRate(dir, llmAgents),
    regret: ipdRegretSummary(counts, cfg.players, cfg.payoffs, llmAgents),
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

/**
 * The run policy of a scripted run (LLM runs checkpoint every step whatever this says): every
 * decision row, a checkpoint every 100 rounds. A checkpoint line has the same size at every
 * horizon (about 1 kB, against 24 kB of rows per 100 rounds), so checkpointing every round
 * of a long run wrote more checkpoint than decision rows; a killed scripted run replays at
 * most 99 rounds, which cost nothing.
 */
export const IPD_RUN_POLICY: Readonly<Partial<RunPolicy>> = Object.freeze({
  checkpointEvery: 100,
  logDecisions: "all",
});

/** The registered IPD experiment. */
export const ipdExperiment: Experiment<IpdConfig> = {
  name: "ipd",
  description: "Iterated prisoner's dilemma (the example engine; template for new games)",
  horizon: "rounds",
  runPolicy: IPD_RUN_POLICY,
  decisionSchema: IpdDecisionSchema,
  verdicts: IPD_VERDICTS,
  parseConfig: parseIpdConfig,
  build: buildIpd,
  report: ipdReport,
};
