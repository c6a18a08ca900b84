/**
 * The Markdown table the bench scripts print: columns as wide as their widest cell, padded on
 * the right (`"left"`, text) or on the left (`"right"`, figures).
 *
 * @module
 */

/**
 * A Markdown table, one string per line.
 *
 * @param header The column names.
 * @param rows The cells (numbers printed with `String`).
 * @param align How cells are padded. @default {"left"}
 * @returns The lines: the header, the rule, the rows.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  align: "left" | "right" = "left",
): string[] {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const pad = (c: string, w: number) => align === "left" ? c.padEnd(w) : c.padStart(w);
  const line = (r: string[]) => `| ${r.map((c, i) => pad(c, widths[i])).join(" | ")} |`;
  return [
    line(cells[0]),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...cells.slice(1).map(line),
  ];
}
