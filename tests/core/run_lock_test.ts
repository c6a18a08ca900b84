/**
 * The lock of a run or sweep directory: pid, host and a heartbeat. A live lock of another
 * host is never taken over; one whose heartbeat stopped is; a lock of this host is stale at
 * once when its pid is gone; a holder never removes a lock taken over from it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../lib/core/config.ts";
import {
  acquireLock,
  LOCK_HEARTBEAT_MS,
  LOCK_STALE_MS,
  lockTiming,
  readLock,
} from "../../lib/core/run_dir.ts";

const DEAD_PID = 2 ** 22 + 12345;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tmp(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "lab-lock-" });
}

/** Writes a lock file by hand; `ageMs` back-dates both its heartbeat and its mtime. */
async function writeLock(dir: string, holder: Record<string, unknown>, ageMs = 0) {
  const path = join(dir, ".lock");
  const then = new Date(Date.now() - ageMs);
  await Deno.writeTextFile(
    path,
    JSON.stringify({ since: then.toISOString(), beat: then.toISOString(), ...holder }),
  );
  await Deno.utime(path, then, then);
  return path;
}

Deno.test("lock: the defaults are 10 s / 60 s, overridable by the environment", () => {
  assert.equal(LOCK_HEARTBEAT_MS, 10_000);
  assert.equal(LOCK_STALE_MS, 60_000);
  Deno.env.set("LAB_LOCK_HEARTBEAT_MS", "200");
  Deno.env.set("LAB_LOCK_STALE_MS", "1500");
  try {
    assert.deepEqual(lockTiming(), { heartbeatMs: 200, staleMs: 1500 });
  } finally {
    Deno.env.delete("LAB_LOCK_HEARTBEAT_MS");
    Deno.env.delete("LAB_LOCK_STALE_MS");
  }
  assert.deepEqual(lockTiming(), { heartbeatMs: 10_000, staleMs: 60_000 });
});

Deno.test("lock: carries pid, host and a heartbeat the holder touches; release removes it", async () => {
  const dir = await tmp();
  const lock = await acquireLock(dir, "run", { heartbeatMs: 40 });
  try {
    const first = JSON.parse(await Deno.readTextFile(lock.path));
    assert.equal(first.pid, Deno.pid);
    assert.equal(first.host, Deno.hostname());
    assert.equal(typeof first.beat, "string");
    const mtime0 = (await Deno.stat(lock.path)).mtime!.getTime();
    await sleep(200);
    // the beat touches the file (its mtime), replacing nothing
    const mtime1 = (await Deno.stat(lock.path)).mtime!.getTime();
    assert.ok(mtime1 > mtime0, "the heartbeat moved on");
    const later = JSON.parse(await Deno.readTextFile(lock.path));
    assert.equal(later.since, first.since);
    assert.equal(later.id, first.id);
    // this process is live: a second writer is refused, naming pid and host
    await assert.rejects(
      acquireLock(dir),
      (e: Error) =>
        e instanceof ConfigError &&
        e.message.includes(`in use by process ${Deno.pid} on ${Deno.hostname()}`),
    );
  } finally {
    lock.release();
  }
  await assert.rejects(Deno.stat(lock.path), Deno.errors.NotFound);
  lock.release(); // twice: nothing
});

Deno.test("lock: another host's live lock is never taken over; a silent one is", async () => {
  const dir = await tmp();
  // live elsewhere: its pid cannot be checked from here (and is dead here), its beat is fresh
  await writeLock(dir, { pid: DEAD_PID, host: "node-b.cluster" }, 1_000);
  await assert.rejects(
    acquireLock(dir, "run", { staleMs: 60_000 }),
    (e: Error) => e instanceof ConfigError && /process \d+ on node-b\.cluster/.test(e.message),
  );
  assert.equal((await readLock(join(dir, ".lock")))?.live, true);
  // its heartbeat stopped longer ago than the threshold: stale, taken over
  await writeLock(dir, { pid: DEAD_PID, host: "node-b.cluster" }, 90_000);
  assert.equal(
    (await readLock(join(dir, ".lock"), { heartbeatMs: 1, staleMs: 60_000 }))?.live,
    false,
  );
  const lock = await acquireLock(dir, "run", { staleMs: 60_000 });
  assert.equal(JSON.parse(await Deno.readTextFile(lock.path)).host, Deno.hostname());
  lock.release();
  // an old beat but a fresh mtime (the beat's clock lags): the newer of the two counts
  await writeLock(dir, { pid: DEAD_PID, host: "node-b.cluster" }, 90_000);
  const now = new Date();
  await Deno.utime(join(dir, ".lock"), now, now);
  await assert.rejects(acquireLock(dir, "run", { staleMs: 60_000 }), ConfigError);
});

Deno.test("lock: this host's lock is stale at once when its pid is gone, even with a fresh beat", async () => {
  const dir = await tmp();
  await writeLock(dir, { pid: DEAD_PID, host: Deno.hostname() });
  const lock = await acquireLock(dir);
  lock.release();
  // an earlier version's lock (no heartbeat, no host) of a live pid: held
  await Deno.writeTextFile(join(dir, ".lock"), JSON.stringify({ pid: Deno.pid, since: "then" }));
  await assert.rejects(acquireLock(dir), ConfigError);
});

Deno.test("lock: an unreadable lock is held for a few seconds after it was written", async () => {
  const dir = await tmp();
  const path = join(dir, ".lock");
  await Deno.writeTextFile(path, '{"pid": 12');
  await assert.rejects(acquireLock(dir), ConfigError);
  const old = new Date(Date.now() - 60_000);
  await Deno.utime(path, old, old);
  (await acquireLock(dir)).release();
});

Deno.test("lock: a holder whose lock was taken over neither beats over it nor removes it", async () => {
  const dir = await tmp();
  const lock = await acquireLock(dir, "run", { heartbeatMs: 30 });
  const theirs = JSON.stringify({
    pid: DEAD_PID,
    host: "node-c",
    since: new Date().toISOString(),
    beat: new Date().toISOString(),
    id: "someone-else",
  });
  await Deno.writeTextFile(lock.path, theirs);
  await sleep(120);
  assert.equal(await Deno.readTextFile(lock.path), theirs, "no beat over another's lock");
  lock.release();
  assert.equal(await Deno.readTextFile(lock.path), theirs, "not removed");
});

Deno.test("lock: a live holder in another process is refused; killed, its lock is taken over", async () => {
  const dir = await tmp();
  const url = new URL("../../lib/core/run_dir.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { acquireLock } from "${url}"; await acquireLock(${
        JSON.stringify(dir)
      }); console.log("held"); await new Promise(() => setInterval(() => {}, 1000));`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /held/);
  await assert.rejects(
    acquireLock(dir),
    (e: Error) => e instanceof ConfigError && e.message.includes(`process ${child.pid}`),
  );
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel();
  (await acquireLock(dir)).release();
});

Deno.test("lock: an old holder's heartbeat never overwrites a new holder's lock, and stops", async () => {
  const dir = await tmp();
  const lock = await acquireLock(dir, "run", { heartbeatMs: 30 });
  try {
    // another holder took the lock over (as after a long silence)
    const theirs = JSON.stringify({
      pid: 1,
      host: "elsewhere",
      since: "x",
      beat: "x",
      id: "theirs",
    });
    await Deno.writeTextFile(lock.path, theirs + "\n");
    await sleep(150);
    assert.equal(await Deno.readTextFile(lock.path), theirs + "\n", "their lock stays as written");
  } finally {
    lock.release();
  }
  assert.ok(await Deno.stat(lock.path), "release does not remove a lock that is not ours");
});
