/**
 * The catalog (`lib/core/catalog.ts`) reads the formats of run, sweep, profile and study
 * directories alone: each kind is recognised by its marker file, wherever it lives.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { catalogEntry, PROFILE_FILES, scanCatalog, STUDY_FILE } from "../../lib/core/catalog.ts";
import { SCHEMA_VERSION } from "../../lib/core/records.ts";
import { RUN_FILES } from "../../lib/core/run_dir.ts";
import { SWEEP_FILES } from "../../lib/core/sweep_dir.ts";

async function write(path: string, value: unknown): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(value));
}

Deno.test("catalog: runs, sweeps, profiles and studies are each recognised by their files", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-catalog-" });
  const run = join(root, "runs", "ipd-1");
  await write(join(run, RUN_FILES.config), {
    v: SCHEMA_VERSION,
    experiment: "ipd",
    seed: 7,
    created_at: "2026-01-02T00:00:00.000Z",
  });
  const sweep = join(root, "sweeps", "grid");
  await write(join(sweep, SWEEP_FILES.sweep), {
    v: SCHEMA_VERSION,
    grid: { experiment: "ipd" },
    seeds: [0, 1],
    cells: [{}],
  });
  const profile = join(root, "profiles", "gpt");
  await write(join(profile, PROFILE_FILES.plan), {
    v: SCHEMA_VERSION,
    kind: "profile",
    models: [{}],
    experiments: ["society"],
  });
  const study = join(root, "studies", "study-rq2");
  await write(join(study, STUDY_FILE), {
    v: SCHEMA_VERSION,
    kind: "study",
    study: "rq2",
    grid: { experiment: "blockchain", grid: { kappa: [0.2, 0.5] } },
    runs: { valid: 4, invalid: 1, failed: 0 },
  });
  const kinds = Object.fromEntries(
    (await scanCatalog(root)).map((e) => [e.id, [e.kind, e.experiment, e.status]]),
  );
  assert.deepEqual(kinds, {
    "ipd-1": ["run", "ipd", "stopped"],
    grid: ["sweep", "ipd", "partial (0/2)"],
    gpt: ["profile", "profile (society)", "partial"],
    "study-rq2": ["study", "study rq2 (blockchain)", "complete"],
  });
  // any directory, wherever it lives
  const e = await catalogEntry(study);
  assert.equal(e?.valid, false);
  assert.equal(e?.validity, "1 invalid runs excluded");
  assert.equal(await catalogEntry(root), null);
});

Deno.test("catalog: a run is running only while its lock's holder lives; a crashed run is stopped", async () => {
  const run = join(await Deno.makeTempDir({ prefix: "lab-catalog-" }), "ipd-2");
  await write(join(run, RUN_FILES.config), {
    v: SCHEMA_VERSION,
    experiment: "ipd",
    seed: 1,
    created_at: "2026-01-02T00:00:00.000Z",
  });
  const lock = (pid: number) => ({
    pid,
    host: Deno.hostname(),
    since: new Date().toISOString(),
    beat: new Date().toISOString(),
  });
  await write(join(run, RUN_FILES.lock), lock(Deno.pid));
  assert.equal((await catalogEntry(run))?.status, "running");
  // a pid that cannot be alive (above the kernel's pid_max)
  await write(join(run, RUN_FILES.lock), lock(2 ** 22 + 1));
  assert.equal((await catalogEntry(run))?.status, "stopped");
});
