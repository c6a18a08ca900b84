/**
 * The generic reports as data: the generic run report (config, summary, LLM section, the red
 * banner of an invalid run), the LLM section (usage, notes, reflections, transcripts that
 * stay out of the Markdown), the seat effects, the index and the study document; then what
 * the written HTML holds.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Block, DocSection, TableBlock } from "../../lib/core/document.ts";
import { genericReport, writeGenericReport } from "../../lib/reports/generic_report.ts";
import { type CallView, llmSection } from "../../lib/reports/llm_section.ts";
import { seatEffects, seatEffectsSection } from "../../lib/reports/seat_effects.ts";
import { indexDocument, indexTable, writeReportIndex } from "../../lib/reports/index_page.ts";
import { studyDocument, writeStudyReport } from "../../lib/reports/study_report.ts";
import { documentMarkdown } from "../../lib/reports/render_document.ts";
import { frameTable } from "../../lib/reports/table_display.ts";

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r) + "\n").join("");

function call(agent: string, round: number, extra: Partial<CallView> = {}) {
  return {
    v: 1,
    round,
    agent,
    purpose: "decision",
    model: "gpt-4o-mini",
    prompt_hash: "h",
    input_tokens: 100,
    output_tokens: 10,
    cached_tokens: 0,
    latency_ms: 200,
    cost_usd: 0.0015,
    parse_ok: true,
    attempts: 1,
    from_cache: false,
    prompt: `round ${round}: choose`,
    raw: "C",
    ...extra,
  };
}

/** A run directory written by hand: two LLM decisions (one a fallback) and a reflection. */
async function writeRun(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "config.json"),
    JSON.stringify({
      v: 1,
      experiment: "ipd",
      seed: 4,
      config: { rounds: 2, payoffs: { T: 5, R: 3 } },
      provenance: { toolkit: "0.3.0", commit: null, deno: "2.9.6", packages: {} },
    }),
  );
  await Deno.writeTextFile(
    join(dir, "llm_calls.jsonl"),
    jsonl([
      call("alice", 1),
      call("alice", 2, { parse_ok: false, raw: "maybe", error: "no action" }),
      call("alice", 2, { purpose: "reflection", raw: "I should\ntrust bob." }),
    ]),
  );
  await Deno.writeTextFile(
    join(dir, "decisions.jsonl"),
    jsonl([
      { v: 1, round: 1, agent: "alice", action: "C", reward: 3, parse_ok: true, fallback: false },
      { v: 1, round: 2, agent: "alice", action: "D", reward: 1, parse_ok: false, fallback: true },
    ]),
  );
}

const tableIn = (s: DocSection): TableBlock =>
  (s.blocks.find((b) => "table" in b) as { table: TableBlock }).table;

