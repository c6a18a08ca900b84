/**
 * The round loop shared by every engine: ask every live agent concurrently, step the engine,
 * log decisions and events, checkpoint, report progress. Resumable from any checkpoint.
 *
 * @module
 */
import type { Decision } from "../agents/agent.ts";
import type { CallRecorder } from "../agents/call_recorder.ts";
import { type Budget, BudgetExceededError } from "../llm/budget.ts";
import type { BuiltRun } from "./experiment.ts";
import type { CheckpointRecord } from "./records.ts";
import { SCHEMA_VERSION } from "./records.ts";
import type { RunLog } from "./run_log.ts";

/** Progress of a run, for the progress bar. */
export interface RunProgress {
  round: number;
  rounds: number | undefined;
  agents: number;
  tokens: number;
  usd: number;
}

/** Options of {@linkcode runRounds}. */
export interface RunRoundsOptions {
  built: BuiltRun;
  log: RunLog;
  recorder: CallRecorder;
  budget: Budget;
  seed: number;
  /** Total rounds, for progress (engines stop themselves). */
  rounds?: number;
  /** A checkpoint to continue from (resume); otherwise the engine is reset. */
  from?: CheckpointRecord;
  onProgress?(progress: RunProgress): void;
}

/** How a run loop ended. */
export interface RunOutcome {
  status: "completed" | "stopped_budget";
  rounds: number;
  /** Why it stopped early. */
  reason?: string;
}

/** Plays rounds until the engine is done or the budget is spent. */
export async function runRounds(options: RunRoundsOptions): Promise<RunOutcome> {
  const { built, log, recorder, budget, seed } = options;
  const { engine, agents } = built;
  const byName = new Map(agents.map((a) => [a.name, a]));
  for (const name of engine.agents) {
    if (!byName.has(name)) throw new Error(`Cannot run: no agent for player '${name}'`);
  }
  let view;
  if (options.from) {
    engine.reset({ seed });
    engine.setState(options.from.engine);
    for (const a of agents) {
      if (a.name in options.from.agents) a.setState(options.from.agents[a.name]);
    }
    budget.tokens = options.from.budget.tokens;
    budget.usd = options.from.budget.usd;
    view = engine.view();
  } else {
    view = engine.reset({ seed });
    checkpoint(0);
  }
  let { observations, infos } = view;

  function checkpoint(round: number) {
    const record: CheckpointRecord = {
      v: SCHEMA_VERSION,
      round,
      engine: engine.getState(),
      agents: Object.fromEntries(agents.map((a) => [a.name, a.getState()])),
      budget: { tokens: budget.tokens, usd: budget.usd },
    };
    log.append("checkpoints", record as unknown as Record<string, unknown>);
  }

  const progress = () =>
    options.onProgress?.({
      round: engine.round,
      rounds: options.rounds,
      agents: agents.length,
      tokens: recorder.totals.input + recorder.totals.output,
      usd: recorder.totals.usd,
    });
  progress();

  while (!engine.isDone()) {
    const round = engine.round + 1;
    recorder.round = round;
    const live = engine.liveAgents();
    let decisions: Decision<unknown>[];
    try {
      decisions = await Promise.all(live.map((name) =>
        byName.get(name)!.act({
          agent: name,
          round,
          observation: observations[name],
          info: infos[name],
        })
      ));
    } catch (e) {
      if (e instanceof BudgetExceededError) {
        // Calls of this round already logged are cut on resume; the checkpoint stands.
        return { status: "stopped_budget", rounds: engine.round, reason: e.message };
      }
      throw e;
    }
    const actions = Object.fromEntries(live.map((name, i) => [name, decisions[i].action]));
    const step = engine.step(actions);
    for (let i = 0; i < live.length; i++) {
      log.append("decisions", built.decisionRow(live[i], decisions[i], step));
    }
    for (const event of step.events) {
      log.append("events", { v: SCHEMA_VERSION, round, ...event });
    }
    for (const name of live) {
      await byName.get(name)!.observe?.({
        round,
        action: actions[name],
        reward: step.rewards[name],
        observation: step.observations[name],
        info: step.infos[name],
        events: step.events,
      });
    }
    observations = step.observations;
    infos = step.infos;
    checkpoint(round);
    progress();
  }
  return { status: "completed", rounds: engine.round };
}
