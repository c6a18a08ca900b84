/**
 * `study delegation --agents F` against the local OpenAI-compatible server: the mechanism's
 * user and the no-mechanism user are real runs (`mechanism: "paper" | "none"`), and the
 * honesty gain of the LLM provider is reported per seed with intervals.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startOpenAIServer } from "../../support/llm_servers.ts";
import { runCli } from "../../support/cli.ts";

const KEY_ENV = "LAB_DELEGATION_STUDY_TEST_KEY";
Deno.env.set(KEY_ENV, "test-key-not-secret");

Deno.test("study delegation --agents: both users as real runs, honesty gain of the LLM provider", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-study-llm-" });
  let paperCalls = 0, noneCalls = 0;
  // honest under the paper's mechanism, cheapest after exploration without it
  await using server = startOpenAIServer((body) => {
    const msgs = body.messages as { role: string; content: string }[];
    const system = msgs.find((m) => m.role === "system")?.content ?? "";
    const user = msgs.filter((m) => m.role === "user").at(-1)?.content ?? "";
    const none = system.includes("by a simple rule");
    if (none) noneCalls++;
    else paperCalls++;
    const cheap = none && !/Phase: exploration/.test(user);
    return { reply: JSON.stringify({ thought: "t", model: cheap ? "gpt-4o-mini" : "o1" }) };
  });
  try {
    const agents = join(dir, "agents.json");
    await Deno.writeTextFile(
      agents,
      JSON.stringify({
        agents: [
          {
            name: "llm_1",
            provider: "openai",
            model: "gpt-4o-mini",
            base_url: server.baseURL,
            api_key_env: KEY_ENV,
          },
          { name: "p2", provider: "policy", policy: "ours" },
          { name: "p3", provider: "policy", policy: "honest" },
        ],
      }),
    );
    const r = await runCli([
      "study",
      "delegation",
      "--agents",
      agents,
      "--seeds",
      "1..2",
      "--rounds",
      "30",
      "--out",
      join(dir, "study"),
      "--reports",
      join(dir, "rep"),
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.err);
    assert.ok(paperCalls > 0 && noneCalls > 0, `${paperCalls} ${noneCalls}`);
    const study = JSON.parse(await Deno.readTextFile(join(dir, "study", "study.json")));
    assert.equal(study.runs.valid, 4);
    const [row] = study.answer.llm_honesty;
    assert.deepEqual(row.seeds, [1, 2]);
    assert.equal(row.gain.length, 2);
    // the LLM substitutes only without the mechanism: its gain is its no-mechanism share
    for (const g of row.llm_gain) assert.ok(g !== null && g >= 0, String(g));
    assert.ok(row.llm_gain.some((g: number) => g > 0), JSON.stringify(row.llm_gain));
    assert.equal(row.llm_gain_ci.n, 2);
    assert.ok(row.by_provider.llm_1);
    // each none run is the no-mechanism user: no early stop, only exploration and commitment
    const index = (await Deno.readTextFile(join(dir, "study", "sweep", "index.jsonl")))
      .trim().split("\n").map((l) => JSON.parse(l));
    const none = index.filter((x) => x.params.mechanism === "none" && x.status === "completed");
    assert.equal(none.length, 2);
    for (const x of none) {
      const s = JSON.parse(
        await Deno.readTextFile(join(dir, "study", "sweep", x.run, "summary.json")),
      );
      assert.equal(s.mechanism, "none");
      assert.equal(s.stopped_early, false);
      assert.equal(s.total_delegations, 30);
      assert.equal(s.delegations_per_phase.incentive, 0);
      assert.equal(s.delegations_per_phase.bonus, 0);
    }
    const html = await Deno.readTextFile(join(dir, "rep", "study", "report.html"));
    assert.match(html, /Honesty gain of the mechanism for LLM providers/);
    assert.match(html, /scripted providers/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
