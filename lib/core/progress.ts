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
    const elapsed = this.#o.now() - this.#start;
    const parts = [label];
    if (total) {
      const frac = Math.min(1, this.#done / total);
      const width = 20;
      const fill = Math.round(frac * width);
      parts.push(`[${"#".repeat(fill)}${".".repeat(width - fill)}] ${this.#done}/${total}`);
    } else parts.push(`${this.#done}`);
    if (this.#extra.agents !== undefined) parts.push(`agents ${this.#extra.agents}`);
    parts.push(`elapsed ${formatDuration(elapsed)}`);
    if (total && this.#done > 0 && this.#done < total) {
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

  /** Ends the bar's line. */
  finish(): void {
    if (!this.#o.quiet && this.#tty) this.#write("\n");
  }

  #write(text: string) {
    const bytes = new TextEncoder().encode(text);
    let n = 0;
    while (n < bytes.length) n += this.#o.out.writeSync(bytes.subarray(n));
  }
}
