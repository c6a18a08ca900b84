import assert from "node:assert/strict";
import { CallRecorder } from "../../../lib/agents/call_recorder.ts";
import type { ChatRequest } from "../../../lib/llm/chat_model.ts";
import { ScriptedChatModel } from "../../../lib/llm/scripted.ts";
import {
  type Citizen,
  citizenReplySchema,
  createCitizen,
} from "../../../lib/engines/society/citizen.ts";
import { parseSocietyConfig, type SocietyConfig } from "../../../lib/engines/society/config.ts";
import type { SocietyDecision } from "../../../lib/engines/society/decision.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import { dayPrompt, systemPrompt } from "../../../lib/engines/society/prompts.ts";
import type { SocietyObs } from "../../../lib/engines/society/state.ts";

const userOf = (r: ChatRequest) => r.messages[0].content;

/** Plays days with every citizen an LLM citizen on a scripted model; returns the models. */
async function play(
  config: SocietyConfig,
  scripts: Record<string, (day: number) => string>,
  days: number,
  lang: "zh" | "en" = "en",
) {
  const engine = new SocietyEngine(config);
  const models: Record<string, ScriptedChatModel> = {};
  const citizens: Record<string, Citizen> = {};
  const recorder = new CallRecorder();
  for (const name of config.citizens) {
    models[name] = new ScriptedChatModel((_req, call) => scripts[name](call + 1));
    citizens[name] = createCitizen({ name, model: models[name], recorder, config, lang });
  }
  let view = engine.reset({ seed: 0 });
  const decisions: Record<string, (SocietyDecision | null)[]> = {};
  for (let day = 1; day <= days && !engine.isDone(); day++) {
    const actions: Record<string, SocietyDecision> = {};
    for (const name of engine.liveAgents()) {
      const d = await citizens[name].act({
        agent: name,
        round: day,
        observation: view.observations[name],
        info: view.infos[name],
      });
      (decisions[name] ??= []).push(d.action);
      actions[name] = d.action ?? engine.fallbackAction(name);
    }
    const step = engine.step(actions);
    for (const name of engine.agents) {
      await citizens[name].observe!({
        round: day,
        action: actions[name],
        reward: step.rewards[name],
        observation: step.observations[name],
        info: step.infos[name],
        events: step.events,
      });
    }
    view = step;
  }
  return { engine, models, citizens, decisions, recorder, view };
}

Deno.test("decisions follow the replies, defects included; an unknown action is dropped alone", async () => {
  const config = parseSocietyConfig({ citizens: ["a", "b", "c"], days: 2 });
  const { decisions, engine, view } = await play(config, {
    a: () =>
      'Sure! ```json\n{"request": "50", "actions": [{"type": "Proposal", "proposal_type": "eliminate", "target": "c"}, {"type": "dance"}], "statement": "c hoards"}\n```',
    b: (day) =>
      day === 1
        ? '{"Request": 30, "actions": {"type": "message", "to": "a", "text": "ok"}}'
        : '{"request": 25, "actions": [{"type": "vote", "proposal_id": "1", "support": "yes"}]}',
    c: () => "{'request': 40, 'statement': '我很好',}",
  }, 2);
  assert.deepEqual(decisions.a[0], {
    request: 50,
    actions: [
      { type: "propose", proposal_type: "elimination_vote", content: "c" },
      { type: "dance" } as never,
    ],
    statement: "c hoards",
  });
  assert.deepEqual(decisions.b[0], {
    request: 30,
    actions: [{ type: "private_message", to: "a", text: "ok" }],
    statement: "",
  });
  assert.deepEqual(decisions.c[0], { request: 40, actions: [], statement: "我很好" });
  // day 2: b's vote ("1", "yes") is executed by the engine; a's "dance" was dropped on day 1
  assert.deepEqual(view.infos.b.executed, [{ type: "vote", proposal_id: 1, support: true }]);
  assert.equal(engine.getState().totals.per_citizen.a.actions_dropped >= 1, true);
});

Deno.test("a reply that never parses gives action null (the runner applies the fallback)", async () => {
  const config = parseSocietyConfig({ citizens: ["a", "b"] });
  const model = new ScriptedChatModel(["I refuse to answer.", '{"statement": "only words"}']);
  const recorder = new CallRecorder();
  const citizen = createCitizen({ name: "a", model, recorder, config, lang: "en" });
  const view = new SocietyEngine(config).reset({ seed: 0 });
  const d = await citizen.act({
    agent: "a",
    round: 1,
    observation: view.observations.a,
    info: view.infos.a,
  });
  assert.equal(d.action, null);
  assert.ok(d.error && d.error.length > 0);
  assert.equal(recorder.totals.calls, 2, "one retry after the first failure");
  assert.equal(citizen.llm, true);
  assert.equal(citizenReplySchema(20).safeParse({ statement: "x" }).success, false);
  assert.deepEqual(citizenReplySchema(20).parse({ actions: [] }), {
    request: 20,
    actions: [],
    statement: "",
  });
});

