/**
 * The running digest a checkpoint records of each log's bytes ({@linkcode LogMark}): zlib's
 * CRC-32 since marks were first written with one (`crc32`, 8 hex digits), the sha256 before
 * (`sha256`, 64 hex digits; still verified when an older run is resumed).
 *
 * CRC-32 detects damage (a cut, an edited value, a line removed, added or duplicated; with
 * the row and byte counts beside it), not a deliberate forgery: anyone who can edit a log can
 * recompute any digest, cryptographic or not. It costs about 5 ms for 240 MB where sha256
 * costs about 150 ms (`bench/log_digest.ts`), which a million-row run pays in full.
 *
 * @example
 * ```ts
 * import { markDigest, runningDigest } from "./log_digest.ts";
 * const d = runningDigest("crc32");
 * d.update(new TextEncoder().encode('{"v":1}\n'));
 * const mark = { rows: 1, bytes: 8, crc32: d.value() };
 * console.log(markDigest(mark)); // { kind: "crc32", value: "..." }
 * ```
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { LogMark } from "./records.ts";

/** The digests a mark can carry. */
export type DigestKind = "crc32" | "sha256";

/** The digest kind new marks use. */
export const MARK_DIGEST: DigestKind = "crc32";

/** A digest kept up to date as bytes are appended. */
export interface RunningDigest {
  /** Its kind. */
  readonly kind: DigestKind;
  /** Adds bytes. */
  update(bytes: Uint8Array): void;
  /** The digest of the bytes so far, hex (the digest goes on). */
  value(): string;
}

class Crc32Digest implements RunningDigest {
  readonly kind = "crc32" as const;
  #crc = 0;
  update(bytes: Uint8Array): void {
    this.#crc = crc32(bytes, this.#crc);
  }
  value(): string {
    return (this.#crc >>> 0).toString(16).padStart(8, "0");
  }
}

class Sha256Digest implements RunningDigest {
  readonly kind = "sha256" as const;
  #hash: Hash = createHash("sha256");
  update(bytes: Uint8Array): void {
    this.#hash.update(bytes);
  }
  value(): string {
    return this.#hash.copy().digest("hex");
  }
}

/** A new running digest of `kind`. */
export function runningDigest(kind: DigestKind = MARK_DIGEST): RunningDigest {
  return kind === "crc32" ? new Crc32Digest() : new Sha256Digest();
}

/** The digest a mark recorded, and its kind. */
export function markDigest(mark: LogMark): { kind: DigestKind; value: string } {
  return mark.crc32 !== undefined
    ? { kind: "crc32", value: mark.crc32 }
    : { kind: "sha256", value: mark.sha256 ?? "" };
}
