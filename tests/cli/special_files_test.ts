/**
 * File flags (`--config`, `--agents`, `--sweep`) refuse at once what is not a regular file
 * (a FIFO, a character device such as `/dev/zero`, a directory) and files over 16 MiB: one
 * line naming the flag, exit 2, nothing read. The reader itself (`readInputText`) is checked
 * too. The FIFO and `/dev/zero` cases run the CLI in a child process, killed by a watchdog if
 * it ever blocks (it must not: the test then fails on the exit status, not on a time).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  checkInputFile,
  ConfigError,
  MAX_INPUT_FILE_BYTES,
  readInputText,
  readJsonFile,
} from "../../lib/core/config.ts";
import { checkFlagFile, readConfigFlag } from "../../lib/core/flags.ts";
import { runCli } from "../support/cli.ts";

const dir = await Deno.makeTempDir({ prefix: "lab-special-" });
const MAIN = new URL("../../lib/cli/main.ts", import.meta.url).pathname;

async function fifo(name: string): Promise<string> {
  const path = join(dir, name);
  const r = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.ok(r.success, "mkfifo failed");
  return path;
}

/** A sparse file of `size` bytes (no disk used). */
async function sparse(name: string, size: number): Promise<string> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, "");
  await Deno.truncate(path, size);
  return path;
}

/** Runs the CLI in a child process; a watchdog kills it after a minute (it should be instant). */
async function child(argv: string[]): Promise<{ code: number; err: string; killed: boolean }> {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...argv, "--no-report"],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let killed = false;
  const watchdog = setTimeout(() => {
    killed = true;
    proc.kill("SIGKILL");
  }, 60_000);
  try {
    const out = await proc.output();
    return { code: out.code, err: new TextDecoder().decode(out.stderr).trim(), killed };
  } finally {
    clearTimeout(watchdog);
  }
}

Deno.test("checkInputFile / readInputText: regular files only, at most 16 MiB", async () => {
  const ok = join(dir, "ok.json");
  await Deno.writeTextFile(ok, '{"rounds": 5}');
  assert.equal(await readInputText(ok), '{"rounds": 5}');
  assert.deepEqual(await readJsonFile(ok), { rounds: 5 });
  const refused: [string, RegExp][] = [
    ["/dev/zero", /^\/dev\/zero: not a regular file \(a character device\)$/],
    ["/dev/null", /^\/dev\/null: not a regular file \(a character device\)$/],
    [await fifo("reader.fifo"), /reader\.fifo: not a regular file \(a FIFO\)$/],
    [dir, /: is a directory$/],
    [join(dir, "missing.json"), /missing\.json: file not found$/],
    [
      await sparse("big.json", MAX_INPUT_FILE_BYTES + 1),
      /big\.json: larger than 16 MiB \(16777217 bytes\)$/,
    ],
  ];
  const isConfigError = (message: RegExp) => (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, message);
    return true;
  };
  for (const [path, message] of refused) {
    await assert.rejects(() => checkInputFile(path), isConfigError(message));
    await assert.rejects(() => readJsonFile(path), isConfigError(message));
  }
  // exactly the limit is accepted; a smaller limit is honoured
  const atLimit = await sparse("limit.json", MAX_INPUT_FILE_BYTES);
  assert.equal(await checkInputFile(atLimit), MAX_INPUT_FILE_BYTES);
  await assert.rejects(() => readInputText(ok, 4), /ok\.json: larger than 4 bytes/);
});

Deno.test("checkFlagFile and readConfigFlag name the flag", async () => {
  await assert.rejects(
    () => checkFlagFile("--agents", "/dev/zero"),
    /^ConfigError: --agents: \/dev\/zero: not a regular file \(a character device\)$/,
  );
  await assert.rejects(
    () => readConfigFlag("/dev/zero"),
    /^ConfigError: --config: \/dev\/zero: not a regular file \(a character device\)$/,
  );
  const big = await sparse("big-config.json", 17 * 1024 * 1024);
  await assert.rejects(
    () => readConfigFlag(big),
    /^ConfigError: --config: .*big-config\.json: larger than 16 MiB/,
  );
});

Deno.test("deno task run: special or huge files as file flags are one line naming the flag, exit 2", async () => {
  const big = await sparse("big-agents.json", 20 * 1024 * 1024);
  const cases: [string[], RegExp][] = [
    [["ipd", "--config", dir], /^error: --config: .*: is a directory$/],
    [["ipd", "--agents", "/dev/zero"], /^error: --agents: \/dev\/zero: not a regular file/],
    [["ipd", "--agents", dir], /^error: --agents: .*: is a directory$/],
    [["ipd", "--agents", big], /^error: --agents: .*big-agents\.json: larger than 16 MiB/],
    [["--sweep", dir, "--seeds", "0..1"], /^error: --sweep: .*: is a directory$/],
    [["--sweep", "/dev/zero", "--seeds", "0..1"], /^error: --sweep: \/dev\/zero: not a regular/],
    [["--sweep", await fifo("grid.fifo"), "--seeds", "0..1"], /^error: --sweep: .*a FIFO\)$/],
  ];
  for (const [argv, message] of cases) {
    const r = await runCli([...argv, "--no-report"]);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
    assert.equal(r.err.split("\n").length, 1, r.err);
    assert.match(r.err, message);
  }
});

Deno.test("deno task run --config /dev/zero and a FIFO: refused at once (child process)", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["ipd", "--config", "/dev/zero"],
      /^error: --config: \/dev\/zero: not a regular file \(a character device\)$/,
    ],
    [
      ["ipd", "--config", await fifo("config.fifo")],
      /^error: --config: .*config\.fifo: not a regular file \(a FIFO\)$/,
    ],
    [
      ["ipd", "--agents", await fifo("agents.fifo")],
      /^error: --agents: .*agents\.fifo: not a regular file \(a FIFO\)$/,
    ],
  ];
  for (const [argv, message] of cases) {
    const r = await child(argv);
    assert.equal(r.killed, false, `${argv.join(" ")} blocked`);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, message);
  }
});
