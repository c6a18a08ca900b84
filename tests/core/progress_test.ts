import assert from "node:assert/strict";
import { formatDuration, ProgressBar } from "../../lib/core/progress.ts";

function sink(tty: boolean) {
  const lines: string[] = [];
  return {
    lines,
    out: {
      isTerminal: () => tty,
      writeSync(p: Uint8Array) {
        lines.push(new TextDecoder().decode(p));
        return p.length;
      },
    },
  };
}

Deno.test("progress: the line shows rounds, agents, elapsed, ETA, tokens and cost", () => {
  let t = 0;
  const s = sink(true);
  const bar = new ProgressBar({ label: "run", total: 10, out: s.out, now: () => t });
  t = 4000;
  bar.update({ done: 4, agents: 3, tokens: 12345, usd: 0.0123 });
  assert.equal(
    bar.line(),
    "run  [########............] 4/10  agents 3  elapsed 4.0s  ETA 6.0s  tokens 12,345  $0.0123",
  );
  assert.ok(s.lines[0].startsWith("\r"));
});

Deno.test("progress: off a terminal it throttles lines and always prints the last", () => {
  let t = 0;
  const s = sink(false);
  const bar = new ProgressBar({ label: "run", total: 30, out: s.out, now: () => t });
  for (let i = 0; i <= 30; i++) {
    t = i * 100; // 3 s in all
    bar.update({ done: i });
  }
  assert.deepEqual(s.lines.map((l) => l.split("  ")[1]), [
    "[....................] 0/30",
    "[#############.......] 20/30", // the first at least 2 s after the previous line
    "[####################] 30/30",
  ]);
  const quiet = sink(false);
  new ProgressBar({ label: "q", total: 2, quiet: true, out: quiet.out }).update({ done: 2 });
  assert.equal(quiet.lines.length, 0);
  assert.equal(formatDuration(65_000), "1m05s");
});

Deno.test("progress: a run that stops early ends at its final count, with no stale ETA", () => {
  let t = 0;
  const s = sink(false);
  const bar = new ProgressBar({ label: "run", total: 200, out: s.out, now: () => t });
  for (let i = 0; i <= 50; i++) {
    t = i * 100;
    bar.update({ done: i });
  }
  // the last line printed (at 40, two seconds after 20) still shows an ETA
  assert.match(s.lines.at(-1)!, /40\/200 .*ETA/);
  t = 5200;
  bar.finish();
  const last = s.lines.at(-1)!;
  assert.match(last, /\] 50\/200 {2}elapsed 5\.2s\n$/);
  assert.doesNotMatch(last, /ETA/);
  bar.finish(); // idempotent
  assert.equal(s.lines.at(-1), last);
  assert.equal(s.lines.filter((l) => l.includes("50/200")).length, 1);
});

Deno.test("progress: finish takes the final figures a throttled caller never passed", () => {
  let t = 0;
  const tty = sink(true);
  const bar = new ProgressBar({ label: "run", total: 10, out: tty.out, now: () => t });
  bar.update({ done: 3 });
  t = 1000;
  bar.finish({ done: 10, tokens: 500 });
  assert.equal(
    tty.lines.at(-1),
    "\r\x1b[2Krun  [####################] 10/10  elapsed 1.0s  tokens 500\n",
  );
});

Deno.test("progress: a finished line is not printed twice off a terminal", () => {
  let t = 0;
  const s = sink(false);
  const bar = new ProgressBar({ label: "run", total: 2, out: s.out, now: () => t });
  bar.update({ done: 0 });
  t = 10;
  bar.update({ done: 2 }); // the last line, printed
  t = 20;
  bar.finish();
  assert.equal(s.lines.filter((l) => l.includes("2/2")).length, 1);
});
