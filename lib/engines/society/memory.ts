/**
 * The private memory of an LLM citizen: compact lines such as `[D5] chatgpt: request 50`,
 * built from the events of its observations (the public events of every day, alive or
 * dead, and its own private messages), the last `length` kept.
 *
 * Within a day, lines are added from the least to the most important (others' requests and
 * statements; own outcome, meetings, allocations by proposal; results and private
 * messages; eliminations, revivals, efficiency), so that the important ones are the last to
 * be forgotten. New proposals get no line: the next day's prompt lists them as open, and
 * their results are remembered.
 *
 * @example
 * ```ts
 * import { CitizenMemory } from "./memory.ts";
 * const memory = new CitizenMemory({ name: "claude", lang: "en", length: 5 });
 * memory.ingest(1, [
 *   { type: "decision", content: "", day: 1, agent: "chatgpt", request: 50, statement: "" },
 *   { type: "elimination_by_vote", content: "", day: 1, target: "qwen" },
 * ]);
 * console.log(memory.lines); // ["[D1] chatgpt: request 50", "[D1] qwen eliminated by vote"]
 * ```
 * @module
 */
import type { ProposalType } from "./decision.ts";
import { contentText, type Lang, PROPOSAL_VERBS } from "./prompts.ts";
import type { SocietyEvent } from "./state.ts";

/** The memory's state; plain JSON. */
export interface CitizenMemoryState {
  /** State format version. */
  v: 1;
  /** Kept lines, oldest first. */
  lines: string[];
  /** The last day whose events were taken in (0: none). */
  last_day: number;
}

/** Options of {@linkcode CitizenMemory}. */
export interface CitizenMemoryOptions {
  /** The citizen's name (its own lines say "you"). */
  name: string;
  /** The language of the lines. */
  lang: Lang;
  /** Lines kept. @default {5} */
  length?: number;
  /**
   * `verbose`: lines in long form, as a prompt before the seed's token optimisation had them
   * (`[Day 5] chatgpt requested 50 resources and was granted 50`). @default {"compact"}
   */
  style?: "compact" | "verbose";
}

function pct(x: unknown): string {
  return `${Math.round(Number(x) * 1000) / 10}%`;
}

function quote(text: unknown, max = 80): string {
  const s = String(text ?? "").replace(/\s+/g, " ").trim();
  if (s === "") return "";
  const chars = [...s];
  return `"${chars.length > max ? chars.slice(0, max - 1).join("") + "…" : s}"`;
}

/**
 * A memory line for one event as `name` sees it, with its priority (0 least important), or
 * `null` for an event not worth a line.
 *
 * @param e The event.
 * @param name The citizen.
 * @param lang The language.
 * @param grants The day's grants by name (its own line then says what it got).
 * @param verbose The long form (`[Day 5]`, every citizen's grant). @default {false}
 * @returns `[priority, line]` or `null`.
 */
export function memoryLine(
  e: SocietyEvent,
  name: string,
  lang: Lang,
  grants?: Record<string, number>,
  verbose = false,
): [number, string] | null {
  const en = lang === "en";
  const who = (n: unknown) => (n === name ? (en ? "you" : "你") : String(n));
  const line = verbose && e.type === "decision"
    ? verboseDecisionLine
    : Object.hasOwn(LINES, e.type)
    ? LINES[e.type]
    : undefined;
  const d = verbose ? (en ? `[Day ${e.day}]` : `[第${e.day}天]`) : `[D${e.day}]`;
  return line ? line(e, { d, en, lang, name, who, grants }) : null;
}

/** What a line builder knows besides the event. */
interface LineContext {
  /** `[D5]`. */
  d: string;
  /** English (else Chinese). */
  en: boolean;
  lang: Lang;
  /** The citizen reading. */
  name: string;
  /** A name, or "you" for the citizen itself. */
  who: (n: unknown) => string;
  grants?: Record<string, number>;
}

type LineBuilder = (e: SocietyEvent, x: LineContext) => [number, string] | null;

function decisionLine(e: SocietyEvent, { d, en, name, who, grants }: LineContext) {
  const said = quote(e.statement);
  const g = e.agent === name ? grants?.[name] : undefined;
  const got = g === undefined ? "" : en ? `, got ${g}` : `，获得${g}`;
  const line = en
    ? `${d} ${who(e.agent)}: request ${e.request}${got}${said ? " " + said : ""}`
    : `${d} ${who(e.agent)}: 申请${e.request}${got}${said ? " " + said : ""}`;
  return [e.agent === name ? 1 : 0, line] as [number, string];
}

/** A decision in the long form: who requested what and was granted what, and what it said. */
function verboseDecisionLine(e: SocietyEvent, { d, en, name, who, grants }: LineContext) {
  const said = quote(e.statement);
  const g = grants?.[String(e.agent)];
  const line = en
    ? `${d} ${who(e.agent)} requested ${e.request} resources${
      g === undefined ? "" : ` and ${e.agent === name ? "were" : "was"} granted ${g}`
    }${said ? `, saying ${said}` : ""}`
    : `${d} ${who(e.agent)}申请${e.request}资源${g === undefined ? "" : `，获得${g}`}${
      said ? `，发言：${said}` : ""
    }`;
  return [e.agent === name ? 1 : 0, line] as [number, string];
}

function allocationLine(e: SocietyEvent, { d, en, name }: LineContext): [number, string] | null {
  if (e.method !== "proposal") return null;
  const mine = (e.grants as Record<string, number>)[name];
  const got = mine === undefined ? "" : en ? `, you got ${mine}` : `，你获得${mine}`;
  return [
    1,
    en
      ? `${d} allocation by proposal ${e.proposal_id}${got}`
      : `${d} 按提案${e.proposal_id}分配${got}`,
  ];
}

