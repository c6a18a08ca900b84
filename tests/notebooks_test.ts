/**
 * Every notebook executes headlessly on the Deno kernel, keeps every chart, and its HTML
 * export shows them. Ignored (counted so) where Jupyter is not installed, except in CI,
 * where a missing Jupyter is a failure.
 *
 * A chart cell is a code cell tagged `chart`; it must have a display whose HTML holds an
 * `<img class="lab-chart">` (the fallback that survives nbconvert's HTML export, which strips
 * inline SVG). Each notebook is executed `LAB_NOTEBOOK_RUNS` times (default 2): the kernel
 * once dropped a display at random, so a single green execution proves little.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { executeNotebook, hasJupyter, listNotebooks } from "../lib/cli/notebooks.ts";

const dir = new URL("../notebooks", import.meta.url).pathname;
const jupyter = await hasJupyter();
if (!jupyter) {
  // counted as ignored; in CI a missing Jupyter is a failure
  if (Deno.env.get("CI")) throw new Error("CI: jupyter nbconvert is missing (.ci/run installs it)");
}
const RUNS = Number(Deno.env.get("LAB_NOTEBOOK_RUNS") ?? 2);

interface Cell {
  cell_type: string;
  execution_count?: number | null;
  metadata?: { tags?: string[] };
  outputs?: { output_type: string; data?: Record<string, unknown> }[];
}

async function exportHtml(notebook: string, outDir: string): Promise<string> {
  const r = await new Deno.Command("jupyter", {
    args: ["nbconvert", "--to", "html", "--output-dir", outDir, notebook],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
  return await Deno.readTextFile(
    join(outDir, notebook.split("/").pop()!.replace(/\.ipynb$/, ".html")),
  );
}

async function listData(): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ["runs", "sweeps"]) {
    try {
      for await (const e of Deno.readDir(new URL(`../data/${sub}`, import.meta.url))) {
        out.push(e.name);
      }
    } catch { /* none */ }
  }
  return out.sort();
}

for (const nb of await listNotebooks(dir)) {
  Deno.test({
    name: `notebook executes and keeps its charts: ${nb.split("/").pop()}`,
    ignore: !jupyter,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const dataBefore = await listData();
      for (let run = 1; run <= RUNS; run++) {
        const out = await Deno.makeTempDir({ prefix: "lab-nb-" });
        const r = await executeNotebook(nb, out);
        assert.ok(r.ok, `${nb} failed:\n${r.error}`);
        const executed = JSON.parse(await Deno.readTextFile(r.output!)) as { cells: Cell[] };
        const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
        assert.equal(outputs.filter((o) => o.output_type === "error").length, 0);
        const code = executed.cells.filter((c) => c.cell_type === "code");
        assert.ok(code.every((c) => c.execution_count !== null), "every code cell ran");
        const charts = code.filter((c) => c.metadata?.tags?.includes("chart"));
        // nbformat may store a text output as one string or as a list of lines
        const text = (v: unknown) => Array.isArray(v) ? v.join("") : String(v ?? "");
        charts.forEach((c, i) => {
          const shown = (c.outputs ?? []).some((o) =>
            text(o.data?.["text/html"]).includes('class="lab-chart"') &&
            text(o.data?.["image/svg+xml"]).includes("<svg")
          );
          assert.ok(shown, `run ${run}: chart cell ${i + 1} of ${charts.length} has no chart`);
        });
        // the HTML export shows every chart as an image
        const html = await exportHtml(r.output!, out);
        const images =
          html.match(/<img class="lab-chart"[^>]*src="data:image\/svg\+xml;base64,/g) ?? [];
        assert.ok(
          images.length >= charts.length,
          `HTML export: ${images.length} of ${charts.length} charts`,
        );
        // secrets never reach a notebook we write
        assert.ok(
          !/sk-[A-Za-z0-9]{16,}/.test(JSON.stringify(executed)),
          "no API key in the notebook",
        );
      }
      assert.deepEqual(await listData(), dataBefore, "the notebook wrote into data/");
    },
  });
}
