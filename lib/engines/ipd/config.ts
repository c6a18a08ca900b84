/**
 * Config of the iterated prisoner's dilemma: a JSON object such as `{"rounds": 20}`.
 *
 * @module
 */
import { z } from "zod";
import { parseWith } from "../../core/config.ts";
import type { Schema } from "../../core/records.ts";

const ipdConfigObject = z.object({
  /** Rounds to play (at most 10,000,000). */
  rounds: z.number().int().min(1).max(10_000_000).default(10),
  /** The two players' names. */
  players: z.tuple([z.string().min(1), z.string().min(1)]).default(["alice", "bob"]),
  /** Temptation, reward, punishment, sucker: T > R > P > S and 2R > T + S. */
  payoffs: z.object({
    T: z.number().default(5),
    R: z.number().default(3),
    P: z.number().default(1),
    S: z.number().default(0),
  }).strict().default({ T: 5, R: 3, P: 1, S: 0 }),
  /** Policy per player for offline runs (see `policies.ts`). */
  policies: z.tuple([z.string(), z.string()]).default(["tit_for_tat", "random"]),
}).strict().superRefine((c, ctx) => {
  const { T, R, P, S } = c.payoffs;
  if (!(T > R && R > P && P > S)) {
    ctx.addIssue({ code: "custom", path: ["payoffs"], message: "need T > R > P > S" });
  }
  if (c.players[0] === c.players[1]) {
    ctx.addIssue({ code: "custom", path: ["players"], message: "names must differ" });
  }
});
/** The IPD config, defaults filled in (see {@linkcode IpdConfigSchema}). */
export type IpdConfig = {
  /** Rounds to play (at most 10,000,000). @default {10} */
  rounds: number;
  /** The two players' names (they must differ). @default {["alice", "bob"]} */
  players: [string, string];
  /**
   * Temptation, reward, punishment, sucker: T > R > P > S.
   * @default {{ T: 5, R: 3, P: 1, S: 0 }}
   */
  payoffs: {
    /** Temptation: defecting against a cooperator. @default {5} */
    T: number;
    /** Reward: both cooperate. @default {3} */
    R: number;
    /** Punishment: both defect. @default {1} */
    P: number;
    /** Sucker's payoff: cooperating against a defector. @default {0} */
    S: number;
  };
  /** Policy per player for offline runs (see `policies.ts`). @default {["tit_for_tat", "random"]} */
  policies: [string, string];
};

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The type agrees with its schema (a compile error otherwise).
const _agree: Agree<IpdConfig, z.output<typeof ipdConfigObject>> = true;

/** The IPD config with its defaults (unknown keys rejected). */
export const IpdConfigSchema: Schema<IpdConfig> = ipdConfigObject;

/** Validates and fills defaults; throws `ConfigError` naming the field. */
export function parseIpdConfig(input: unknown): IpdConfig {
  return parseWith(IpdConfigSchema, input ?? {}, "config");
}
