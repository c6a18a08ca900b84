/**
 * The IPD's rational baseline and stage-game regret: the best response from the payoff
 * table (ties and other orders too), the `best_response` and `random` policies in either
 * seat, and `summary.json`'s `regret`, exact against hand-computed values.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { summarizeRegret } from "../../../lib/core/regret.ts";
import { Rng } from "../../../lib/core/rng.ts";
import { bestResponseMove, ipdBestResponse } from "../../../lib/engines/ipd/best_response.ts";
import { parseIpdConfig } from "../../../lib/engines/ipd/config.ts";
import { type IpdAction, IpdEngine } from "../../../lib/engines/ipd/engine.ts";
import { ipdExperiment } from "../../../lib/engines/ipd/experiment.ts";
import { createIpdPolicy, IPD_POLICIES } from "../../../lib/engines/ipd/policies.ts";
import {
  ipdBaseline,
  ipdRegretPoints,
  ipdStageRegret,
  jointCounts,
} from "../../../lib/engines/ipd/stage_regret.ts";
import type { AgentSpec } from "../../../lib/llm/agents_file.ts";
import type { ChatModel } from "../../../lib/llm/chat_model.ts";
import type { BuildContext } from "../../../lib/run/experiment.ts";

const PD = { T: 5, R: 3, P: 1, S: 0 };

Deno.test("ipdBestResponse: D against both moves in a PD; the table decides otherwise", () => {
  assert.deepEqual(ipdBestResponse("C", PD), { action: "D", value: 5 });
  assert.deepEqual(ipdBestResponse("D", PD), { action: "D", value: 1 });
  // stag hunt (R > T): C is best against C, D against D
  const stag = { T: 2, R: 3, P: 1, S: 0 };
  assert.deepEqual(ipdBestResponse("C", stag), { action: "C", value: 3 });
  assert.deepEqual(ipdBestResponse("D", stag), { action: "D", value: 1 });
  // a tie (T = R) goes to C, with the same value
  assert.deepEqual(ipdBestResponse("C", { T: 3, R: 3, P: 1, S: 0 }), { action: "C", value: 3 });
  // the policy's move: dominant D whatever the guess; else the best response to the last move
  assert.equal(bestResponseMove(null, PD), "D");
  assert.equal(bestResponseMove("C", PD), "D");
  assert.equal(bestResponseMove(null, stag), "C", "C is guessed before the first round");
  assert.equal(bestResponseMove("C", stag), "C");
  assert.equal(bestResponseMove("D", stag), "D");
});

Deno.test("ipdStageRegret: T - R, P - S and 0, by hand", () => {
  assert.deepEqual(ipdStageRegret("C", "C", PD), { best: 5, earned: 3, regret: 2 });
  assert.deepEqual(ipdStageRegret("C", "D", PD), { best: 1, earned: 0, regret: 1 });
  assert.deepEqual(ipdStageRegret("D", "C", PD), { best: 5, earned: 5, regret: 0 });
  assert.deepEqual(ipdStageRegret("D", "D", PD), { best: 1, earned: 1, regret: 0 });
  const p = { T: 10, R: 7, P: 4, S: -2 };
  assert.equal(ipdStageRegret("C", "C", p).regret, 3);
  assert.equal(ipdStageRegret("C", "D", p).regret, 6);
});

/** Plays the moves on an engine and returns its pair counts. */
function countsOf(a: string, b: string) {
  const engine = new IpdEngine(parseIpdConfig({ rounds: a.length }));
  engine.reset({ seed: 0 });
  for (let i = 0; i < a.length; i++) {
    engine.step({ alice: a[i] as IpdAction, bob: b[i] as IpdAction });
  }
  return jointCounts(engine.getState(), ["alice", "bob"]);
}

Deno.test("jointCounts and ipdRegretPoints: exact against a per-round hand count", () => {
  // rounds: CD CC DC DD CC DC
  const counts = countsOf("CCDDCD", "DCCDCC");
  assert.deepEqual(counts, { CC: 2, CD: 1, DC: 2, DD: 1 });
  const points = ipdRegretPoints(counts, ["alice", "bob"], PD, ["bob"]);
  assert.equal(points.length, 12);
  const s = summarizeRegret(points);
  // alice: CD -> 1, CC -> 2, DC -> 0, DD -> 0, CC -> 2, DC -> 0: total 5 over 6
  assert.deepEqual(s.alice, { n: 6, mean: 0.833333333, total: 5, near_best_share: null });
  // bob: DC -> 0, CC -> 2, CD -> 1, DD -> 0, CC -> 2, CD -> 1: total 6; 2 of 6 best (D rounds)
  assert.deepEqual(s.bob, { n: 6, mean: 1, total: 6, near_best_share: 0.333333333 });
  const base = ipdBaseline(counts, ["alice", "bob"], PD);
  // alice earned 0+3+5+1+3+5 = 17; best 1+5+5+1+5+5 = 22
  assert.deepEqual(base.alice, { earned: 17, best_response_total: 22, best_response_share: 0.5 });
  assert.deepEqual(base.bob, {
    earned: 5 + 3 + 0 + 1 + 3 + 0,
    best_response_total: 5 + 5 + 1 + 1 + 5 + 1,
    best_response_share: 0.333333333,
  });
  assert.throws(
    () => jointCounts({ round: 1, mutual: 1, cooperations: { a: 0, b: 1 } }, ["a", "b"]),
    RangeError,
  );
});

