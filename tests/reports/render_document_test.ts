import assert from "node:assert/strict";
import { join } from "node:path";
import type { ReportDocument } from "../../lib/core/document.ts";
import { documentCharts } from "../../lib/core/document.ts";
import {
  blocksHtml,
  blocksMarkdown,
  cellText,
  compareCells,
  documentHtml,
  documentMarkdown,
  formatNumber,
  safeHref,
  writeDocument,
} from "../../lib/reports/render_document.ts";

const chart = {
  spec: {
    data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
    mark: "line",
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
  },
  file: "line.svg",
  caption: "A line.",
};

const doc: ReportDocument = {
  title: "Run `x`",
  banners: [{ tone: "bad", text: "Not a finding: <all> fallbacks." }],
  intro: [{ text: "Seed **7**, see [the log](log.jsonl)." }],
  sections: [
    {
      title: "Summary",
      blocks: [
        { kv: [["rounds", 12000], ["share", 0.123456]] },
        {
          table: {
            header: ["run", "valid"],
            rows: [[{ text: "r1", href: "r1/report.html" }, true], ["r|2", false]],
            rowTones: [null, "bad"],
            sortable: true,
          },
        },
        { badges: [{ label: "Parasitic: yes", tone: "good" }] },
        {
          details: {
            summary: "Transcript",
            blocks: [{ code: "<prompt>", kind: "prompt" }, { chart }],
          },
        },
      ],
    },
  ],
  footer: "LLM Game Lab 0.3.0",
};

Deno.test("formatNumber: integers grouped from 10,000; three significant digits; tiny in e-notation", () => {
  assert.deepEqual(
    [1, 9999, 12000, 0.5, 0.123456, 12.3456, 123.456, 12345.6, 0.0001234, -0.25, NaN].map(
      formatNumber,
    ),
    ["1", "9999", "12,000", "0.5", "0.123", "12.35", "123.46", "12,346", "1.2e-4", "-0.25", "NaN"],
  );
  assert.equal(cellText([0.5, null]), "[0.5, ]");
  assert.equal(cellText({ text: "a", href: "b" }), "a");
});

