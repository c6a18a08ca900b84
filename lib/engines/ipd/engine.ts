/**
 * The iterated prisoner's dilemma: two players choose `"C"` (cooperate) or `"D"` (defect)
 * each round, simultaneously. The smallest complete engine, and the template for a new one.
 *
 * @example
 * ```ts
 * import { IpdEngine } from "./engine.ts";
 * import { parseIpdConfig } from "./config.ts";
 * const game = new IpdEngine(parseIpdConfig({ rounds: 2 }));
 * game.reset({ seed: 0 });
 * const step = game.step({ alice: "C", bob: "D" });
 * console.log(step.rewards); // { alice: 0, bob: 5 }
 * ```
 * @module
 */
import type { AgentId, Engine, ResetResult, StepResult } from "../../core/game.ts";
import type { IpdConfig } from "./config.ts";

/** A move. */
export type IpdAction = "C" | "D";

/** What a player sees. */
export interface IpdObs {
  /** Rounds played so far (0 before the first). */
  round: number;
  /** Rounds in the game (the config's `rounds`). */
  rounds: number;
  /** The opponent's last move, `null` before the first round. */
  opponentLast: IpdAction | null;
  /** The player's own last move, `null` before the first round. */
  myLast: IpdAction | null;
  /** The player's total payoff so far. */
  myTotal: number;
  /** The opponent's total payoff so far. */
  opponentTotal: number;
  /** How often the opponent has cooperated so far. */
  opponentCooperations: number;
}

/** Per-step detail. */
export interface IpdInfo {
  /** The opponent's name. */
  opponent: AgentId;
}

/** The mutable state. */
export interface IpdState {
  /** Rounds played so far. */
  round: number;
  /** Each player's last move, `null` before the first round. */
  last: Record<AgentId, IpdAction | null>;
  /** Each player's total payoff. */
  totals: Record<AgentId, number>;
  /** How often each player has cooperated. */
  cooperations: Record<AgentId, number>;
  /** Rounds in which both players cooperated. */
  mutual: number;
}

/** Payoff of playing `mine` against `theirs`. */
export function ipdPayoff(mine: IpdAction, theirs: IpdAction, p: IpdConfig["payoffs"]): number {
  if (mine === "C") return theirs === "C" ? p.R : p.S;
  return theirs === "C" ? p.T : p.P;
}

/** The IPD engine. */
export class IpdEngine implements Engine<IpdAction, IpdObs, IpdInfo, IpdState> {
  readonly name = "ipd";
  readonly agents: readonly AgentId[];
  /** The game's config (payoffs, rounds, players). */
  readonly config: IpdConfig;
  #s: IpdState;

  /**
   * A game between `config.players`, at round 0.
   *
   * @param config A parsed config (see `parseIpdConfig`).
   */
  constructor(config: IpdConfig) {
    this.config = config;
    this.agents = config.players;
    this.#s = this.#fresh();
  }

  #fresh(): IpdState {
    const [a, b] = this.agents;
    return {
      round: 0,
      last: { [a]: null, [b]: null },
      totals: { [a]: 0, [b]: 0 },
      cooperations: { [a]: 0, [b]: 0 },
      mutual: 0,
    };
  }

  get round(): number {
    return this.#s.round;
  }

  #opponent(id: AgentId): AgentId {
    return id === this.agents[0] ? this.agents[1] : this.agents[0];
  }

  reset(_options: { seed: number }): ResetResult<IpdObs, IpdInfo> {
    this.#s = this.#fresh();
    return this.view();
  }

  view(): ResetResult<IpdObs, IpdInfo> {
    const s = this.#s;
    const observations: Record<AgentId, IpdObs> = {};
    const infos: Record<AgentId, IpdInfo> = {};
    for (const id of this.agents) {
      const o = this.#opponent(id);
      observations[id] = {
        round: s.round,
        rounds: this.config.rounds,
        opponentLast: s.last[o],
        myLast: s.last[id],
        myTotal: s.totals[id],
        opponentTotal: s.totals[o],
        opponentCooperations: s.cooperations[o],
      };
      infos[id] = { opponent: o };
    }
    return { observations, infos };
  }

  step(actions: Record<AgentId, IpdAction>): StepResult<IpdObs, IpdInfo> {
    if (this.isDone()) throw new RangeError("Cannot step: the game is over");
    const s = this.#s;
    const rewards: Record<AgentId, number> = {};
    for (const id of this.agents) {
      const a = actions[id];
      if (a !== "C" && a !== "D") {
        throw new TypeError(`Cannot step: action of '${id}' must be "C" or "D", got ${a}`);
      }
    }
    for (const id of this.agents) {
      rewards[id] = ipdPayoff(actions[id], actions[this.#opponent(id)], this.config.payoffs);
    }
    const events = [];
    if (
      this.agents.every((id) => actions[id] === "D") && this.agents.some((id) => s.last[id] !== "D")
    ) {
      events.push({ type: "mutual_defection_start" });
    }
    for (const id of this.agents) {
      s.totals[id] += rewards[id];
      s.last[id] = actions[id];
      if (actions[id] === "C") s.cooperations[id]++;
    }
    if (this.agents.every((id) => actions[id] === "C")) s.mutual++;
    s.round++;
    const done = this.isDone();
    const [a, b] = this.agents;
    const { observations, infos } = this.view();
    return {
      observations,
      infos,
      rewards,
      terminations: { [a]: false, [b]: false },
      truncations: { [a]: done, [b]: done },
      events,
    };
  }

  liveAgents(): AgentId[] {
    return this.isDone() ? [] : [...this.agents];
  }

  isDone(): boolean {
    return this.#s.round >= this.config.rounds;
  }

  fallbackAction(_agent: AgentId): IpdAction {
    return "C";
  }

  returns(): Record<AgentId, number> {
    return { ...this.#s.totals };
  }

  getState(): IpdState {
    return structuredClone(this.#s);
  }

  setState(state: IpdState): void {
    this.#s = structuredClone(state);
  }
}
