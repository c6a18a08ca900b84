/**
 * Test helper: plays a few shelter days with every citizen an LLM citizen on a scripted
 * model and returns every request sent, in order, and a hash of them all (to pin prompts
 * byte for byte).
 *
 * @module
 */
import { CallRecorder } from "../../../lib/agents/call_recorder.ts";
import { canonicalJson, sha256Hex } from "../../../lib/llm/canonical.ts";
import type { ChatRequest } from "../../../lib/llm/chat_model.ts";
import { ScriptedChatModel } from "../../../lib/llm/scripted.ts";
import { createCitizen } from "../../../lib/engines/society/citizen.ts";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import type { SocietyDecision } from "../../../lib/engines/society/decision.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import type { Lang } from "../../../lib/engines/society/prompts.ts";

/** Replies that propose, vote, message and meet, varying by citizen and day. */
function reply(seat: number, names: readonly string[]) {
  return (_request: ChatRequest, call: number): string => {
    const day = call + 1;
    const target = names[(seat + 1) % names.length];
    const actions = [
      { type: "vote", proposal_id: day - 1, support: seat % 2 === 0 },
      seat === 0 && day === 1
        ? { type: "propose", proposal_type: "elimination_vote", content: names[5] }
        : seat === 1 && day === 2
        ? { type: "propose", proposal_type: "resource_allocation", content: `${target}:40` }
        : { type: "private_message", to: target, text: `day ${day} from ${names[seat]}` },
    ];
    return JSON.stringify({
      request: 30 + 10 * ((seat + day) % 4),
      actions,
      statement: `I am ${names[seat]} on day ${day}.`,
    });
  };
}

/**
 * Plays `days` days with six LLM citizens.
 *
 * @param configInput The config object (before parsing).
 * @param lang The prompt language.
 * @param days Days to play. @default {4}
 * @returns The requests of each citizen and the hash of them all.
 */
export async function transcript(
  configInput: Record<string, unknown>,
  lang: Lang,
  days = 4,
): Promise<{ requests: Record<string, ChatRequest[]>; hash: string }> {
  const config = parseSocietyConfig(configInput);
  const recorder = new CallRecorder();
  const models = config.citizens.map((_, i) =>
    new ScriptedChatModel(reply(i, config.citizens), `scripted-${i}`)
  );
  const citizens = config.citizens.map((name, i) =>
    createCitizen({ name, model: models[i], recorder, config, lang })
  );
  const engine = new SocietyEngine(config);
  let view = engine.reset({ seed: 0 });
  for (let day = 1; day <= days && !engine.isDone(); day++) {
    const actions: Record<string, SocietyDecision> = {};
    for (const c of citizens) {
      if (!engine.liveAgents().includes(c.name)) continue;
      const d = await c.act({
        agent: c.name,
        round: day,
        observation: view.observations[c.name],
        info: view.infos[c.name],
      });
      actions[c.name] = d.action ?? engine.fallbackAction(c.name);
    }
    const step = engine.step(actions);
    for (const c of citizens) {
      await c.observe!({
        round: day,
        action: actions[c.name],
        reward: step.rewards[c.name],
        observation: step.observations[c.name],
        info: step.infos[c.name],
        events: step.events,
      });
    }
    view = step;
  }
  const requests = Object.fromEntries(config.citizens.map((n, i) => [n, models[i].requests]));
  return { requests, hash: await sha256Hex(canonicalJson(requests)) };
}
