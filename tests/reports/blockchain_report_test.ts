/**
 * The blockchain report on synthetic runs, as data (verdict numbers, tables, chart specs,
 * quotes), then written: the page holds what matters and no external URL.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { blockchainReport } from "../../lib/engines/blockchain/mod.ts";
import type { Block, DocSection, ReportDocument, TableBlock } from "../../lib/core/document.ts";
import { documentCharts } from "../../lib/core/document.ts";
import { documentMarkdown, writeDocument } from "../../lib/reports/render_document.ts";
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

/** The section titled `title`. */
function section(doc: ReportDocument, title: string): DocSection {
  const s = doc.sections.find((x) => x.title === title);
  assert.ok(s, `section '${title}' in ${doc.sections.map((x) => x.title).join(", ")}`);
  return s;
}

/** The first table of a section. */
function table(s: DocSection, index = 0): TableBlock {
  const tables = s.blocks.flatMap((b) => ("table" in b ? [b.table] : []));
  assert.ok(tables[index], `table ${index} of '${s.title}'`);
  return tables[index];
}

/** The texts of a section's text blocks. */
const texts = (s: DocSection) => s.blocks.flatMap((b) => ("text" in b ? [b.text] : []));

/** The row of a table whose first cell is `key`. */
function row(t: TableBlock, ...key: string[]): readonly unknown[] {
  const r = t.rows.find((x) => key.every((k, i) => x[i] === k));
  assert.ok(r, `row ${key.join(", ")}`);
  return r;
}

/** Writes the document into a fresh directory; returns the HTML and the Markdown. */
async function written(doc: ReportDocument, out: string) {
  await Deno.mkdir(out, { recursive: true });
  const path = await writeDocument(out, doc);
  return {
    html: await Deno.readTextFile(path),
    md: await Deno.readTextFile(join(out, "report.md")),
  };
}