Deno.test("generic report: config, summary and LLM calls as data; an invalid run's banner", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeRun(join(dir, "ipd-1"));
    const summary = {
      rounds: 2,
      mean_payoff: 2.123456,
      validity: {
        llm_decisions: 2,
        fallbacks: 1,
        fallback_share: 0.5,
        max_fallback_share: 0.1,
        valid: false,
      },
    };
    const doc = await genericReport(join(dir, "ipd-1"), summary);
    assert.equal(doc.title, "Run ipd-1");
    assert.equal(doc.banners?.[0].tone, "bad");
    assert.match(doc.banners![0].text, /^Not a finding: 1 of 2 LLM decisions \(50\.0%\)/);
    assert.deepEqual(doc.sections.map((s) => s.title), ["Configuration", "Summary", "LLM calls"]);
    assert.deepEqual(tableIn(doc.sections[0]).rows, [["rounds", 2], ["payoffs.T", 5], [
      "payoffs.R",
      3,
    ]]);
    const sumRows = tableIn(doc.sections[1]).rows;
    assert.deepEqual(sumRows.find((r) => r[0] === "mean_payoff"), ["mean_payoff", 2.123456]);
    assert.deepEqual(sumRows.find((r) => r[0] === "validity.valid"), ["validity.valid", false]);
    assert.match(doc.footer ?? "", /^Provenance: LLM Game Lab 0\.3\.0/);

    // The LLM section: one usage row per agent, the valid-action rate from the decisions.
    const usage = tableIn(doc.sections[2]).rows[0];
    assert.equal(usage[0], "alice");
    assert.equal(usage[2], 3, "calls");
    assert.equal(usage[4], 300, "input tokens");
    assert.equal(usage[7], "$0.0045");
    assert.equal(usage[10], "50.0% of 2");

    // Written: the numbers formatted once, the banner red, the transcript only in the HTML.
    const path = await writeGenericReport(join(dir, "ipd-1"), join(dir, "ipd-1"), summary);
    const html = await Deno.readTextFile(path);
    const md = await Deno.readTextFile(join(dir, "ipd-1", "report.md"));
    assert.match(html, /class="banner banner-bad" role="alert"><strong>Not a finding/);
    assert.match(html, /<td>mean_payoff<\/td><td data-sort="2.123456">2.12<\/td>/);
    assert.match(html, /<summary>alice: 3 calls<\/summary>/);
    assert.match(html, /<pre class="prompt">round 1: choose<\/pre>/);
    assert.match(html, /reply not usable: no action/);
    assert.match(md, /\| mean_payoff \| 2\.12 \|/);
    assert.match(md, /\*\*alice: 3 calls\*\* \(in the HTML report\)/);
    assert.ok(!md.includes("round 1: choose"), "no transcript in the Markdown");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("llmSection: none without calls; reflections as notes, transcripts html-only", () => {
  assert.equal(llmSection([], []), undefined);
  const s = llmSection(
    [call("b", 1), call("a", 1, { purpose: "reflection", raw: "line one\nline two" })],
    [],
    { tokens: 220, max_tokens: 1000, usd: 0.003, max_usd: null },
  )!;
  const texts = s.blocks.filter((b): b is { text: string } => "text" in b).map((b) => b.text);
  assert.ok(texts.includes("Budget used: 220 of 1,000 tokens (22.0%)."), texts.join(" | "));
  const notes = s.blocks.filter((b): b is { note: string } => "note" in b).map((b) => b.note);
  assert.ok(notes.includes("**a, after round 1**: line one line two"), notes.join(" | "));
  const details = s.blocks.filter((b) => "details" in b) as {
    details: { summary: string; htmlOnly?: boolean; blocks: Block[] };
  }[];
  assert.deepEqual(details.map((d) => d.details.summary), ["a: 1 calls", "b: 1 calls"]);
  assert.ok(details.every((d) => d.details.htmlOnly));
});

Deno.test("seatEffectsSection: caption and three tables; none without effects", () => {
  assert.equal(seatEffectsSection(undefined), undefined);
  const seats = (a: string, b: string) => [
    { seat: 0, agent: a, kind: `policy:${a}` },
    { seat: 1, agent: b, kind: `policy:${b}` },
  ];
  const e = seatEffects([
    { seats: seats("x", "y"), returns: { x: 10, y: 2 }, seed: 0 },
    { seats: seats("y", "x"), returns: { x: 6, y: 4 }, seed: 0 },
  ]);
  const s = seatEffectsSection(e)!;
  assert.equal(s.title, "Models and seats");
  const tables = s.blocks.filter((b) => "table" in b) as { table: TableBlock }[];
  assert.equal(tables.length, 3);
  assert.deepEqual(tables[0].table.rows.map((r) => r[0]), ["policy:x", "policy:y"]);
  assert.equal(tables[0].table.rows[0][1], "8 [-∞, ∞]", "one seed: no interval");
  assert.deepEqual(tables[2].table.rows[0], ["policy:x", "10 (n 1)", "6 (n 1)"]);
});

Deno.test("index: a sortable table, names linking the reports, invalid rows toned", async () => {
  const root = await Deno.makeTempDir();
  try {
    const entries = [
      {
        kind: "run" as const,
        id: "ipd-2",
        experiment: "ipd",
        created: "2025-02-01T10:00:00.000Z",
        seed: 3,
        status: "completed",
        verdicts: { mutual_cooperation: false },
        valid: false,
        validity: "4 of 4 fallbacks",
        report: join(root, "ipd-2", "report.html"),
      },
      {
        kind: "sweep" as const,
        id: "grid",
        experiment: "ipd",
        created: "2025-01-01T10:00:00.000Z",
        cells: 4,
        runs: 12,
        status: "complete",
        verdicts: { mutual_cooperation: 0.416667 },
        valid: true,
        validity: "",
      },
    ];
    const t = indexTable(root, entries);
    assert.equal(t.sortable, true);
    assert.deepEqual(t.rows[0].slice(0, 5), [
      "2025-02-01 10:00:00",
      "run",
      "ipd",
      { text: "ipd-2", href: join("ipd-2", "report.html") },
      "seed 3",
    ]);
    assert.deepEqual(t.rowTones, ["bad", null]);
    assert.equal(t.rows[1][3], "grid", "no report: no link");
    assert.equal(t.rows[1][4], "4 cells, 12 runs");
    assert.equal(t.rows[1][6], "mutual cooperation: 0.417");
    assert.equal(t.rows[0][7], "INVALID: 4 of 4 fallbacks");
    assert.equal(indexDocument(root, entries).intro?.length, 1);
    const path = await writeReportIndex(root, entries);
    assert.equal(path, join(root, "index.html"));
    const html = await Deno.readTextFile(path);
    assert.match(html, /<tr class="row-bad"><td>2025-02-01 10:00:00<\/td>/);
    assert.match(html, /<a href="ipd-2\/report.html">ipd-2<\/a>/);
    assert.match(html, /<table class="sortable">/);
    assert.match(html, /<script>/, "the sort script");
    assert.ok(!(await Deno.stat(join(root, "index.md")).catch(() => null)), "no Markdown");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("study document: older `parts` sections read as blocks; study.json beside it", async () => {
  const doc = studyDocument({
    title: "Study s",
    sections: [
      { title: "Question", parts: [{ text: "Does it?" }] },
      { title: "Answer", blocks: [{ list: ["yes"] }] },
    ],
    data: { x: Infinity },
  });
  assert.deepEqual(doc.sections, [
    { title: "Question", blocks: [{ text: "Does it?" }] },
    { title: "Answer", blocks: [{ list: ["yes"] }] },
  ]);
  assert.match(documentMarkdown(doc), /## Answer\n\n- yes/);
  const dir = await Deno.makeTempDir();
  try {
    await writeStudyReport(dir, {
      title: "Study s",
      sections: doc.sections,
      data: { x: Infinity },
    });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "study.json"))), { x: null });
    assert.match(await Deno.readTextFile(join(dir, "report.html")), /<h2>Question<\/h2>/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("frameTable: a frame's first rows as a table block", () => {
  const rows = [{ a: 1, b: 0.123456 }, { a: 2, b: null }];
  const df = { columns: ["a", "b"], height: 5, head: () => df, toRecords: () => rows };
  const { table, more } = frameTable(df);
  assert.deepEqual(table, { header: ["a", "b"], rows: [[1, 0.123456], [2, null]] });
  assert.equal(more, 3);
  assert.deepEqual(frameTable(df, { digits: 2 }).table.rows[0], [1, "0.12"]);
});
