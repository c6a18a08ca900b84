/**
 * Every notebook executes headlessly on the Deno kernel. Skipped (and said so) where Jupyter
 * is not installed, except in CI, where a missing Jupyter is a failure.
 */
import assert from "node:assert/strict";
import { executeNotebook, hasJupyter, listNotebooks } from "../lib/cli/notebooks.ts";

const dir = new URL("../notebooks", import.meta.url).pathname;
const jupyter = await hasJupyter();
if (!jupyter) {
  if (Deno.env.get("CI")) throw new Error("CI: jupyter nbconvert is missing (.ci/run installs it)");
  console.log("skipped: notebooks (jupyter nbconvert not installed)");
}

for (const nb of await listNotebooks(dir)) {
  Deno.test({
    name: `notebook executes: ${nb.split("/").pop()}`,
    ignore: !jupyter,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const out = await Deno.makeTempDir({ prefix: "lab-nb-" });
      const r = await executeNotebook(nb, out);
      assert.ok(r.ok, `${nb} failed:\n${r.error}`);
      const executed = JSON.parse(await Deno.readTextFile(r.output!));
      const errors = executed.cells.flatMap((c: { outputs?: { output_type: string }[] }) =>
        c.outputs ?? []
      )
        .filter((o: { output_type: string }) => o.output_type === "error");
      assert.equal(errors.length, 0);
      const code = executed.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
      assert.ok(
        code.every((c: { execution_count: number | null }) => c.execution_count !== null),
        "every code cell ran",
      );
      // secrets never reach a notebook we write
      assert.ok(
        !/sk-[A-Za-z0-9]{16,}/.test(JSON.stringify(executed)),
        "no API key in the executed notebook",
      );
    },
  });
}