async function summaryOf(policies: [string, string], rounds: number, llmSeat = false) {
  const dir = await Deno.makeTempDir({ prefix: "ipd-regret-" });
  try {
    const agents: AgentSpec[] = policies.map((policy, i) => ({
      name: ["alice", "bob"][i],
      provider: "policy",
      policy,
    } as AgentSpec));
    const ctx: BuildContext = {
      seed: 0,
      rng: new Rng(7),
      lang: "en",
      agents,
      chatModel: () => ({ id: "stub:model" }) as unknown as ChatModel,
      recorder: {} as BuildContext["recorder"],
    };
    const built = await ipdExperiment.build(ipdExperiment.parseConfig({ rounds }), ctx);
    if (llmSeat) (built.agents[0] as { llm?: boolean }).llm = true;
    const engine = built.engine as IpdEngine;
    let view = engine.reset({ seed: 0 });
    const moves: Record<string, string> = { alice: "", bob: "" };
    for (let round = 1; !engine.isDone(); round++) {
      const actions: Record<string, IpdAction> = {};
      for (const a of built.agents) {
        const d = await a.act({
          agent: a.name,
          round,
          observation: view.observations[a.name],
          info: view.infos[a.name],
        });
        actions[a.name] = d.action as IpdAction;
        moves[a.name] += d.action;
      }
      view = engine.step(actions);
    }
    await Deno.writeTextFile(join(dir, "decisions.jsonl"), "");
    await Deno.writeTextFile(join(dir, "llm_calls.jsonl"), "");
    // deno-lint-ignore no-explicit-any
    const s = await built.summarize({ dir, engine, steps: rounds } as any) as Record<string, any>;
    return { s, moves };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ipd summary: tit-for-tat against tit-for-tat has a stage regret of T - R per round", async () => {
  const { s } = await summaryOf(["tit_for_tat", "tit_for_tat"], 10);
  assert.deepEqual(s.regret.alice, { n: 10, mean: 2, total: 20, near_best_share: null });
  assert.deepEqual(s.regret.bob, { n: 10, mean: 2, total: 20, near_best_share: null });
  assert.match(s.regret_note, /not an equilibrium test/i);
  assert.deepEqual(s.rational_baseline.alice, {
    earned: 30,
    best_response_total: 50,
    best_response_share: 0,
  });
});

Deno.test("ipd summary: an always-defect or best-response seat has zero regret against anything", async () => {
  for (const me of ["always_defect", "best_response"]) {
    for (const other of IPD_POLICIES) {
      for (const seat of [0, 1]) {
        const pair: [string, string] = seat === 0 ? [me, other] : [other, me];
        const { s, moves } = await summaryOf(pair, 12);
        const name = seat === 0 ? "alice" : "bob";
        assert.equal(moves[name], "D".repeat(12), `${me} defects in seat ${seat}`);
        assert.equal(s.regret[name].total, 0, `${me} against ${other}, seat ${seat}`);
        assert.equal(s.rational_baseline[name].best_response_share, 1);
      }
    }
  }
});

Deno.test("ipd summary: an LLM seat gets the near-best share; random plays in either seat", async () => {
  const { s, moves } = await summaryOf(["random", "always_cooperate"], 40, true);
  const defections = [...moves.alice].filter((m) => m === "D").length;
  assert.ok(defections > 5 && defections < 35, `random mixes its moves (${defections} D of 40)`);
  // against a cooperator: every C costs T - R = 2; D is the best response
  assert.equal(s.regret.alice.total, 2 * (40 - defections));
  assert.equal(s.regret.alice.near_best_share, Math.round((defections / 40) * 1e9) / 1e9);
  assert.equal(s.regret.bob.near_best_share, null, "a scripted seat has none");
  const other = await summaryOf(["always_defect", "random"], 40);
  assert.ok(/C/.test(other.moves.bob) && /D/.test(other.moves.bob), "random in the second seat");
  const bobC = [...other.moves.bob].filter((m) => m === "C").length;
  assert.equal(other.s.regret.bob.total, bobC * (PD.P - PD.S));
});

Deno.test("ipd policies: best_response reads the payoff table it is given", () => {
  const stag = { T: 2, R: 3, P: 1, S: 0 };
  const p = createIpdPolicy("best_response", "alice", new Rng(0), stag);
  const obs = (opponentLast: IpdAction | null) => ({
    round: 1,
    rounds: 5,
    opponentLast,
    myLast: null,
    myTotal: 0,
    opponentTotal: 0,
    opponentCooperations: 0,
  });
  const act = (o: IpdAction | null) =>
    (p.act({ agent: "alice", round: 1, observation: obs(o), info: { opponent: "bob" } }) as {
      action: IpdAction;
    }).action;
  assert.equal(act("C"), "C");
  assert.equal(act("D"), "D");
  const pd = createIpdPolicy("best_response", "alice", new Rng(0));
  assert.equal(
    (pd.act({ agent: "alice", round: 1, observation: obs("C"), info: { opponent: "bob" } }) as {
      action: IpdAction;
    }).action,
    "D",
  );
});
