/**
 * The report section on the LLM miners' opponent modelling: per miner, how many rival labels
 * it predicted, how many were right by the seed's label rule applied to the rival's actual
 * move that round, its accuracy, and the accuracy of repeating each rival's last label on
 * the same predictions. A miner that predicted no label reads "no predictions", never 0.
 *
 * @module
 */
import type { Block, DocSection } from "../../core/document.ts";
import {
  type LabelRow,
  RIVAL_LABEL_NOTE,
  type RivalLabelAccuracy,
  rivalLabelAccuracyOfRows,
} from "./label_accuracy.ts";

/** Per agent, its accuracy or `null`. */
export type LabelAccuracyByAgent = Record<string, RivalLabelAccuracy | null>;

const pct = (x: number | null) => x === null ? "–" : `${(100 * x).toFixed(1)}%`;

/**
 * The rival-label accuracy of the decision rows of a report's frame (`rival_labels` as JSON
 * text, as the loader gives it).
 *
 * @param records The frame's records (`round`, `agent`, `label`, `rival_labels`).
 * @returns Per agent, sorted by name.
 */
export function labelAccuracyOfRecords(
  records: readonly Record<string, unknown>[],
): LabelAccuracyByAgent {
  const rows: LabelRow[] = records.map((r) => {
    const raw = r.rival_labels;
    const labels = typeof raw === "string" ? JSON.parse(raw) : raw ?? null;
    return {
      round: Number(r.round),
      agent: String(r.agent),
      label: String(r.label),
      rival_labels: labels as Record<string, string> | null,
    };
  });
  return rivalLabelAccuracyOfRows(rows);
}

/** `true` for a summary's `rival_label_accuracy` record. */
export function isLabelAccuracy(x: unknown): x is LabelAccuracyByAgent {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  return Object.values(x).every((v) =>
    v === null ||
    (typeof v === "object" && typeof (v as RivalLabelAccuracy).predicted === "number" &&
      typeof (v as RivalLabelAccuracy).accuracy === "number")
  );
}

/**
 * The "Rival labels" section.
 *
 * @param accuracy Per agent, its accuracy or `null` (from the rows or the summary).
 * @param source Where the figures come from, said under the table, e.g. "the decision rows".
 * @returns The section.
 */
export function rivalLabelSection(accuracy: LabelAccuracyByAgent, source: string): DocSection {
  const entries = Object.entries(accuracy);
  const none = entries.every(([, a]) => a === null);
  const rows = entries.map(([agent, a]) =>
    a === null ? [agent, "no predictions", "", "", "", "", ""] : [
      agent,
      a.predicted,
      a.hits,
      pct(a.accuracy),
      a.compared ?? "",
      pct(a.compared_accuracy ?? null),
      pct(a.repeat_accuracy ?? null),
    ]
  );
  const blocks: Block[] = none
    ? [{
      text: "No miner predicted rival labels (scripted policies and replays do not, nor LLM " +
        "miners with prompt.rival_labels false): there is no accuracy to report.",
    }]
    : [
      {
        table: {
          header: [
            "agent",
            "labels predicted",
            "correct",
            "accuracy",
            "after a first move",
            "accuracy there",
            "repeat-last baseline there",
          ],
          rows,
        },
      },
      { text: `From ${source}.` },
    ];
  return { title: "Rival labels", blocks: [...blocks, { note: RIVAL_LABEL_NOTE }] };
}
