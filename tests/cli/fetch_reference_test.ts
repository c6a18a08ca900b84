/**
 * `deno task fetch-reference` against a local mirror of the authors' repository (a
 * `Deno.serve` on 127.0.0.1 serving the reference files under their repository paths):
 * every file arrives with its manifest sum, a second run downloads nothing, and a corrupted
 * file fails the SHA-256 check with one line and exit code 2, writing nothing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findReference } from "../../lib/core/reference.ts";
import { fetchReference, REFERENCE_MANIFEST, sha256Hex } from "../../lib/cli/fetch_reference.ts";

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