Deno.test("blockchainReport: LLM run, as data", async () => {
  const root = await Deno.makeTempDir({ prefix: "bc_report_test_" });
  try {
    const runDir = join(root, "bc-llm");
    await writeRun(runDir, true);
    const doc = await blockchainReport(runDir);
    assert.equal(doc.title, "Blockchain CPD run bc-llm");
    assert.deepEqual(doc.banners, [], "a run without summary has no validity banner");

    // Verdicts and the numbers behind them (LLM miners, rounds 3-4).
    // Late means over both LLM miners: c (0.25+1+0+0)/4, p (0.75+0+0.875+0)/4, d (0+0+0.125+1)/4.
    const verdicts = section(doc, "Verdicts");
    assert.deepEqual(verdicts.blocks[0], {
      badges: [
        { label: "Parasitic equilibrium: no", tone: "bad" },
        { label: "Honest convergence: no", tone: "bad" },
      ],
    });
    assert.ok(texts(verdicts).some((t) => t.includes("rounds 3–4")));
    assert.ok(texts(verdicts).some((t) => t.startsWith("What these measure")));
    const vt = table(verdicts);
    assert.deepEqual(vt.header, ["verdict", "condition", "late mean", "threshold", "holds"]);
    assert.deepEqual(row(vt, "parasitic equilibrium", "d < threshold").slice(2), [
      "0.28125",
      "0.08",
      "no",
    ]);
    assert.deepEqual(row(vt, "parasitic equilibrium", "p > threshold").slice(2), [
      "0.40625",
      "0.4",
      "yes",
    ]);
    assert.deepEqual(row(vt, "honest convergence", "c > threshold").slice(2), [
      "0.3125",
      "0.55",
      "no",
    ]);

    // The rational baseline.
    const baseline = section(doc, "Play against the rational baseline");
    assert.ok(texts(baseline).some((t) => t.includes("Stage-game (myopic) regret")));
    assert.ok(texts(baseline).some((t) => t.includes("Not an equilibrium test")));
    assert.deepEqual(table(baseline).header.slice(5, 8), [
      "stage regret mean",
      "stage regret total",
      "near-best share (LLM)",
    ]);
    section(doc, "Verdicts against the rational baseline");

    // Per-agent table: mean action, label, reward, tokens, valid-action rate.
    const agents = section(doc, "Agents");
    assert.deepEqual(row(table(agents), "miner_a"), [
      "miner_a",
      "openai:gpt-4o-mini",
      "[0.4375, 0.5313, 0.0313]",
      "parasitic free-rider",
      "12",
      5000,
      "1",
    ]);
    assert.ok(texts(agents)[0].includes("4000 input and 1000 output tokens"));
    assert.ok(texts(section(doc, "Honest group"))[0].includes("after round 4"));
    // Constructive trend: c first half (1 + 0.5 + 1 + 0) / 4 = 0.625, second 0.3125.
    assert.ok(
      texts(section(doc, "Constructive trend"))[0].includes("went from 0.625 to 0.3125 (-0.3125)"),
    );
    assert.deepEqual(row(table(section(doc, "Configuration")), "alpha"), ["alpha", "[0.3, 0.3]"]);

    // Charts: five Vega-Lite specs with inline data.
    const charts = documentCharts(doc);
    assert.deepEqual(charts.map((c) => c.file), [
      "baseline.svg",
      "cpd.svg",
      "efficiency.svg",
      "rewards.svg",
      "verdict.svg",
    ]);
    for (const c of charts) {
      const values = (c.spec.data as { values?: unknown[] } | undefined)?.values ??
        (c.spec.layer as { data?: { values: unknown[] } }[] | undefined)?.[0].data?.values;
      assert.ok(values && values.length > 0, `${c.file} has data`);
    }

    // Turning points: miner_a once (round 2), miner_b every round from 2: 4 quotes.
    const turns = section(doc, "Turning points");
    const quotes = turns.blocks.flatMap((b: Block) => ("note" in b ? [b.note] : []));
    assert.equal(quotes.length, 4);
    const long = quotes.find((q) => q.startsWith("Switching"))!;
    assert.equal(long.length, 300);
    assert.ok(long.endsWith("…"));
    assert.ok(quotes.includes("Back to <building>."), "quotes are plain text in the document");
    assert.ok(texts(turns).some((t) => t.includes("miner_b, round 2 (honest builder → attacker")));
    section(doc, "LLM calls");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("blockchainReport: the written LLM report holds what matters", async () => {
  const root = await Deno.makeTempDir({ prefix: "bc_report_test_" });
  try {
    const runDir = join(root, "bc-llm");
    await writeRun(runDir, true);
    const out = join(root, "out");
    const { html, md } = await written(await blockchainReport(runDir), out);
    for (const text of [md, html]) {
      assert.ok(text.includes("Parasitic equilibrium: no"), "parasitic verdict");
      assert.ok(text.includes("Honest convergence: no"), "honest verdict");
      assert.ok(text.includes("0.3125") && text.includes("0.40625") && text.includes("0.28125"));
      assert.ok(text.includes("Verdicts against the rational baseline"));
      assert.ok(text.includes("Play against the rational baseline"));
    }
    assert.match(md, /\| d < threshold \| 0\.28125 \| 0\.08 \| no \|/);
    assert.match(md, /\| p > threshold \| 0\.40625 \| 0\.4 \| yes \|/);
    assert.match(md, /\| c > threshold \| 0\.3125 \| 0\.55 \| no \|/);
    // Charts: SVG files next to report.md, inline in the HTML, none blank.
    for (
      const file of ["cpd.svg", "efficiency.svg", "rewards.svg", "verdict.svg", "baseline.svg"]
    ) {
      assert.ok(md.includes(`](${file})`), file);
      const svg = await Deno.readTextFile(join(out, file));
      assert.ok(svg.startsWith("<svg") && /<path|<line|<rect/.test(svg), `${file} draws something`);
    }
    assert.equal((html.match(/<svg/g) ?? []).length, 5);
    assert.deepEqual(externalRefs(html), []);
    assert.doesNotMatch(html, /<(script|link|img)\b/i);
    // Quotes: escaped in the page, one block quote each.
    assert.ok(html.includes("Back to &lt;building&gt;."), "quotes are escaped");
    const turnsHtml = html.slice(
      html.indexOf("<h2>Turning points</h2>"),
      html.indexOf("<h2>LLM calls"),
    );
    assert.equal((turnsHtml.match(/<blockquote/g) ?? []).length, 4);
    const turnsMd = md.slice(md.indexOf("## Turning points"), md.indexOf("## LLM calls"));
    assert.equal((turnsMd.match(/^> /gm) ?? []).length, 4);
    // An LLM run whose rows hold no rival labels (a log of before they were asked for):
    // the section says there is no accuracy, rather than 0.
    const labels = md.slice(md.indexOf("## Rival labels"), md.indexOf("## Honest group"));
    assert.ok(labels.includes("No miner predicted rival labels"), labels);
    assert.doesNotMatch(labels, /\| 0\.0%/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("blockchainReport: policy run has no quotes and counts all miners", async () => {
  const root = await Deno.makeTempDir({ prefix: "bc_report_test_" });
  try {
    const runDir = join(root, "bc-policy");
    await writeRun(runDir, false);
    const doc = await blockchainReport(runDir);
    assert.ok(texts(section(doc, "Verdicts")).some((t) => t.includes("all miners (policy run)")));
    assert.ok(
      !doc.sections.some((s) =>
        s.title === "Turning points" || s.title === "LLM calls" || s.title === "Rival labels"
      ),
    );
    assert.ok(texts(section(doc, "Agents"))[0].includes("No LLM calls."));
    const { html } = await written(doc, join(root, "out"));
    assert.ok(html.includes("all miners (policy run)"));
    assert.deepEqual(externalRefs(html), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("blockchainReport: an invalid run opens with a red banner and inconclusive verdicts", async () => {
  const root = await Deno.makeTempDir({ prefix: "bc_report_test_" });
  try {
    const runDir = join(root, "bc-invalid");
    await writeRun(runDir, true);
    const validity = {
      llm_decisions: 8,
      fallbacks: 4,
      fallback_share: 0.5,
      max_fallback_share: 0.1,
      valid: false,
    };
    await Deno.writeTextFile(join(runDir, "summary.json"), JSON.stringify({ validity }));
    const doc = await blockchainReport(runDir);
    assert.equal(doc.banners?.length, 1);
    assert.equal(doc.banners![0].tone, "bad");
    assert.ok(doc.banners![0].text.startsWith("Not a finding: 4 of 8 LLM decisions"));
    assert.deepEqual(section(doc, "Verdicts").blocks[0], {
      badges: [
        { label: "Parasitic equilibrium: inconclusive", tone: "warn" },
        { label: "Honest convergence: inconclusive", tone: "warn" },
      ],
    });
    assert.ok(documentMarkdown(doc).includes("Not a finding"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("blockchainReport: the payoff-maximisers' run is reported as rational play", async () => {
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
    const doc = await blockchainReport(runDir);
    const badges = section(doc, "Verdicts").blocks[0] as unknown as { badges: { label: string }[] };
    assert.equal(
      badges.badges[0].label,
      "Parasitic equilibrium: yes",
      "the SPEC verdict still holds",
    );
    const rational = section(doc, "Verdicts against the rational baseline");
    assert.ok(texts(rational)[0].startsWith("The late play is rational play"));
    assert.ok(texts(rational)[0].includes("not collusion beyond it"));
    assert.equal(row(table(rational), "parasitic beyond rational")[1], "no");
    assert.equal(row(table(rational), "rational play")[1], "yes");
    assert.deepEqual(
      row(table(section(doc, "Play against the rational baseline")), "miner_a"),
      ["miner_a", "[0, 1, 0]", "[0, 1, 0]", "0", "1", "0", "0", "–", "yes", "no", "yes"],
    );
    const { md } = await written(doc, join(root, "out"));
    assert.match(md, /\| rational play \| yes \|/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("blockchainReport: a run without decisions is an error", async () => {
  const root = await Deno.makeTempDir({ prefix: "bc_report_test_" });
  try {
    await writeRunConfig(root, { experiment: "blockchain", seed: 1, config: {}, agents: null });
    await assert.rejects(() => blockchainReport(root), RangeError);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
