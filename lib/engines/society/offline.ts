/**
 * An offline society game with scripted citizens, played to the end in memory: for tests,
 * benchmarks and quick looks (the run layer plays real runs step by step with logs).
 *
 * @module
 */
import type { StepResult } from "../../core/game.ts";
import { Rng } from "../../core/rng.ts";
import type { SocietyConfig } from "./config.ts";
import type { SocietyDecision } from "./decision.ts";
import { SocietyEngine } from "./engine.ts";
import { createSocietyPolicy, DEFAULT_POLICY_MIX, policyFor } from "./policies.ts";
import type { SocietyInfo, SocietyObs } from "./state.ts";
import { type SocietySummary, societySummary } from "./summary.ts";

/** What {@linkcode playOffline} returns. */
export interface OfflineGame {
  /** The engine at the end of the game. */
  engine: SocietyEngine;
  /** The run's summary. */
  summary: SocietySummary;
  /** Every step's result, when `keepSteps` was set. */
  steps: StepResult<SocietyObs, SocietyInfo>[];
}

/**
 * Plays a whole game with scripted citizens: the `i`-th citizen plays
 * `policies[i % policies.length]` (default: `config.policies`, else the default mix), each
 * with the stream `new Rng(seed).derive("agent:" + name)`.
 *
 * @param config The game config.
 * @param seed The run seed.
 * @param options `keepSteps` to return every step result. @default {false}
 * @returns The engine at the end, the summary, and the steps if kept.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { playOffline } from "./offline.ts";
 * const { summary } = playOffline(parseSocietyConfig({}), 0);
 * console.log(summary.days_played, summary.end_reason);
 * ```
 */
export function playOffline(
  config: SocietyConfig,
  seed: number,
  options?: { keepSteps?: boolean; policies?: readonly string[] },
): OfflineGame {
  const { keepSteps = false, policies = config.policies ?? DEFAULT_POLICY_MIX } = options ?? {};
  const rng = new Rng(seed);
  const engine = new SocietyEngine(config);
  const agents = config.citizens.map((name, i) =>
    createSocietyPolicy(policyFor(i, policies), name, rng.derive(`agent:${name}`))
  );
  const byName = new Map(agents.map((a) => [a.name, a]));
  let view = engine.reset({ seed });
  const steps: StepResult<SocietyObs, SocietyInfo>[] = [];
  while (!engine.isDone()) {
    const round = engine.round + 1;
    const actions: Record<string, SocietyDecision> = {};
    for (const name of engine.liveAgents()) {
      const d = byName.get(name)!.act({
        agent: name,
        round,
        observation: view.observations[name],
        info: view.infos[name],
      }) as { action: SocietyDecision | null };
      actions[name] = d.action ?? engine.fallbackAction(name);
    }
    const step = engine.step(actions);
    if (keepSteps) steps.push(step);
    view = step;
  }
  return { engine, summary: societySummary(engine.getState(), config), steps };
}
