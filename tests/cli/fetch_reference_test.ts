/**
 * `deno task fetch-reference` against a local mirror of the authors' repository (a
 * `Deno.serve` on 127.0.0.1 serving the reference files under their repository paths):
 * every file arrives with its manifest sum, a second run downloads nothing, and a corrupted
 * file fails the SHA-256 check with one line and exit code 2, writing nothing. The first
 * tests always run, on a synthetic manifest of generated files; the same checks on the real
 * manifest run only where the reference data is present (else they count as ignored).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findReference } from "../../lib/core/reference.ts";
import {
  fetchReference,
  fetchReferenceMain,
  REFERENCE_MANIFEST,
  type ReferenceManifest,
  sha256Hex,
} from "../../lib/cli/fetch_reference.ts";
import { captureConsole, listFiles } from "../support/cli.ts";

const SCRIPT = new URL("../../lib/cli/fetch_reference.ts", import.meta.url).pathname;
const source = findReference("delegation");

/** Serves the reference files under their repository paths; `corrupt` flips one byte. */
function mirror(root: string, corrupt?: string) {
  const byPath = new Map(REFERENCE_MANIFEST.files.map((f) => [f.path, f.dest]));
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    requests++;
    const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/pinned\//, "");
    const dest = byPath.get(path);
    if (!dest) return new Response("not found", { status: 404 });
    const bytes = await Deno.readFile(join(root, dest));
    if (path === corrupt) bytes[10] ^= 1;
    return new Response(bytes);
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/pinned`,
    requests: () => requests,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

async function runScript(args: string[], env: Record<string, string> = {}) {
  const p = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: p.code, out: text(p.stdout), err: text(p.stderr) };
}

/** A few generated files, their manifest (with their sums) and a mirror serving them. */
async function syntheticMirror(corrupt?: string) {
  const contents = new Map<string, Uint8Array>();
  const files = [];
  for (const [i, path] of ["a/first.jsonl", "a/second.jsonl", "third.csv"].entries()) {
    const bytes = new TextEncoder().encode(
      Array.from({ length: 50 + i * 7 }, (_, k) => `{"file": ${i}, "row": ${k}}`).join("\n"),
    );
    contents.set(path, bytes);
    files.push({
      path,
      dest: `synthetic/${path.replace("/", "_")}`,
      sha256: await sha256Hex(bytes),
    });
  }
  const manifest: ReferenceManifest = {
    repository: "example/synthetic",
    commit: "0".repeat(40),
    files,
  };
  const requested: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/pinned\//, "");
    requested.push(path);
    const bytes = contents.get(path);
    if (!bytes) return new Response("not found", { status: 404 });
    const body = bytes.slice();
    if (path === corrupt) body[10] ^= 1;
    return new Response(body);
  });
  return {
    manifest,
    baseUrl: `http://127.0.0.1:${server.addr.port}/pinned`,
    requested,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("fetch-reference (synthetic manifest): every file arrives with its sum; a second run downloads nothing", async () => {
  const out = await Deno.makeTempDir({ prefix: "lab-fetch-syn-" });
  await using server = await syntheticMirror();
  try {
    const first = await captureConsole(() =>
      fetchReferenceMain(["--base-url", server.baseUrl, "--out", out], server.manifest)
    );
    assert.equal(first.code, 0, first.err);
    assert.equal(first.err, "");
    assert.match(first.out, /3 downloaded, 0 already there/);
    for (const f of server.manifest.files) {
      assert.equal(await sha256Hex(await Deno.readFile(join(out, f.dest))), f.sha256, f.dest);
    }
    assert.equal(server.requested.length, 3);
    const again = await captureConsole(() =>
      fetchReferenceMain(["--base-url", server.baseUrl, "--out", out], server.manifest)
    );
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /0 downloaded, 3 already there/);
    assert.equal(server.requested.length, 3, "nothing downloaded again");
    // a file changed on disk is fetched again; --force fetches every file
    await Deno.writeTextFile(join(out, server.manifest.files[1].dest), "tampered");
    assert.deepEqual(
      await fetchReference({ out, baseUrl: server.baseUrl, manifest: server.manifest }),
      { downloaded: 1, present: 2 },
    );
    assert.deepEqual(
      await fetchReference({
        out,
        baseUrl: server.baseUrl,
        manifest: server.manifest,
        force: true,
      }),
      { downloaded: 3, present: 0 },
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("fetch-reference (synthetic manifest): a corrupted file fails the sha256 check with one line, exit 2, writing nothing", async () => {
  const out = await Deno.makeTempDir({ prefix: "lab-fetch-syn-bad-" });
  await using server = await syntheticMirror("a/second.jsonl");
  try {
    const r = await captureConsole(() =>
      fetchReferenceMain(["--base-url", server.baseUrl, "--out", out], server.manifest)
    );
    assert.equal(r.code, 2, r.err);
    const lines = r.err.split("\n");
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0], /^error: fetch-reference: sha256 mismatch for a\/second\.jsonl /);
    assert.match(lines[0], /expected [0-9a-f]{64}, got [0-9a-f]{64}$/);
    const written = (await listFiles(out)).map((p) => p.slice(out.length + 1)).sort();
    assert.deepEqual(written, ["synthetic/a_first.jsonl"], "only the file checked before it");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test({
  name: "fetch-reference: every file arrives with its sum; a second run downloads nothing",
  ignore: source === null,
}, async () => {
  const root = join(source!, "..");
  const out = await Deno.makeTempDir({ prefix: "lab-fetch-ref-" });
  await using server = mirror(root);
  try {
    const first = await runScript(["--out", out], { LAB_REFERENCE_BASE_URL: server.baseUrl });
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /12 downloaded, 0 already there/);
    for (const f of REFERENCE_MANIFEST.files) {
      assert.equal(await sha256Hex(await Deno.readFile(join(out, f.dest))), f.sha256, f.dest);
    }
    const before = server.requests();
    const again = await fetchReference({ out, baseUrl: server.baseUrl });
    assert.deepEqual(again, { downloaded: 0, present: 12 });
    assert.equal(server.requests(), before, "nothing downloaded again");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test({
  name: "fetch-reference: a corrupted file fails the sha256 check with one line, exit 2",
  ignore: source === null,
}, async () => {
  const root = join(source!, "..");
  const out = await Deno.makeTempDir({ prefix: "lab-fetch-ref-bad-" });
  const bad = "test_result/o1_test_result.jsonl";
  await using server = mirror(root, bad);
  try {
    const r = await runScript(["--base-url", server.baseUrl, "--out", out]);
    assert.equal(r.code, 2, r.err);
    const lines = r.err.trim().split("\n");
    assert.equal(lines.length, 1, r.err);
    assert.match(
      lines[0],
      /^error: fetch-reference: sha256 mismatch for test_result\/o1_test_result\.jsonl /,
    );
    assert.match(lines[0], /expected [0-9a-f]{64}, got [0-9a-f]{64}$/);
    const written = [];
    for await (const e of Deno.readDir(join(out, "delegation"))) written.push(e.name);
    assert.ok(!written.some((n) => n.startsWith("o1_test_result")), "the bad file is not kept");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("fetch-reference: a missing file on the server is a failed download (exit 1)", async () => {
  const out = await Deno.makeTempDir({ prefix: "lab-fetch-ref-404-" });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("gone", { status: 404 }),
  );
  try {
    const r = await runScript(["--base-url", `http://127.0.0.1:${server.addr.port}`, "--out", out]);
    assert.equal(r.code, 1, r.err);
    assert.match(
      r.err.trim(),
      /^error: fetch-reference: cannot download http:\/\/127\.0\.0\.1:\d+\/\S+: HTTP 404$/,
    );
  } finally {
    await server.shutdown();
    await Deno.remove(out, { recursive: true });
  }
});
