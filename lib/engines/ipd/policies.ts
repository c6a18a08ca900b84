/**
 * Scripted IPD players (no network): `always_cooperate`, `always_defect`, `tit_for_tat`,
 * `grim`, `random` (seeded).
 *
 * @example
 * ```ts
 * import { createIpdPolicy } from "./policies.ts";
 * import { Rng } from "../../core/rng.ts";
 * const p = createIpdPolicy("tit_for_tat", "alice", new Rng(1));
 * ```
 * @module
 */
import type { Agent, Decision, DecisionContext } from "../../agents/agent.ts";
import { ConfigError } from "../../core/config.ts";
import type { Rng, RngState } from "../../core/rng.ts";
import type { IpdAction, IpdInfo, IpdObs } from "./engine.ts";

type Rule = (obs: IpdObs, rng: Rng, memory: { betrayed: boolean }) => IpdAction;

const RULES: Record<string, Rule> = {
  always_cooperate: () => "C",
  always_defect: () => "D",
  tit_for_tat: (o) => o.opponentLast ?? "C",
  grim: (o, _r, m) => {
    if (o.opponentLast === "D") m.betrayed = true;
    return m.betrayed ? "D" : "C";
  },
  random: (_o, rng) => (rng.chance(0.5) ? "C" : "D"),
};

/** The policy names. */
export const IPD_POLICIES: readonly string[] = Object.keys(RULES);

/** A scripted IPD player. */
export function createIpdPolicy(
  policy: string,
  name: string,
  rng: Rng,
): Agent<IpdObs, IpdInfo, IpdAction> {
  const rule = RULES[policy];
  if (!rule) {
    throw new ConfigError(
      `policy '${policy}' is not an IPD policy; expected one of ${IPD_POLICIES.join(", ")}`,
    );
  }
  const memory = { betrayed: false };
  return {
    name,
    kind: `policy:${policy}`,
    act(ctx: DecisionContext<IpdObs, IpdInfo>): Decision<IpdAction> {
      return { action: rule(ctx.observation, rng, memory) };
    },
    getState: () => ({ rng: rng.getState(), memory: { ...memory } }),
    setState(state: unknown) {
      const s = state as { rng: RngState; memory: { betrayed: boolean } };
      rng.setState(s.rng);
      Object.assign(memory, s.memory);
    },
  };
}
