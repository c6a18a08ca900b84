/**
 * A progress bar on stderr: rounds, agents, elapsed, ETA, tokens and cost. On a terminal it
 * redraws one line; otherwise (logs, CI) it prints the first line, then at most one line every
 * `intervalMs` at a new tenth of the work, and the last line.
 *
 * @example
 * ```ts
 * import { ProgressBar } from "./progress.ts";
 * const bar = new ProgressBar({ label: "ipd", total: 10, quiet: true });
 * bar.update({ done: 5 });
 * bar.finish();
 * ```
 * @module
 */

/** Options of {@linkcode ProgressBar}. */
export interface ProgressOptions {
  /** The text at the start of the line, e.g. `run ipd`. */
  label: string;
  /** The work to do; with it the bar shows a gauge and an ETA, without it only a count. */
  total?: number;
  /** Print nothing. @default {false} */
  quiet?: boolean;
  /** Where to write. @default {Deno.stderr} */
  out?: { writeSync(p: Uint8Array): number; isTerminal(): boolean };
  /** The clock, in milliseconds (tests pass a fake one). @default {performance.now} */
  now?: () => number;
  /** Least time between two lines when not on a terminal. @default {2000} */
  intervalMs?: number;
}

/** Formats milliseconds as `1m05s` or `4.2s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** A progress bar. */
export class ProgressBar {
  #o: Required<Omit<ProgressOptions, "total">> & { total?: number };
  #start: number;
  #lastDecile = -1;
  #lastPrint = -Infinity;
  #tty: boolean;
  #extra: { agents?: number; tokens?: number; usd?: number } = {};
  #done = 0;
  #printed: string | null = null;
  #finished = false;
  #end: number | null = null;

  /**
   * Starts the bar's clock (nothing is printed until the first `update`).
   *
   * @param options The label, the total and where to write.
   */
  constructor(options: ProgressOptions) {
    this.#o = {
      quiet: false,
      out: Deno.stderr,
      now: () => performance.now(),
      intervalMs: 2000,
      ...options,
    };
    this.#start = this.#o.now();
    this.#tty = this.#o.out.isTerminal();
  }

  /** The line that would be shown now. */
  line(): string {
    const { label, total } = this.#o;
    const elapsed = (this.#end ?? this.#o.now()) - this.#start;
    const parts = [label];
    if (total) {
      const frac = Math.min(1, this.#done / total);
      const width = 20;
      const fill = Math.round(frac * width);
      parts.push(`[${"#".repeat(fill)}${".".repeat(width - fill)}] ${this.#done}/${total}`);
    } else parts.push(`${this.#done}`);
    if (this.#extra.agents !== undefined) parts.push(`agents ${this.#extra.agents}`);
    parts.push(`elapsed ${formatDuration(elapsed)}`);
    if (total && this.#done > 0 && this.#done < total && this.#end === null) {
      parts.push(`ETA ${formatDuration((elapsed / this.#done) * (total - this.#done))}`);
    }
    if (this.#extra.tokens) parts.push(`tokens ${this.#extra.tokens.toLocaleString("en-US")}`);
    if (this.#extra.usd) parts.push(`$${this.#extra.usd.toFixed(4)}`);
    return parts.join("  ");
  }

  /** Sets the work done and optional figures, and redraws. */
  update(p: { done: number; agents?: number; tokens?: number; usd?: number }): void {
    this.#done = p.done;
    this.#extra = { agents: p.agents, tokens: p.tokens, usd: p.usd };
    if (this.#o.quiet) return;
    if (this.#tty) {
      this.#write(`\r\x1b[2K${this.line()}`);
    } else {
      const decile = this.#o.total ? Math.floor((10 * p.done) / this.#o.total) : p.done;
      const now = this.#o.now();
      const last = this.#o.total !== undefined && p.done >= this.#o.total;
      if (decile !== this.#lastDecile && (last || now - this.#lastPrint >= this.#o.intervalMs)) {
        this.#lastDecile = decile;
        this.#lastPrint = now;
        this.#write(this.line() + "\n");
      }
    }
  }

  /**
   * Ends the bar at its final count: the last line shows the work really done (the count of
   * `final`, else of the last update) and the time it took, with no ETA, whether or not the
   * total was reached; off a terminal it is printed unless that very line was the last one
   * printed. Calling it again does nothing.
   *
   * @param final The final figures, when the last ones were not passed to `update`.
   */
  finish(final?: { done: number; agents?: number; tokens?: number; usd?: number }): void {
    if (this.#finished) return;
    this.#finished = true;
    if (final) {
      this.#done = final.done;
      this.#extra = { agents: final.agents, tokens: final.tokens, usd: final.usd };
    }
    this.#end = this.#o.now();
    if (this.#o.quiet) return;
    if (this.#tty) {
      this.#write(`\r\x1b[2K${this.line()}\n`);
      return;
    }
    const line = this.line();
    if (this.#printed !== null && sameCount(this.#printed, line)) return;
    this.#write(line + "\n");
  }

  #write(text: string) {
    const redraw = "\r\x1b[2K";
    this.#printed = (text.startsWith(redraw) ? text.slice(redraw.length) : text).replace(/\n$/, "");
    const bytes = new TextEncoder().encode(text);
    let n = 0;
    while (n < bytes.length) n += this.#o.out.writeSync(bytes.subarray(n));
  }
}

/** `true` when two lines show the same figures and the first shows no ETA. */
function sameCount(a: string, b: string): boolean {
  const strip = (l: string) => l.split("  ").filter((p) => !p.startsWith("elapsed ")).join("  ");
  return !a.includes("  ETA ") && strip(a) === strip(b);
}