Deno.test("a private message is only in the recipient's (and sender's) next prompt", async () => {
  const config = parseSocietyConfig({ citizens: ["a", "b", "c"] });
  const quiet = () => '{"request": 30, "actions": []}';
  const { models } = await play(config, {
    a: (day) =>
      day === 1
        ? '{"request": 30, "actions": [{"type": "private_message", "to": "b", "text": "meet at dawn"}]}'
        : quiet(),
    b: quiet,
    c: quiet,
  }, 2);
  const day2 = (n: string) => userOf(models[n].requests[1]);
  assert.match(day2("b"), /\[D1\] a -> you \(private\): "meet at dawn"/);
  assert.match(day2("a"), /\[D1\] you -> b \(private\): "meet at dawn"/);
  assert.doesNotMatch(day2("c"), /meet at dawn/);
  for (const n of ["a", "b", "c"]) assert.doesNotMatch(models[n].requests[1].system!, /dawn/);
});

Deno.test("a dead citizen's memory keeps receiving the public events", async () => {
  const config = parseSocietyConfig({ citizens: ["a", "b", "c", "d"] });
  const { citizens, engine } = await play(config, {
    a: (day) =>
      day === 1
        ? '{"request": 50, "actions": [{"type": "propose", "proposal_type": "elimination_vote", "content": "d"}]}'
        : day === 3
        ? '{"request": 50, "actions": [], "statement": "d is gone"}'
        : '{"request": 50, "actions": []}',
    b: (day) =>
      day === 2
        ? '{"request": 50, "actions": [{"type": "vote", "proposal_id": 1, "support": true}]}'
        : '{"request": 50}',
    c: () => '{"request": 50}',
    d: () => '{"request": 50}',
  }, 3);
  assert.equal(engine.getState().citizens.d.alive, false);
  const lines = (citizens.d.getState() as { lines: string[] }).lines;
  assert.ok(lines.includes('[D3] a: request 50 "d is gone"'), lines.join("\n"));
  assert.equal((citizens.d.getState() as { last_day: number }).last_day, 3);
});

Deno.test("memory state round-trips: a restored citizen sends the same prompt", async () => {
  const config = parseSocietyConfig({ citizens: ["a", "b", "c"] });
  const script = () => '{"request": 35, "actions": [], "statement": "steady"}';
  const { citizens, view } = await play(config, { a: script, b: script, c: script }, 3);
  const model = new ScriptedChatModel([script()]);
  const copy = createCitizen({
    name: "a",
    model,
    recorder: new CallRecorder(),
    config,
    lang: "en",
  });
  copy.setState(JSON.parse(JSON.stringify(citizens.a.getState())));
  const original = new ScriptedChatModel([script()]);
  const again = createCitizen({
    name: "a",
    model: original,
    recorder: new CallRecorder(),
    config,
    lang: "en",
  });
  again.setState(citizens.a.getState());
  const ctx = { agent: "a", round: 4, observation: view.observations.a, info: view.infos.a };
  await copy.act(ctx);
  await again.act(ctx);
  assert.equal(userOf(model.requests[0]), userOf(original.requests[0]));
  assert.match(userOf(model.requests[0]), /\[D3\] you: request 35, got 35 "steady"/);
  assert.throws(() => copy.setState({ lines: [] }), TypeError);
});

Deno.test("prompts: rules in the system prompt (zh and en), compact day prompt", () => {
  const config = parseSocietyConfig({});
  for (const lang of ["en", "zh"] as const) {
    const s = systemPrompt({ name: "qwen", config, lang });
    for (
      const needle of [
        "floor(",
        "*2/3",
        "200000",
        "1500",
        "50%",
        "resource_allocation",
        "elimination_vote",
        "appeal",
        '"request"',
        "5%",
      ]
    ) {
      assert.ok(s.includes(needle), `${lang} system prompt lacks ${needle}`);
    }
    assert.ok(!/Day \d|第\d+\/\d+天/.test(s), "the system prompt must not change by day");
  }
  const engine = new SocietyEngine(config);
  const view = engine.reset({ seed: 0 });
  const first = dayPrompt({ observation: view.observations.qwen, memory: [], lang: "en" });
  assert.match(first, /^Day 1\/10\. You: health 100, AP 3\./);
  assert.match(first, /Tokens: consumed 0 \| remaining 200000/);
  assert.doesNotMatch(first, /Open proposals|Memory/);
  const obs: SocietyObs = {
    ...view.observations.qwen,
    open_proposals: [{
      id: 1,
      proposer: "chatgpt",
      proposal_type: "elimination_vote",
      content: "deepseek",
      for: 2,
      against: 1,
    }],
  };
  const en = dayPrompt({ observation: obs, memory: ["[D5] chatgpt: request 50"], lang: "en" });
  assert.match(
    en,
    /Memory:\n\[D5\] chatgpt: request 50\nOpen proposals:\n1\(chatgpt-eliminate deepseek\) for:2 against:1/,
  );
  const zh = dayPrompt({ observation: obs, memory: [], lang: "zh" });
  assert.match(zh, /1\(chatgpt-淘汰deepseek\) 支持:2 反对:1/);
  assert.match(zh, /全局Token：已用0 \| 剩余200000/);
});
