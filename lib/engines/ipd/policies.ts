/**
 * Scripted IPD players (no network): `always_cooperate`, `always_defect`, `tit_for_tat`,
 * `grim`, `random` (seeded, `C` or `D` with probability 1/2 each) and `best_response`, the
 * rational baseline: the myopic best response of `best_response.ts` (`D` under every
 * accepted payoff table, where `D` strictly dominates; for another table, the best response
 * to the opponent's previous move taken as the guess of its current one). Every policy can
 * sit in either seat.
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
import { bestResponseMove } from "./best_response.ts";
import type { IpdConfig } from "./config.ts";
import type { IpdAction, IpdInfo, IpdObs } from "./engine.ts";

type Rule = (
  obs: IpdObs,
  rng: Rng,
  memory: { betrayed: boolean },
  payoffs: IpdConfig["payoffs"],
) => IpdAction;

/** The default payoff table (the config's defaults). */
const DEFAULT_PAYOFFS: IpdConfig["payoffs"] = { T: 5, R: 3, P: 1, S: 0 };

const RULES: Record<string, Rule> = {
  always_cooperate: () => "C",
  always_defect: () => "D",
  tit_for_tat: (o) => o.opponentLast ?? "C",
  grim: (o, _r, m) => {
    if (o.opponentLast === "D") m.betrayed = true;
    return m.betrayed ? "D" : "C";
  },
  random: (_o, rng) => (rng.chance(0.5) ? "C" : "D"),
  best_response: (o, _r, _m, payoffs) => bestResponseMove(o.opponentLast, payoffs),
};

/** The policy names. */
export const IPD_POLICIES: readonly string[] = Object.keys(RULES);

/**
 * A scripted IPD player.
 *
 * @param policy A name of {@linkcode IPD_POLICIES}.
 * @param name The player's name.
 * @param rng Its own random stream.
 * @param payoffs The game's payoff table (read by `best_response`). @default {{ T: 5, R: 3, P: 1, S: 0 }}
 * @returns The agent.
 * @throws {ConfigError} For an unknown policy.
 */
export function createIpdPolicy(
  policy: string,
  name: string,
  rng: Rng,
  payoffs: IpdConfig["payoffs"] = DEFAULT_PAYOFFS,
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
      return { action: rule(ctx.observation, rng, memory, payoffs) };
    },
    getState: () => ({ rng: rng.getState(), memory: { ...memory } }),
    setState(state: unknown) {
      const s = state as { rng: RngState; memory: { betrayed: boolean } };
      rng.setState(s.rng);
      Object.assign(memory, s.memory);
    },
  };
}