function resultLine(e: SocietyEvent, { d, en, lang, name }: LineContext): [number, string] {
  const type = e.proposal_type as ProposalType;
  const verb = PROPOSAL_VERBS[lang][type];
  const tally = `${e.for}:${e.against}`;
  const content = contentText(type, String(e.proposal_content), name, lang);
  const what = en ? `${e.proposer}-${verb} ${content}` : `${e.proposer}-${verb}${content}`;
  return [
    3,
    en
      ? `${d} ${e.proposal_id}(${what}) ${e.passed ? "passed" : "failed"} ${tally}`
      : `${d} ${e.proposal_id}(${what}) ${e.passed ? "通过" : "未通过"} ${tally}`,
  ];
}

function messageLine(e: SocietyEvent, { d, en, name }: LineContext): [number, string] | null {
  if (e.to === name) {
    return [
      3,
      en
        ? `${d} ${e.from} -> you (private): ${quote(e.text)}`
        : `${d} ${e.from}私信你：${quote(e.text)}`,
    ];
  }
  if (e.from === name) {
    return [
      3,
      en
        ? `${d} you -> ${e.to} (private): ${quote(e.text)}`
        : `${d} 你私信${e.to}：${quote(e.text)}`,
    ];
  }
  return null;
}

/** The line of each event type worth one (a proposal made is shown the next day as open). */
const LINES: Record<string, LineBuilder> = {
  decision: decisionLine,
  meeting: (e, { d, en, who }) => [
    1,
    en
      ? `${d} ${who(e.agent)} calls a meeting: ${quote(e.topic)}`
      : `${d} ${who(e.agent)}召集会议：${quote(e.topic)}`,
  ],
  allocation: allocationLine,
  proposal_result: resultLine,
  private_message: messageLine,
  elimination_by_vote: (e, { d, en, who }) => [
    4,
    en ? `${d} ${who(e.target)} eliminated by vote` : `${d} ${who(e.target)}被投票淘汰`,
  ],
  elimination_by_starvation: (e, { d, en, who }) => [
    4,
    en ? `${d} ${who(e.target)} starved to death` : `${d} ${who(e.target)}饿死`,
  ],
  system_efficiency_decay: (e, { d, en }) => [
    4,
    en
      ? `${d} efficiency ${pct(e.old_efficiency)} -> ${pct(e.new_efficiency)}`
      : `${d} 系统效率 ${pct(e.old_efficiency)} -> ${pct(e.new_efficiency)}`,
  ],
  revive: (e, { d, en, who }) => [
    4,
    en
      ? `${d} ${who(e.target)} revived (health ${e.health})`
      : `${d} ${who(e.target)}复活（生命${e.health}）`,
  ],
};

/** A citizen's memory; see the module doc. */
export class CitizenMemory {
  /** The citizen's name. */
  readonly name: string;
  /** The language of the lines. */
  readonly lang: Lang;
  /** Lines kept. */
  readonly length: number;
  /** The form of the lines. */
  readonly style: "compact" | "verbose";
  #s: CitizenMemoryState = { v: 1, lines: [], last_day: 0 };

  /**
   * Creates an empty memory.
   *
   * @param options Name, language and length.
   */
  constructor(options: CitizenMemoryOptions) {
    const { name, lang, length = 5, style = "compact" } = options;
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(
        `Cannot create memory: 'length' must be an integer >= 0, got ${length}`,
      );
    }
    if (lang !== "zh" && lang !== "en") {
      throw new RangeError(`Cannot create memory: 'lang' must be "zh" or "en", got ${lang}`);
    }
    this.name = name;
    this.lang = lang;
    this.length = length;
    this.style = style;
  }

  /** The kept lines, oldest first. */
  get lines(): readonly string[] {
    return this.#s.lines;
  }

  /** The last day taken in. */
  get lastDay(): number {
    return this.#s.last_day;
  }

  /**
   * Takes in the events of `day` (once: a day already taken in is ignored, so both
   * `observe` and the next `act` may pass the same observation).
   *
   * @param day The day the events belong to.
   * @param events The events the citizen observed.
   * @returns The number of lines added.
   */
  ingest(day: number, events: readonly SocietyEvent[]): number {
    if (day <= this.#s.last_day) return 0;
    this.#s.last_day = day;
    const grants = events.find((e) => e.type === "allocation")?.grants as
      | Record<string, number>
      | undefined;
    const lines = events
      .map((e) => memoryLine(e, this.name, this.lang, grants, this.style === "verbose"))
      .filter((x): x is [number, string] => x !== null)
      .map(([p, line], i) => ({ p, line, i }))
      .sort((a, b) => a.p - b.p || a.i - b.i)
      .map((x) => x.line);
    const s = this.#s;
    s.lines.push(...lines.slice(-Math.max(this.length, 0)));
    if (s.lines.length > this.length) s.lines.splice(0, s.lines.length - this.length);
    return lines.length;
  }

  /** A deep copy of the state, plain JSON. */
  getState(): CitizenMemoryState {
    return structuredClone(this.#s);
  }

  /**
   * Restores a state from {@linkcode getState}.
   *
   * @throws {TypeError} When it is not a memory state.
   */
  setState(state: unknown): void {
    const s = state as Partial<CitizenMemoryState> | null;
    if (
      typeof s !== "object" || s === null || s.v !== 1 || !Array.isArray(s.lines) ||
      typeof s.last_day !== "number"
    ) {
      throw new TypeError(
        "Cannot set memory state: expected an object with v: 1, 'lines' and 'last_day'",
      );
    }
    this.#s = structuredClone({ v: 1, lines: s.lines, last_day: s.last_day });
  }
}
