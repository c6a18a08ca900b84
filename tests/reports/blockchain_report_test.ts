/** The blockchain report on synthetic runs: verdict numbers, charts, quotes, no external URL. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeBlockchainReport } from "../../lib/engines/blockchain/mod.ts";
import { type Cpd, writeBlockchainRun, writeRunConfig } from "../support/blockchain_run.ts";
import { Rng } from "../../lib/core/rng.ts";
import { createPolicy, parseBlockchainConfig } from "../../lib/engines/blockchain/mod.ts";
import { playRows } from "../engines/blockchain/_play.ts";

const LONG_THOUGHT = `Switching to free-riding. ${
  "The honest group keeps building. ".repeat(20)
}END`;

/**
 * Writes a 4-round run. miner_a: builder, then free-rider (late c 0.125, p 0.8125,
 * d 0.0625); miner_b alternates builder / attacker every round (3 label changes).
 */
async function writeRun(dir: string, llm: boolean): Promise<void> {
  const a: Cpd[] = [[1, 0, 0], [0.5, 0.5, 0], [0.25, 0.75, 0], [0, 0.875, 0.125]];
  const b: Cpd[] = [[1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 0, 1]];
  const efficiency = [1, 0.875, 0.75, 0.625];
  const driver = (thoughts: string[]) => llm ? { thoughts } : { kind: "policy:scripted" };
  await writeBlockchainRun(dir, {
    seed: 7,
    config: {
      alpha: [0.3, 0.3],
      honest_power: 0.4,
      rounds: 4,
      eta_min: 0.1,
      kappa: 0.2,
      miners: ["miner_a", "miner_b"],
    },
    agents: llm
      ? [
        { name: "miner_a", provider: "openai", model: "gpt-4o-mini" },
        { name: "miner_b", provider: "anthropic", model: "claude-haiku" },
      ]
      : null,
    miners: {
      miner_a: {
        actions: a,
        rewards: [3, 3, 3, 3],
        efficiency,
        ...driver(["I build.", LONG_THOUGHT, "Still riding.", "Riding."]),
      },
      miner_b: {
        actions: b,
        rewards: [1, 1, 1, 1],
        efficiency,
        ...driver(["Build.", "Strike now.", "Back to <building>.", "Strike again."]),
      },
    },
    honest: [0.9, 0.7, 0.5, 0.1],
    calls: llm
      ? [1, 2, 3, 4].map((round) => ({
        v: 1,
        round,
        agent: "miner_a",
        purpose: "decision",
        model: "gpt-4o-mini",
        prompt_hash: `h${round}`,
        input_tokens: 1000,
        output_tokens: 250,
        cached_tokens: 0,
        latency_ms: 10,
        cost_usd: 0.25,
        parse_ok: true,
        attempts: 1,
        from_cache: false,
      }))
      : [],
  });
}

/** URLs in `src`/`href` attributes (xmlns declarations are not resources). */
function externalRefs(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)]
    .map((m) => m[1])
    .filter((u) => /^(https?:)?\/\//i.test(u) || /http/i.test(u));
}

