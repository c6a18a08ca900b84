/**
 * The decision rows a blockchain report reads, in bounded memory: `decisions.jsonl` is
 * streamed once to count its logged rounds; a run of up to {@linkcode REPORT_ROUNDS} logged
 * rounds is read as it is, a longer one through a sample written to a temporary copy of the
 * run directory (every `stride`-th round with the round before it, so the stage regret of the
 * sampled rounds is known, and the last two rounds). The report then says its figures and
 * charts cover the sample; `summary.json` keeps the exact figures of every round.
 *
 * @module
 */
import { basename, join } from "node:path";
import { readLines, streamJsonl } from "../../core/run_log.ts";
import { BlockchainDecisionSchema } from "./decision_row.ts";

/** Logged rounds a report reads in full; a longer run's report reads about this many. */
export const REPORT_ROUNDS = 1000;

/** Where the report's rows are, and how they were sampled. */
export interface ReportRows {
  /** The directory to load the rows from: the run's, or a sampled copy. */
  dir: string;
  /** Rounds logged in the run. */
  logged: number;
  /** The sample, when the run logged more than {@linkcode REPORT_ROUNDS} rounds. */
  sample: { stride: number; rounds: number } | null;
  /** Removes the sampled copy (nothing to do without one). */
  cleanup(): Promise<void>;
}

/** The logged rounds of a `decisions.jsonl`: how many, and the highest. */
async function countRounds(path: string): Promise<{ logged: number; last: number }> {
  let logged = 0, last = 0;
  for await (const r of streamJsonl(path, BlockchainDecisionSchema)) {
    if (r.round !== last) logged++;
    last = r.round;
  }
  return { logged, last };
}

/** `true` when round `r` is in the sample of stride `s` ending at round `last`. */
const kept = (r: number, s: number, last: number) =>
  r % s === 0 || (r + 1) % s === 0 || r >= last - 1;

/**
 * The rows of the run in `runDir` for its report: the run's own directory, or a sampled copy.
 *
 * @param runDir The run directory.
 * @param maxRounds Logged rounds read in full. @default {REPORT_ROUNDS}
 * @returns Where to load the rows from and how they were sampled; call `cleanup` after.
 */
export async function reportRows(runDir: string, maxRounds = REPORT_ROUNDS): Promise<ReportRows> {
  const path = join(runDir, "decisions.jsonl");
  const { logged, last } = await countRounds(path);
  const none = async () => {};
  if (logged <= maxRounds) return { dir: runDir, logged, sample: null, cleanup: none };
  const stride = Math.ceil(logged / (maxRounds / 2));
  const parent = await Deno.makeTempDir({ prefix: "lab-bc-report-" });
  const dir = join(parent, basename(runDir));
  await Deno.mkdir(dir);
  await Deno.copyFile(join(runDir, "config.json"), join(dir, "config.json"));
  const file = await Deno.open(join(dir, "decisions.jsonl"), { write: true, create: true });
  const writer = file.writable.getWriter();
  const enc = new TextEncoder();
  const rounds = new Set<number>();
  try {
    // the lines as written (validated by the count above), not re-serialised
    for await (const l of readLines(path)) {
      if (!l.text) continue;
      const round = (JSON.parse(l.text) as { round: number }).round;
      if (!kept(round, stride, last)) continue;
      rounds.add(round);
      await writer.write(enc.encode(l.text + "\n"));
    }
  } finally {
    await writer.close();
  }
  return {
    dir,
    logged,
    sample: { stride, rounds: rounds.size },
    cleanup: () => Deno.remove(parent, { recursive: true }).catch(() => {}),
  };
}
