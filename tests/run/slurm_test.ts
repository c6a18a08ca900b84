/**
 * A sweep on a real (single-node) Slurm cluster: the test starts munged, slurmctld and slurmd
 * on 127.0.0.1 from a temporary directory (its own munge key, slurm.conf, state and logs),
 * submits `sbatch --array=0-2` running the sweep command with no `--shard` (each task takes
 * its slice from the Slurm array variables) into one sweep directory, waits for the array,
 * runs `deno task report` on the directory, and checks the merged index and the report
 * against the same sweep run locally. Ignored where Slurm is not installed (no `slurmctld`);
 * where it is installed but the daemons do not come up, it fails with their logs.
 * `.ci/run` installs Debian's `slurm-wlm` and `munge`. Needs root (slurmd runs the jobs).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readJsonl } from "../../lib/core/run_log.ts";
import { SweepIndexRowSchema } from "../../lib/core/sweep_dir.ts";
import { reportMain } from "../../lib/cli/report.ts";
import { captureConsole, runCli } from "../support/cli.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DENO = Deno.execPath();

/** The full path of `name` on PATH or in the sbin folders, or `undefined`. */
function which(name: string): string | undefined {
  const dirs = [...(Deno.env.get("PATH") ?? "").split(":"), "/usr/sbin", "/sbin", "/usr/bin"];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      if (Deno.statSync(join(dir, name)).isFile) return join(dir, name);
    } catch { /* not here */ }
  }
  return undefined;
}

const slurmAvailable = which("slurmctld") !== undefined;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function readOr(path: string): Promise<string> {
  return await Deno.readTextFile(path).catch(() => "(none)");
}

/** A running one-node cluster; `stop()` ends every daemon it started. */
interface Cluster {
  dir: string;
  env: Record<string, string>;
  logs(): Promise<string>;
  stop(): Promise<void>;
}

async function startCluster(): Promise<Cluster> {
  const dir = await Deno.makeTempDir({ prefix: "lab-slurm-" });
  const munge = join(dir, "munge");
  await Deno.mkdir(munge, { mode: 0o700 });
  for (const d of ["state", "spool"]) await Deno.mkdir(join(dir, d));
  const key = join(munge, "munge.key");
  const keyBytes = crypto.getRandomValues(new Uint8Array(1024));
  await Deno.writeFile(key, keyBytes, { mode: 0o600 });
  const socket = join(munge, "munge.socket");
  const [ctldPort, slurmdPort] = [freePort(), freePort()];
  const conf = join(dir, "slurm.conf");
  await Deno.writeTextFile(
    conf,
    `ClusterName=labtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=${ctldPort}
SlurmdPort=${slurmdPort}
AuthType=auth/munge
AuthInfo=socket=${socket}
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/slurmctld.log
SlurmdLogFile=${dir}/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
`,
  );
  const env = { SLURM_CONF: conf };
  const daemons: Deno.ChildProcess[] = [];
  const spawn = (cmd: string, args: string[]) => {
    const bin = which(cmd);
    if (!bin) throw new Error(`${cmd}: not installed (apt-get install slurm-wlm munge)`);
    const child = new Deno.Command(bin, { args, env, stdout: "null", stderr: "null" }).spawn();
    daemons.push(child);
    return child;
  };
  const logs = async () =>
    [
      `== munged.log\n${await readOr(join(munge, "munged.log"))}`,
      `== slurmctld.log\n${await readOr(join(dir, "slurmctld.log"))}`,
      `== slurmd.log\n${await readOr(join(dir, "slurmd.log"))}`,
    ].join("\n");
  const stop = async () => {
    // the newest first: slurmd, slurmctld, munged (each started here, in the foreground)
    for (const child of [...daemons].reverse()) {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 10_000);
      await child.status;
      clearTimeout(timer);
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    spawn("munged", [
      "--foreground",
      "--force",
      `--key-file=${key}`,
      `--socket=${socket}`,
      `--pid-file=${join(munge, "munged.pid")}`,
      `--log-file=${join(munge, "munged.log")}`,
      `--seed-file=${join(munge, "munged.seed")}`,
    ]);
    await until(() => Deno.stat(socket).then(() => true, () => false), 10_000, "munged's socket");
    spawn("slurmctld", ["-D", "-i", "-f", conf]);
    spawn("slurmd", ["-D", "-N", "localhost", "-f", conf]);
    await until(
      async () => /idle/.test(await run("sinfo", ["-h", "-o", "%T"], env).catch(() => "")),
      60_000,
      "node localhost idle in sinfo",
    );
  } catch (e) {
    const text = await logs();
    await stop();
    throw new Error(`the Slurm daemons did not come up: ${(e as Error).message}\n${text}`);
  }
  return { dir, env, logs, stop };
}