Deno.test("writeBlockchainReport: LLM run", async () => {
  const root = await Deno.makeTempDir({ prefix: "bc_report_test_" });
  try {
    const runDir = join(root, "bc-llm");
    await writeRun(runDir, true);
    const out = join(root, "out");
    const path = await writeBlockchainReport(runDir, out);
    assert.equal(path, join(out, "report.html"));
    const html = await Deno.readTextFile(path);
    const md = await Deno.readTextFile(join(out, "report.md"));

    // Verdicts and the numbers behind them (LLM miners, rounds 3-4).
    // Late means over both LLM miners: c (0.25+1+0+0)/4, p (0.75+0+0.875+0)/4, d (0+0+0.125+1)/4.
    for (const text of [md, html]) {
      assert.ok(text.includes("Parasitic equilibrium: no"), "parasitic verdict");
      assert.ok(text.includes("Honest convergence: no"), "honest verdict");
      assert.ok(text.includes("rounds 3–4"));
      assert.ok(text.includes("0.3125"), "late c"); // (0.25 + 1 + 0 + 0) / 4
      assert.ok(text.includes("0.40625"), "late p"); // (0.75 + 0.875) / 4
      assert.ok(text.includes("0.28125"), "late d"); // (0.125 + 1) / 4
      assert.ok(text.includes("0.08") && text.includes("0.4") && text.includes("0.55"));
      assert.ok(text.includes("after round 4"), "honest floor round");
      assert.ok(text.includes("openai:gpt-4o-mini"));
      assert.ok(text.includes("4000 input and 1000 output tokens"));
    }
    // What the verdicts measure, and the play against the rational baseline.
    for (const text of [md, html]) {
      assert.ok(text.includes("What these measure"), "SPEC verdicts say they have no baseline");
      assert.ok(text.includes("Verdicts against the rational baseline"));
      assert.ok(text.includes("Play against the rational baseline"));
      assert.ok(text.includes("Stage-game (myopic) regret"));
      assert.ok(text.includes("Not an equilibrium test"));
    }
    assert.match(md, /\| stage regret mean \| stage regret total \| near-best share \(LLM\) \|/);
    assert.match(md, /\| d < threshold \| 0\.28125 \| 0\.08 \| no \|/);
    assert.match(md, /\| p > threshold \| 0\.40625 \| 0\.4 \| yes \|/);
    assert.match(md, /\| c > threshold \| 0\.3125 \| 0\.55 \| no \|/);
    // Per-agent table: mean action, label, reward, tokens, valid-action rate.
    assert.match(
      md,
      /\| miner_a \| openai:gpt-4o-mini \| \[0\.4375, 0\.5313, 0\.0313\] \| parasitic free-rider \| 12 \| 5000 \| 1 \|/,
    );
    // Constructive trend: c first half (1 + 0.5 + 1 + 0) / 4 = 0.625, second 0.3125.
    assert.ok(md.includes("went from 0.625 to 0.3125 (-0.3125)"));

    // Charts: SVG files next to report.md, inline in the HTML.
    for (
      const file of ["cpd.svg", "efficiency.svg", "rewards.svg", "verdict.svg", "baseline.svg"]
    ) {
      assert.ok(md.includes(`](${file})`), file);
      assert.ok((await Deno.readTextFile(join(out, file))).startsWith("<svg"));
    }
    assert.equal((html.match(/<svg/g) ?? []).length, 5);
    assert.deepEqual(externalRefs(html), []);
    assert.doesNotMatch(html, /<(script|link|img)\b/i);

    // Turning points: miner_a once (round 2), miner_b every round from 2: 4 quotes.
    assert.equal((md.match(/^> /gm) ?? []).length, 4);
    assert.equal((html.match(/<blockquote>/g) ?? []).length, 4);
    const long = md.split("\n").find((l) => l.startsWith("> Switching"))!;
    assert.equal(long.length, 2 + 300);
    assert.ok(long.endsWith("…"));
    assert.ok(html.includes("Back to &lt;building&gt;."), "quotes are escaped");
    assert.ok(md.includes("> Back to &lt;building&gt;."), "quotes are escaped in Markdown");
    assert.ok(md.includes("| alpha | [0.3, 0.3] |"), "config table");
    assert.ok(md.includes("miner_b, round 2 (honest builder → attacker"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeBlockchainReport: policy run has no quotes and counts all miners", async () => {
  const root = await Deno.makeTempDir({ prefix: "bc_report_test_" });
  try {
    const runDir = join(root, "bc-policy");
    await writeRun(runDir, false);
    const path = await writeBlockchainReport(runDir, join(root, "out"));
    const html = await Deno.readTextFile(path);
    assert.ok(html.includes("all miners (policy run)"));
    assert.ok(!html.includes("Turning points"));
    assert.ok(html.includes("No LLM calls."));
    assert.deepEqual(externalRefs(html), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeBlockchainReport: the payoff-maximisers' run is reported as rational play", async () => {
  const root = await Deno.makeTempDir({ prefix: "bc_report_test_" });
  try {
    const config = parseBlockchainConfig({ rounds: 30 });
    const rng = new Rng(1);
    const rows = await playRows(
      config,
      config.miners.map((m, index) =>
        createPolicy(index === 1 ? "greedy" : "best_response", {
          rng: rng.derive(m),
          config,
          index,
        })
      ),
    );
    const of = (m: string) => rows.filter((r) => r.agent === m);
    const runDir = join(root, "bc-br");
    await writeBlockchainRun(runDir, {
      seed: 1,
      config: { ...config },
      miners: Object.fromEntries(config.miners.map((m) => [m, {
        actions: of(m).map((r) => r.action as Cpd),
        rewards: of(m).map((r) => r.reward),
        efficiency: of(m).map((r) => r.efficiency),
        kind: "policy:best_response",
      }])),
      honest: of("miner_a").map((r) => r.honest_efficiency),
    });
    const out = join(root, "out");
    const html = await Deno.readTextFile(await writeBlockchainReport(runDir, out));
    const md = await Deno.readTextFile(join(out, "report.md"));
    for (const text of [md, html]) {
      assert.ok(text.includes("Parasitic equilibrium: yes"), "the SPEC verdict still holds");
      assert.ok(
        text.includes("The late play is rational play") && text.includes("not collusion beyond it"),
      );
    }
    assert.match(md, /\| parasitic beyond rational \| no \|/);
    assert.match(md, /\| rational play \| yes \|/);
    assert.match(
      md,
      /\| miner_a \| \[0, 1, 0\] \| \[0, 1, 0\] \| 0 \| 1 \| 0 \| 0 \| – \| yes \| no \| yes \|/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeBlockchainReport: a run without decisions is an error", async () => {
  const root = await Deno.makeTempDir({ prefix: "bc_report_test_" });
  try {
    await writeRunConfig(root, { experiment: "blockchain", seed: 1, config: {}, agents: null });
    await assert.rejects(() => writeBlockchainReport(root, join(root, "out")), RangeError);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