Deno.test("documentMarkdown: one rendering of every block", () => {
  const md = documentMarkdown(doc);
  assert.match(md, /^# Run `x`\n\n> \*\*Alert: Not a finding: &lt;all> fallbacks\.\*\*/);
  assert.match(md, /\| rounds \| 12,000 \|/);
  assert.match(md, /\| share \| 0\.123 \|/);
  assert.match(md, /\| \[r1\]\(r1\/report\.html\) \| true \|/);
  assert.match(md, /\| r\\\|2 \| false \|/);
  assert.match(md, /!\[A line\.\]\(line\.svg\)/);
});

Deno.test("documentHtml: escapes text, keeps the inline forms, tones rows, inlines charts", () => {
  const html = documentHtml(doc, new Map([["line.svg", "<svg id='c'></svg>"]]));
  assert.match(html, /<h1>Run <code>x<\/code><\/h1>/);
  assert.match(html, /class="banner banner-bad" role="alert"><strong>Not a finding: &lt;all&gt;/);
  assert.match(html, /Seed <strong>7<\/strong>, see <a href="log.jsonl">the log<\/a>\./);
  assert.match(html, /<tr class="row-bad"><td>r\|2<\/td>/);
  assert.match(html, /<td><a href="r1\/report.html">r1<\/a><\/td>/);
  assert.match(html, /<pre class="prompt">&lt;prompt&gt;<\/pre>/);
  assert.match(html, /<figure><svg id='c'><\/svg><figcaption>A line\.<\/figcaption>/);
  // the sort script itself (the page's CSS also names table.sortable)
  assert.match(html, /<script>\nconst compareCells = [^]*querySelectorAll\("table\.sortable th"\)/);
});

Deno.test("writeDocument: report.md, report.html and one SVG per chart (nested ones too)", async () => {
  const dir = await Deno.makeTempDir();
  assert.equal(documentCharts(doc).length, 1);
  const path = await writeDocument(dir, doc);
  assert.equal(path, join(dir, "report.html"));
  const svg = await Deno.readTextFile(join(dir, "line.svg"));
  assert.ok(svg.startsWith("<svg"));
  assert.ok((await Deno.readTextFile(path)).includes(svg));
  assert.match(await Deno.readTextFile(join(dir, "report.md")), /## Summary/);
});

Deno.test("fragments: blocks render as in a whole document", () => {
  assert.equal(blocksMarkdown([{ list: ["a", "b"] }]), "- a\n- b\n");
  assert.equal(blocksHtml([{ text: "x" }]), "<p>x</p>");
  assert.match(
    blocksHtml([{ table: { header: ["v"], rows: [[0.123456]] } }]),
    /<td data-sort="0.123456">0.123<\/td>/,
  );
});

Deno.test("inline forms: only safe links, nothing transformed inside code, parentheses in hrefs", () => {
  const html = blocksHtml([
    { text: "[docs](javascript:alert(1)) [x](data:text/html,hi) [ok](https://a.org/f_(x).html)" },
    { text: "`a**b**c` and [rel](r1/report.html#top)" },
  ]);
  assert.ok(!html.includes('href="javascript'), html);
  assert.ok(!html.includes('href="data'), html);
  assert.match(html, /<a href="https:\/\/a.org\/f_\(x\).html">ok<\/a>/);
  assert.match(html, /<code>a\*\*b\*\*c<\/code>/);
  assert.match(html, /<a href="r1\/report.html#top">rel<\/a>/);
  assert.deepEqual(
    ["a.html", "#x", "https://x", "mailto:a@b", "JavaScript:x", " javascript:x", "vbscript:x"].map(
      safeHref,
    ),
    [true, true, true, true, false, false, false],
  );
});

Deno.test("compareCells: numbers as numbers (decimals, negatives, e-notation), text as text", () => {
  assert.deepEqual(
    ["0.123", "0.0456", "1e-7", "-10", "-5", "12,000", "9"].sort(compareCells),
    ["-10", "-5", "1e-7", "0.0456", "0.123", "9", "12,000"],
  );
  assert.deepEqual(["run10", "run9", "b"].sort(compareCells), ["b", "run9", "run10"]);
});

Deno.test("Markdown: multi-line notes stay quoted, code keeps its fence, links hold together", () => {
  const md = blocksMarkdown([
    { note: "line one\nline two", tone: "warn" },
    { code: "a ``` b" },
    { links: [{ label: "a [b]", href: "dir with space/r (1).html" }] },
    { list: ["x\ny"] },
  ]);
  assert.match(md, /> line one\n> line two/);
  assert.match(md, /````\na ``` b\n````/);
  assert.match(md, /- \[a \\\[b\\\]\]\(dir%20with%20space\/r%20%281%29\.html\)/);
  assert.match(md, /- x y/);
});

Deno.test("details marked htmlOnly: in the HTML, a summary line in the Markdown", () => {
  const d: ReportDocument = {
    title: "T",
    sections: [{
      title: "S",
      blocks: [{
        details: { summary: "alice: 2 calls", blocks: [{ code: "secret prompt" }], htmlOnly: true },
      }],
    }],
  };
  const md = documentMarkdown(d);
  assert.match(md, /\*\*alice: 2 calls\*\* \(in the HTML report\)/);
  assert.ok(!md.includes("secret prompt"));
  assert.match(
    documentHtml(d, new Map()),
    /<summary>alice: 2 calls<\/summary><pre class="code">secret prompt/,
  );
});

Deno.test("documentMarkdown: text is data, a tag in it is escaped", () => {
  const md = documentMarkdown({
    title: "T",
    sections: [{ title: "S", blocks: [{ text: "Back to <building>. 2 < 3" }, { list: ["<b>x"] }] }],
  });
  assert.match(md, /Back to &lt;building>\. 2 < 3/);
  assert.match(md, /- &lt;b>x/);
});