async function until(ok: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(which(cmd) ?? cmd, { args, env, cwd: REPO }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

/** An index row without what differs between machines and runs (none of these, today). */
function comparable(row: Record<string, unknown>): Record<string, unknown> {
  const drop = /(_at|_ms|time|host|pid|dir|path)$/;
  const summary = Object.fromEntries(
    Object.entries((row.summary ?? {}) as Record<string, unknown>).filter(([k]) => !drop.test(k)),
  );
  return { ...row, summary };
}

async function indexOf(sweep: string) {
  const rows = await readJsonl(join(sweep, "index.jsonl"), SweepIndexRowSchema);
  return rows.map((r) => comparable(r as unknown as Record<string, unknown>))
    .sort((a, b) => String(a.run).localeCompare(String(b.run)));
}

Deno.test({
  name: "slurm: an sbatch --array=0-2 sweep into one directory equals the same sweep run locally",
  ignore: !slurmAvailable,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "lab-slurm-sweep-" });
    const grid = join(root, "grid.json");
    await Deno.writeTextFile(
      grid,
      JSON.stringify({
        experiment: "ipd",
        base: { rounds: 6 },
        grid: { policies: [["tit_for_tat", "random"], ["grim", "always_defect"]] },
      }),
    );
    const sweepArgs = (out: string) => [
      "--sweep",
      grid,
      "--seeds",
      "0..2",
      "--out",
      out,
      "--no-report",
      "--quiet",
    ];
    const cluster = await startCluster();
    const shared = join(root, "slurm", "sw");
    const started = Date.now();
    try {
      const script = join(root, "sweep.sbatch");
      const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
      await Deno.writeTextFile(
        script,
        `#!/bin/bash
#SBATCH --job-name=lab-sweep
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
cd ${q(REPO)}
${q(DENO)} task run ${sweepArgs(shared).map(q).join(" ")}
echo $? > ${q(root)}/rc-$SLURM_ARRAY_TASK_ID
`,
      );
      const jobId = (await run("sbatch", [
        "--parsable",
        "--array=0-2",
        `--output=${root}/shard-%a.out`,
        `--chdir=${REPO}`,
        script,
      ], cluster.env)).trim().split(";")[0];
      assert.match(jobId, /^\d+$/, `sbatch answered '${jobId}'`);
      try {
        await until(
          async () => (await run("squeue", ["-h", "-j", jobId], cluster.env)).trim() === "",
          240_000,
          `array job ${jobId} to end`,
        );
      } catch (e) {
        throw new Error(`${(e as Error).message}\n${await cluster.logs()}`);
      }
      for (const t of [0, 1, 2]) {
        const out = await readOr(join(root, `shard-${t}.out`));
        assert.equal((await readOr(join(root, `rc-${t}`))).trim(), "0", `task ${t}:\n${out}`);
        // the slice came from the array variables, printed and recorded
        assert.match(out, new RegExp(`shard ${t}/3 \\(from SLURM_ARRAY_TASK_ID=${t} `), out);
        const rec = JSON.parse(await Deno.readTextFile(join(shared, "shards", `${t}-of-3.json`)));
        assert.deepEqual(rec.shard, [t, 3]);
        assert.match(rec.source, /^SLURM_ARRAY_TASK_ID=/);
        assert.equal(rec.items, 2);
      }
    } finally {
      await cluster.stop();
    }
    const elapsed = Date.now() - started;
    // no lock is left behind
    const left = [...Deno.readDirSync(join(shared, "shards"))].map((e) => e.name);
    assert.deepEqual(left.filter((n) => n.endsWith(".lock")), [], left.join(", "));
    // the final report merges the shards' rows into index.jsonl
    const reports = join(root, "reports");
    const report = await new Deno.Command(DENO, {
      args: ["task", "report", shared, "--reports", reports],
      cwd: REPO,
    }).output();
    assert.equal(report.code, 0, new TextDecoder().decode(report.stderr));

    const local = join(root, "local", "sw");
    const r = await runCli(sweepArgs(local));
    assert.equal(r.code, 0, r.err);
    const localReports = join(root, "local-reports");
    const lr = await captureConsole(() => reportMain([local, "--reports", localReports]));
    assert.equal(lr.code, 0, lr.err);
    const slurmRows = await indexOf(shared);
    assert.equal(slurmRows.length, 6, "every (cell, seed) once");
    assert.deepEqual(slurmRows, await indexOf(local));
    const md = async (base: string, dir: string) =>
      (await Deno.readTextFile(join(base, "sw", "report.md"))).replaceAll(dir, "<sweep>");
    assert.equal(await md(reports, shared), await md(localReports, local));
    console.log(`slurm sweep: 3 array tasks, ${elapsed} ms from daemons up to the array's end`);
    await Deno.remove(root, { recursive: true });
  },
});
