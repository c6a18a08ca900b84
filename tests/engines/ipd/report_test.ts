/** The IPD report as data (verdict, players, chart data), then written with its two charts. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { documentCharts, type TableBlock } from "../../../lib/core/document.ts";
import { BOTH_PLAYERS, ipdReport } from "../../../lib/engines/ipd/mod.ts";
import { writeDocument } from "../../../lib/reports/render_document.ts";

/** Four rounds: alice C C D C, bob C D D C (both cooperate in rounds 1 and 4). */
async function writeRun(
  dir: string,
  options: { rows?: boolean; valid?: boolean; status?: string } = {},
) {
  const { rows = true, valid = true, status = "completed" } = options;
  await Deno.mkdir(dir, { recursive: true });
  const config = { experiment: "ipd", seed: 3, config: { rounds: 4, players: ["alice", "bob"] } };
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config));
  const moves = { alice: "CCDC", bob: "CDDC" };
  const pay = { CC: 3, CD: 0, DC: 5, DD: 1 } as Record<string, number>;
  const lines: string[] = [];
  const totals: Record<string, number> = { alice: 0, bob: 0 };
  for (let i = 0; i < 4; i++) {
    for (const [me, other] of [["alice", "bob"], ["bob", "alice"]] as const) {
      const reward = pay[moves[me][i] + moves[other][i]];
      totals[me] += reward;
      const row = { v: 1, round: i + 1, agent: me, action: moves[me][i], reward };
      lines.push(
        JSON.stringify({ ...row, cumulative_reward: totals[me], fallback: false, parse_ok: true }),
      );
    }
  }
  await Deno.writeTextFile(join(dir, "decisions.jsonl"), rows ? lines.join("\n") + "\n" : "");
  const summary = {
    status,
    rounds: 4,
    agents: {
      alice: { kind: "policy:a", total: totals.alice, cooperation_rate: 0.75 },
      bob: { kind: "policy:b", total: totals.bob, cooperation_rate: 0.5 },
    },
    reward_ranking: ["bob", "alice"],
    mutual_cooperation: valid ? true : "inconclusive",
    mutual_cooperation_rate: 0.5,
    regret: { alice: { mean: 0.5, total: 2 }, bob: { mean: 0.5, total: 2 } },
    validity: {
      llm_decisions: 8,
      fallbacks: valid ? 0 : 8,
      fallback_share: valid ? 0 : 1,
      max_fallback_share: 0.1,
      valid,
    },
  };
  await Deno.writeTextFile(join(dir, "summary.json"), JSON.stringify(summary));
}

Deno.test("ipdReport: verdict, players and chart data", async () => {
  const root = await Deno.makeTempDir({ prefix: "ipd_report_test_" });
  try {
    await writeRun(join(root, "ipd-1"));
    const doc = await ipdReport(join(root, "ipd-1"));
    assert.equal(doc.title, "IPD run ipd-1");
    assert.deepEqual(doc.banners, []);
    assert.deepEqual(doc.sections.map((s) => s.title), ["Summary", "Charts", "Configuration"]);
    const summary = doc.sections[0].blocks;
    assert.deepEqual(summary[0], { badges: [{ label: "Mutual cooperation: yes", tone: "good" }] });
    const table = summary.find((b) => "table" in b) as { table: TableBlock };
    // alice: 3 + 0 + 1 + 3 = 7; bob: 3 + 5 + 1 + 3 = 12
    assert.deepEqual(table.table.rows[0], [
      "alice",
      "policy:a",
      7,
      0.75,
      0.5,
      2,
      undefined,
      undefined,
    ]);
    assert.deepEqual(table.table.rows[1], [
      "bob",
      "policy:b",
      12,
      0.5,
      0.5,
      2,
      undefined,
      undefined,
    ]);

    const [payoff, cooperation] = documentCharts(doc);
    assert.equal(payoff.file, "payoff.svg");
    const values = (payoff.spec.data as { values: { agent: string; payoff: number }[] }).values;
    assert.deepEqual(values.filter((v) => v.agent === "bob").map((v) => v.payoff), [3, 8, 9, 12]);
    const layer = cooperation.spec.layer as { data: { values: Record<string, unknown>[] } }[];
    const rate = (series: string) =>
      layer[0].data.values.filter((v) => v.series === series).map((v) => v.rate);
    assert.deepEqual(rate("alice"), [1, 1, 2 / 3, 0.75]);
    assert.deepEqual(rate("bob"), [1, 0.5, 1 / 3, 0.5]);
    assert.deepEqual(rate(BOTH_PLAYERS), [1, 0.5, 1 / 3, 0.5], "the verdict's joint rate");
    assert.deepEqual(layer[1].data.values, [{ threshold: 0.5 }]);

    const out = join(root, "out");
    await Deno.mkdir(out);
    const html = await Deno.readTextFile(await writeDocument(out, doc));
    assert.equal((html.match(/<svg/g) ?? []).length, 2);
    for (const file of ["payoff.svg", "cooperation.svg"]) {
      const svg = await Deno.readTextFile(join(out, file));
      assert.ok(/<path[^>]+d="M/.test(svg), `${file} draws lines`);
    }
    assert.ok(html.includes("Mutual cooperation: yes"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ipdReport: an invalid run has a banner; a run without rows has no charts", async () => {
  const root = await Deno.makeTempDir({ prefix: "ipd_report_test_" });
  try {
    await writeRun(join(root, "ipd-2"), { rows: false, valid: false });
    const doc = await ipdReport(join(root, "ipd-2"));
    assert.equal(doc.banners?.[0].tone, "bad");
    assert.ok(doc.banners?.[0].text.startsWith("Not a finding"));
    assert.deepEqual(doc.sections[0].blocks[0], {
      badges: [{ label: "Mutual cooperation: inconclusive", tone: "warn" }],
    });
    assert.deepEqual(documentCharts(doc), []);
    assert.deepEqual(doc.sections[1].blocks, [
      { note: "The run logged no decision rows: no charts." },
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ipdReport: a run that did not complete says so in a banner and in its status row", async () => {
  const root = await Deno.makeTempDir({ prefix: "ipd_report_test_" });
  try {
    await writeRun(join(root, "ipd-3"), { status: "stopped" });
    const doc = await ipdReport(join(root, "ipd-3"));
    assert.equal(doc.banners?.length, 1);
    assert.equal(doc.banners?.[0].tone, "warn");
    assert.match(doc.banners![0].text, /did not complete \(status: stopped\)/);
    const kv = doc.sections[0].blocks.find((b) => "kv" in b) as { kv: [string, unknown][] };
    assert.deepEqual(kv.kv[0], ["status", "stopped"]);
    await writeRun(join(root, "ipd-4"));
    assert.deepEqual((await ipdReport(join(root, "ipd-4"))).banners, []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
