/**
 * `deno task bench`: the hot paths — one blockchain round, a whole 30-round policy game, the
 * IPD step, and the robust parser on a messy reply.
 *
 * @module
 */
import { parseBlockchainConfig } from "../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../lib/engines/blockchain/engine.ts";
import { createPolicy } from "../lib/engines/blockchain/policies.ts";
import { parseIpdConfig } from "../lib/engines/ipd/config.ts";
import { IpdEngine } from "../lib/engines/ipd/engine.ts";
import { Rng } from "../lib/core/rng.ts";
import { parseReply, vectorLike } from "../lib/llm/parse.ts";
import { z } from "zod";

const config = parseBlockchainConfig({ rounds: 30 });

Deno.bench("blockchain: 1000 rounds (3 miners + honest group)", (b) => {
  const engine = new BlockchainEngine(parseBlockchainConfig({ rounds: 1_000_000 }));
  engine.reset({ seed: 0 });
  const actions = { miner_a: [0.5, 0.3, 0.2], miner_b: [0.2, 0.7, 0.1], miner_c: [1, 0, 0] };
  b.start();
  for (let i = 0; i < 1000; i++) engine.step(actions);
  b.end();
});

Deno.bench("blockchain: 30-round game with adaptive, tit_for_tat, random policies", async () => {
  const engine = new BlockchainEngine(config);
  const rng = new Rng(0);
  const agents = ["adaptive", "tit_for_tat", "random"].map((p, index) =>
    createPolicy(p, { rng: rng.derive(String(index)), config, index })
  );
  let view = engine.reset({ seed: 0 });
  while (!engine.isDone()) {
    const round = engine.round + 1;
    const acts = await Promise.all(
      agents.map((a) =>
        a.act({
          agent: a.name,
          round,
          observation: view.observations[a.name],
          info: view.infos[a.name],
        })
      ),
    );
    // scripted policies always act; a null action would be the engine's fallback
    view = engine.step(
      Object.fromEntries(
        agents.map((a, i) => [a.name, acts[i].action ?? engine.fallbackAction(a.name)]),
      ),
    );
  }
});

Deno.bench("ipd: 1000 steps", () => {
  const engine = new IpdEngine(parseIpdConfig({ rounds: 1000 }));
  engine.reset({ seed: 0 });
  for (let i = 0; i < 1000; i++) engine.step({ alice: i % 3 ? "C" : "D", bob: "C" });
});

const schema = z.object({ thought: z.string().optional(), action: vectorLike(3) });
const messy =
  "好的，我来分析。\n```json\n{'thought': '对手是攻击者，所以……', 'action': [0.6，0.3，0.1],}\n```";
Deno.bench("parser: fenced Chinese reply with single quotes and full-width commas", () => {
  const r = parseReply(messy, schema);
  if (!r.ok) throw new Error(r.error);
});
