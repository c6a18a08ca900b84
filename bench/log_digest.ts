/**
 * `deno run -A bench/log_digest.ts [--mb N]`: the cost of the running digest a run log keeps
 * for its checkpoint marks: zlib's CRC-32 (what marks use) against the sha256 marks used
 * before, over N MB (default 240, about a million delegation rows) fed in 4 MiB chunks, as a
 * flush does. Prints the best and median of 5 passes of each.
 *
 * @module
 */
import { runningDigest } from "../lib/core/log_digest.ts";

const flag = Deno.args.indexOf("--mb");
const mb = flag >= 0 ? Number(Deno.args[flag + 1]) : 240;
const chunk = new Uint8Array(4 << 20);
for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + (i >> 7)) & 255;
const chunks = Math.max(1, Math.round(mb / 4));

for (const kind of ["crc32", "sha256"] as const) {
  const times: number[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const t = performance.now();
    const d = runningDigest(kind);
    for (let i = 0; i < chunks; i++) d.update(chunk);
    d.value();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${kind.padEnd(6)} ${chunks * 4} MB: best ${times[0].toFixed(1)} ms, median ${
      times[2].toFixed(1)
    } ms`,
  );
}
