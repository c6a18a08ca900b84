/**
 * Test helper: plays a whole blockchain game with every miner an LLM miner on a scripted
 * model and returns every request sent, in order, and a hash of them all (to pin prompts
 * byte for byte).
 *
 * @module
 */
import type { Decision } from "../../../lib/agents/agent.ts";
import { CallRecorder } from "../../../lib/agents/call_recorder.ts";
import { canonicalJson, sha256Hex } from "../../../lib/llm/canonical.ts";
import type { ChatRequest } from "../../../lib/llm/chat_model.ts";
import { ScriptedChatModel } from "../../../lib/llm/scripted.ts";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { type BlockchainAction, BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";
import { createLlmMiner } from "../../../lib/engines/blockchain/llm_miner.ts";
import type { Lang } from "../../../lib/engines/blockchain/translator.ts";

/** Whether a request is a strategy review (its user message says so). */
export function isReview(request: ChatRequest): boolean {
  return /^(Strategy review|第 \d+\/\d+ 轮后的策略复盘)/.test(request.messages[0].content);
}

const ACTIONS = [[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.5, 0.2, 0.3], [1, 0, 0]];

/** A reply that varies with the call index, so that memory lines differ round to round. */
function reply(request: ChatRequest, call: number): string {
  if (isReview(request)) return `Review ${call}: keep c high, watch miner_b.`;
  return JSON.stringify({ thought: `Step ${call}: weigh rivals.`, action: ACTIONS[call % 4] });
}

/**
 * Plays `rounds` rounds with three LLM miners.
 *
 * @param configInput The config object (before parsing); `rounds` is set from `rounds`.
 * @param lang The prompt language.
 * @param rounds Rounds to play. @default {22}
 * @returns The requests of each miner and the hash of them all.
 */
export async function transcript(
  configInput: Record<string, unknown>,
  lang: Lang,
  rounds = 22,
): Promise<{ requests: Record<string, ChatRequest[]>; hash: string }> {
  const config = parseBlockchainConfig({ ...configInput, rounds });
  const recorder = new CallRecorder();
  const models = config.miners.map((m) => new ScriptedChatModel(reply, `scripted-${m}`));
  const miners = config.miners.map((name, index) =>
    createLlmMiner({ name, model: models[index], recorder, config, index, lang })
  );
  const engine = new BlockchainEngine(config);
  let view = engine.reset({ seed: 0 });
  while (!engine.isDone()) {
    const round = engine.round + 1;
    recorder.round = round;
    const decisions: Decision<BlockchainAction>[] = [];
    for (const m of miners) {
      decisions.push(
        await m.act({
          agent: m.name,
          round,
          observation: view.observations[m.name],
          info: view.infos[m.name],
        }),
      );
    }
    const actions = Object.fromEntries(
      miners.map((m, i) => [m.name, decisions[i].action ?? engine.fallbackAction(m.name)]),
    );
    const step = engine.step(actions);
    for (const m of miners) {
      await m.observe!({
        round,
        action: actions[m.name],
        reward: step.rewards[m.name],
        observation: step.observations[m.name],
        info: step.infos[m.name],
        events: step.events,
      });
    }
    view = step;
  }
  const requests = Object.fromEntries(config.miners.map((m, i) => [m, models[i].requests]));
  return { requests, hash: await sha256Hex(canonicalJson(requests)) };
}
