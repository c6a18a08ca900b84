/**
 * The IPD experiment as the CLI and sweeps see it: config, agents (policies or LLMs from the
 * agents file), decision rows and the summary.
 *
 * @module
 */
import type { Agent } from "../../agents/agent.ts";
import { ConfigError } from "../../core/config.ts";
import type { BuildContext, BuiltRun, Experiment } from "../../core/experiment.ts";
import { SCHEMA_VERSION } from "../../core/records.ts";
import { readRunLogs, usageTotals } from "../../core/summary.ts";
import { type IpdConfig, parseIpdConfig } from "./config.ts";
import { type IpdAction, IpdEngine, type IpdInfo, type IpdObs } from "./engine.ts";
import { createIpdLlmPlayer } from "./llm_player.ts";
import { createIpdPolicy } from "./policies.ts";

/** Rounds in which every player cooperated. */
function mutualCooperations(decisions: readonly { round: number; action: unknown }[]): number {
  const defected = new Set(decisions.filter((d) => d.action !== "C").map((d) => d.round));
  return new Set(decisions.map((d) => d.round).filter((r) => !defected.has(r))).size;
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
  const agents: Agent<IpdObs, IpdInfo, IpdAction>[] = cfg.players.map((name, i) => {
    const spec = ctx.agents?.[i];
    if (!spec || spec.provider === "policy") {
      return createIpdPolicy(
        spec?.policy ?? cfg.policies[i],
        name,
        ctx.rng.derive(`agent:${name}`),
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
  return {
    engine,
    agents,
    decisionRow(agent, decision, step) {
      return {
        v: SCHEMA_VERSION,
        round: engine.round,
        agent,
        action: decision.action,
        reward: step.rewards[agent],
        cumulative_reward: engine.returns()[agent],
        parse_ok: decision.parseOk,
        ...(decision.thought ? { thought: decision.thought } : {}),
      };
    },
    async summarize(dir) {
      const { decisions, calls } = await readRunLogs(dir);
      const per: Record<string, { total: number; cooperation_rate: number; kind: string }> = {};
      for (const a of agents) {
        const mine = decisions.filter((d) => d.agent === a.name);
        per[a.name] = {
          kind: a.kind,
          total: mine.reduce((s, d) => s + d.reward, 0),
          cooperation_rate: mine.length
            ? mine.filter((d) => d.action === "C").length / mine.length
            : 0,
        };
      }
      const rounds = decisions.reduce((m, d) => Math.max(m, d.round), 0);
      const ranking = Object.keys(per).sort((a, b) => per[b].total - per[a].total);
      return {
        rounds,
        agents: per,
        reward_ranking: ranking,
        mutual_cooperation_rate: rounds ? mutualCooperations(decisions) / rounds : 0,
        valid_action_rate: decisions.length
          ? decisions.filter((d) => d.parse_ok).length / decisions.length
          : 1,
        llm: usageTotals(calls),
      };
    },
  };
}

/** The registered IPD experiment. */
export const ipdExperiment: Experiment<IpdConfig> = {
  name: "ipd",
  description: "Iterated prisoner's dilemma (the example engine; template for new games)",
  parseConfig: parseIpdConfig,
  build: buildIpd,
};
