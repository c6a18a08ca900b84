/**
 * A growable buffer of JSON lines as UTF-8 bytes: what a run log holds between flushes.
 * A line is written whole from a string, or piece by piece from bytes encoded once and
 * numbers, which is how a writer of millions of similar rows avoids building a string per
 * row (see `BuiltRun.decisionRowJson`). A line begun and not ended is dropped by the next
 * {@linkcode LineBuffer.begin}, so a writer that throws half-way leaves no torn line.
 *
 * @example
 * ```ts
 * import { LineBuffer } from "./line_buffer.ts";
 * const head = new TextEncoder().encode('{"round":');
 * const out = new LineBuffer();
 * out.begin();
 * out.bytes(head);
 * out.number(12);
 * out.text("}");
 * out.end();
 * console.log(out.lastLine()); // {"round":12}
 * console.log(out.lines, out.length); // 1 13
 * ```
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NEWLINE = 10;

/** Encoded JSON lines, each ended by a newline. */
export class LineBuffer {
  #buf: Uint8Array;
  #pos = 0;
  /** Where the last ended line ends (a line being written starts here). */
  #ended = 0;
  /** Where the last ended line starts. */
  #lastStart = 0;
  #lines = 0;

  /**
   * An empty buffer.
   *
   * @param capacity The bytes it holds before it first grows. @default {65536}
   */
  constructor(capacity = 1 << 16) {
    this.#buf = new Uint8Array(Math.max(16, capacity));
  }

  /** The bytes of the lines ended so far. */
  get length(): number {
    return this.#ended;
  }

  /** The lines ended so far. */
  get lines(): number {
    return this.#lines;
  }

  /** Starts a line, dropping a line begun and not ended. */
  begin(): void {
    this.#pos = this.#ended;
  }

  /** Appends bytes (already encoded, e.g. a row's repeated fields). */
  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  /** Appends a string as UTF-8. */
  text(s: string): void {
    const n = s.length;
    this.#room(n * 3);
    const buf = this.#buf;
    let pos = this.#pos;
    if (n > 64) {
      this.#pos = pos + encoder.encodeInto(s, buf.subarray(pos)).written;
      return;
    }
    // short strings: ASCII without a call out of JS
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.#pos = pos + encoder.encodeInto(s.slice(i), buf.subarray(pos)).written;
        return;
      }
      buf[pos++] = c;
    }
    this.#pos = pos;
  }

  /** Appends a number as `JSON.stringify` writes it (`null` when it is not finite). */
  number(x: number): void {
    if ((x | 0) !== x || x < 0) {
      this.text(Number.isFinite(x) ? String(x) : "null");
      return;
    }
    this.#room(10);
    const buf = this.#buf;
    let digits = 1;
    for (let m = x; m >= 10; m = (m / 10) | 0) digits++;
    let end = this.#pos + digits;
    this.#pos = end;
    do {
      buf[--end] = 48 + x % 10;
      x = (x / 10) | 0;
    } while (x > 0);
  }

  /** Ends the line begun: a newline is written and the line counted. */
  end(): void {
    this.#room(1);
    this.#buf[this.#pos++] = NEWLINE;
    this.#lastStart = this.#ended;
    this.#ended = this.#pos;
    this.#lines++;
  }

  /** Appends a whole line (`line` holds no newline). */
  line(line: string): void {
    this.begin();
    this.text(line);
    this.end();
  }

  /**
   * The last line ended, decoded, without its newline (`""` when none); call it right after
   * {@linkcode LineBuffer.end} (after {@linkcode LineBuffer.dropLast} it is not known).
   */
  lastLine(): string {
    if (this.#lastStart === this.#ended) return "";
    return decoder.decode(this.#buf.subarray(this.#lastStart, this.#ended - 1));
  }

  /**
   * Drops the last line ended (after it was found wrong); only that one: a second call, or a
   * call with no line ended since the buffer was cleared, drops nothing.
   */
  dropLast(): void {
    if (this.#lastStart === this.#ended) return;
    this.#pos = this.#ended = this.#lastStart;
    this.#lines--;
  }

  /** The bytes of the lines ended so far (a view: valid until the buffer changes). */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#ended);
  }

  /** Empties the buffer (its memory is kept for the next lines). */
  clear(): void {
    this.#pos =
      this.#ended =
      this.#lastStart =
      this.#lines =
        0;
  }

  /** Makes room for `n` more bytes at the write position. */
  #room(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    const grown = new Uint8Array(Math.max(need, this.#buf.length * 2));
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
  }
}
