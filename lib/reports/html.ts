/**
 * The page shell of the report renderer (`render_document.ts`): escaping and a
 * self-contained page (inline CSS, no external resources); and the texts every run report
 * shares: the validity banner and the provenance line.
 *
 * @module
 */

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** A complete self-contained HTML page. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px;display:block;max-width:100%;overflow-x:auto}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f3f3f3}code,pre{background:#f6f6f6;padding:2px 4px}blockquote{border-left:3px solid #ccc;margin:0;padding-left:1em;color:#555}
.verdict{display:inline-block;padding:2px 8px;border-radius:4px;font-weight:600}.yes{background:#d7f5dd}.no{background:#f5d7d7}
figure{margin:1em 0}figcaption{font-size:13px;color:#555}
.banner{padding:12px 16px;border-radius:6px;margin:1em 0}
.verdict.inconclusive{background:#fde2c8}
details{margin:.5em 0}summary{cursor:pointer;font-weight:600}details pre{max-height:20em;overflow:auto}
pre.prompt{background:#eef3fb}pre.reply{background:#f6f6f6}
.banner-bad{background:#b00020;color:#fff}.banner-warn{background:#fde2c8}.banner-good{background:#d7f5dd}.banner-info{background:#e8eef8}
tr.row-bad td{background:#fbe3e6}tr.row-warn td{background:#fdf0e0}tr.row-good td{background:#eaf8ed}
blockquote.note-bad{border-color:#b00020;color:#7a0016}blockquote.note-warn{border-color:#e39b4a}
.verdict.info{background:#e8eef8}table.sortable th{cursor:pointer}caption{caption-side:bottom;text-align:left;font-size:12px;color:#777}pre{white-space:pre-wrap}
</style></head><body>
${body}
</body></html>
`;
}

/** The `validity` block of a summary, as the reports read it. */
export interface ValidityView {
  /** Decisions made by LLM agents. */
  llm_decisions: number;
  /** Of those, decisions where the engine's fallback was played. */
  fallbacks: number;
  /** `fallbacks / llm_decisions`. */
  fallback_share: number;
  /** The largest share allowed before the verdicts become inconclusive. */
  max_fallback_share: number;
  /** `fallback_share <= max_fallback_share`; a run without LLM agents is valid. */
  valid: boolean;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The sentence that opens the report of an invalid run ("" for a valid one). */
export function validityText(v: ValidityView | undefined): string {
  if (!v || v.valid) return "";
  return `Not a finding: ${v.fallbacks} of ${v.llm_decisions} LLM decisions (${
    pct(v.fallback_share)
  }) could not be used and were replaced by the engine's fallback action, above the limit of ${
    pct(v.max_fallback_share)
  }. Every verdict of this run is inconclusive.`;
}

/**
 * The banners of a run's report: the red "Not a finding" of an invalid run, none for a valid
 * one (a `ReportDocument`'s `banners`).
 *
 * @param v The summary's `validity` block.
 * @returns Zero or one banner.
 *
 * @example
 * ```ts
 * import { validityBanners } from "./html.ts";
 * console.log(validityBanners({ llm_decisions: 4, fallbacks: 4, fallback_share: 1,
 *   max_fallback_share: 0.1, valid: false })[0].tone); // bad
 * ```
 */
export function validityBanners(
  v: ValidityView | undefined,
): { tone: "bad"; text: string }[] {
  const text = validityText(v);
  return text ? [{ tone: "bad", text }] : [];
}

/** The provenance line of a report: toolkit version and commit, Deno, key packages. */
export function provenanceText(provenance: unknown): string {
  if (!provenance || typeof provenance !== "object") return "";
  const p = provenance as {
    toolkit?: string;
    commit?: string | null;
    dirty?: boolean | null;
    deno?: string;
    packages?: Record<string, string>;
    prompts?: Record<string, string>;
  };
  const commit = p.commit
    ? `commit ${p.commit.slice(0, 12)}${p.dirty ? " (modified)" : ""}`
    : "no git checkout";
  const pk = p.packages ?? {};
  const sdks = ["openai", "@anthropic-ai/sdk", "nodejs-polars", "vega-lite"].filter((k) => pk[k])
    .map((k) => `${k} ${pk[k]}`).join(", ");
  const prompts = Object.entries(p.prompts ?? {}).map(([k, v]) => `${k} ${v}`).join(", ");
  return `LLM Game Lab ${p.toolkit ?? "?"}, ${commit}; Deno ${p.deno ?? "?"}; ${sdks}${
    prompts ? `; system prompt hashes: ${prompts}` : ""
  }.`;
}
