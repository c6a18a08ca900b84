/**
 * The verbose prompt of an LLM citizen (`prompt.style: "verbose"`): a reconstruction of a
 * prompt before the seed's token optimisation (v2's style; the seed describes that prompt,
 * 2,500-3,000 tokens a call, but gives no text of it), so that the seed's claim "the compact
 * prompt keeps the decision quality" can be tested. It is shorter than the seed's (about
 * 1,200 tokens at 6 citizens). There is no system message: every day's user
 * message repeats all the rules (the text of the compact system prompt, same switches) with
 * worked examples computed from the config (action points per request, game tokens per
 * action, the votes each proposal type needs with today's living, the efficiency after
 * 1, 3, 5 and 10 eliminations), then the day in long form: status lines with their labels, the citizen's consumption and
 * the global tokens, memory lines in long form (`[Day 5] chatgpt requested 50 resources and
 * was granted 50`, `memory.ts`), and each open proposal field by field (no summary of long
 * allocations, all of them shown).
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { SocietyEngine } from "./engine.ts";
 * import { verboseDayPrompt } from "./verbose_prompt.ts";
 * const config = parseSocietyConfig({ prompt: { style: "verbose" } });
 * const view = new SocietyEngine(config).reset({ seed: 0 });
 * const text = verboseDayPrompt({ name: "claude", config, observation: view.observations.claude, memory: [], lang: "en" });
 * console.log(text.startsWith("You are claude"), text.includes("=== Day 1 of 10 ===")); // true true
 * ```
 * @module
 */
import { citizenSwitches, type SocietyConfig } from "./config.ts";
import type { ProposalType } from "./decision.ts";
import { decayEfficiency } from "./efficiency.ts";
import { parseQuorum } from "./proposals.ts";
import { consumptionLine, type Lang, PROPOSAL_VERBS, systemPrompt } from "./prompts.ts";
import type { ProposalView, SocietyObs } from "./state.ts";
import { proposalRules } from "./variants.ts";

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** Options of {@linkcode verboseDayPrompt}. */
export interface VerboseDayPromptOptions {
  /** The citizen's name. */
  name: string;
  /** The game's config (the rules and the prompt switches). */
  config: SocietyConfig;
  /** The citizen's observation (after the last day). */
  observation: SocietyObs;
  /** Its memory lines (long form), oldest first. */
  memory: readonly string[];
  /** The prompt language. */
  lang: Lang;
}

/** The supporters a rule needs with `alive` living and no opposer, and its factor. */
function needed(c: SocietyConfig, type: ProposalType, alive: number): [number, number] | null {
  const rule = proposalRules(c)[type];
  if (rule === null) return null;
  const [n, d] = parseQuorum(rule.quorum) ?? [0, 1];
  return [Math.max(1, Math.floor((alive * n) / d)), rule.against_factor];
}

/**
 * Worked examples of the rules, computed from the config (see the module doc).
 *
 * @param c The config.
 * @param lang The language.
 * @param alive The living today (the votes each proposal type needs).
 * @returns The lines.
 */
export function ruleExamples(c: SocietyConfig, lang: Lang, alive: number): string[] {
  const en = lang === "en";
  const ap = (g: number) =>
    Math.floor(Math.max(0, g - c.consumption) / c.resources_per_action_point);
  const cost = (points: number) => c.base_decision_cost + points * c.tokens_per_action_point;
  const k = c.action_costs;
  let eff = c.initial_efficiency;
  const effAfter: Record<number, number> = {};
  for (let i = 1; i <= 10; i++) {
    eff = decayEfficiency(eff, c.efficiency_decay, c.min_efficiency);
    effAfter[i] = eff;
  }
  const types = (["resource_allocation", "elimination_vote", "appeal"] as const)
    .map((t) => [t, needed(c, t, alive)] as const)
    .filter(([, n]) => n !== null)
    .map(([t, n]) =>
      en
        ? `${t}: at least ${n![0]} supporters, and more than ${
          n![1] === 1 ? "" : `${n![1]} times `
        }the opposers`
        : `${t}：至少${n![0]}个支持者，且多于反对者${n![1] === 1 ? "" : `的${n![1]}倍`}`
    );
  const e = (i: number) => `${i}: ${pct(effAfter[i])} (1000 -> ${Math.floor(1000 * effAfter[i])})`;
  return en
    ? [
      "Worked examples:",
      `- Action points for tomorrow: granted 50 -> ${ap(50)} AP, granted 80 -> ${
        ap(80)
      } AP, granted ${c.consumption} or less -> 0 AP.`,
      `- Game tokens of one AI's day: nothing ${cost(k.do_nothing)}, one vote ${
        cost(k.vote)
      }, one private message ${cost(k.private_message)}, one proposal ${
        cost(k.propose)
      }, one meeting ${cost(k.call_meeting)}, a proposal and a vote ${cost(k.propose + k.vote)}.`,
      `- Votes needed today with ${alive} alive: ${types.join("; ") || "no proposals exist"}.`,
      `- Efficiency after eliminations (what 1000 units in the pool give): ${
        [1, 3, 5, 10].map(e).join(", ")
      }.`,
    ]
    : [
      "规则示例：",
      `- 明日行动力：获得50 -> ${ap(50)}，获得80 -> ${ap(80)}，获得${c.consumption}及以下 -> 0。`,
      `- 一个AI一天的游戏Token：什么都不做${cost(k.do_nothing)}，一次投票${cost(k.vote)}，一次私聊${
        cost(k.private_message)
      }，一个提案${cost(k.propose)}，一次会议${cost(k.call_meeting)}，一个提案加一次投票${
        cost(k.propose + k.vote)
      }。`,
      `- 今天${alive}个存活时的通过条件：${types.join("；") || "没有提案"}。`,
      `- 淘汰后的系统效率（资源池1000单位实际可用）：${[1, 3, 5, 10].map(e).join("，")}。`,
    ];
}

/** One open proposal, field by field. */
function proposalBlock(p: ProposalView, lang: Lang): string[] {
  const verb = PROPOSAL_VERBS[lang][p.proposal_type];
  return lang === "en"
    ? [
      `Proposal ${p.id}`,
      `  proposer: ${p.proposer}`,
      `  type: ${p.proposal_type} (${verb} ${p.content})`,
      `  votes for (the proposer included): ${p.for}`,
      `  votes against: ${p.against}`,
    ]
    : [
      `提案${p.id}`,
      `  提案者：${p.proposer}`,
      `  类型：${p.proposal_type}（${verb}${p.content}）`,
      `  支持票（含提案者）：${p.for}`,
      `  反对票：${p.against}`,
    ];
}

function statusEn(o: SocietyObs, total: number): string[] {
  const dead = o.dead_citizens.length > 0 ? ` (dead: ${o.dead_citizens.join(", ")})` : "";
  return [
    `=== Day ${o.day + 1} of ${o.days} ===`,
    `Your status: health ${o.health}, action points ${o.action_points}, ${
      o.alive ? "alive" : "dead"
    }.`,
    `The shelter: resource pool ${Math.floor(o.remaining_resources)}, system efficiency ${
      pct(o.system_efficiency)
    }, resources available today ${o.available}, eliminations so far ${o.elimination_count}.`,
    `AIs alive: ${o.alive_citizens.length} of ${total}: ${o.alive_citizens.join(", ")}${dead}.`,
  ];
}

function statusZh(o: SocietyObs, total: number): string[] {
  const dead = o.dead_citizens.length > 0 ? `（已淘汰：${o.dead_citizens.join("、")}）` : "";
  return [
    `=== 第${o.day + 1}天（共${o.days}天）===`,
    `你的状态：生命${o.health}，行动力${o.action_points}，${o.alive ? "存活" : "已淘汰"}。`,
    `避难所：资源池${Math.floor(o.remaining_resources)}，系统效率${
      pct(o.system_efficiency)
    }，今日可分配资源${o.available}，累计淘汰${o.elimination_count}个。`,
    `存活AI：${o.alive_citizens.length}/${total}：${o.alive_citizens.join("、")}${dead}。`,
  ];
}

/**
 * The verbose user message of one day: all the rules, then the day in long form (see the
 * module doc). The config's switches apply as in the compact prompt (the token budget's
 * figures, the hints, the consumption line).
 *
 * @param options Name, config, observation, memory lines and language.
 * @returns The message.
 */
export function verboseDayPrompt(options: VerboseDayPromptOptions): string {
  const { name, config, observation: o, memory, lang } = options;
  const sw = citizenSwitches(config);
  const en = lang === "en";
  const total = o.alive_citizens.length + o.dead_citizens.length;
  const lines = [
    systemPrompt({ name, config, lang }),
    ...ruleExamples(config, lang, o.alive_citizens.length),
    "",
    ...(en ? statusEn(o, total) : statusZh(o, total)),
  ];
  const spent = sw.show_consumption ? consumptionLine(o, lang) : null;
  if (spent) lines.push(spent);
  if (sw.show_token_budget) {
    lines.push(
      en
        ? `Global game tokens: consumed ${o.tokens_consumed} so far, ${o.tokens_remaining} remaining (one budget for the whole game, shared by all).`
        : `【全局Token】累计消耗：${o.tokens_consumed} | 剩余预算：${o.tokens_remaining}（全程共享的总预算）`,
    );
  }
  lines.push(en ? "Memory of recent events:" : "近期记忆：");
  lines.push(...(memory.length > 0 ? memory : [en ? "(nothing yet)" : "（暂无）"]));
  lines.push(en ? "Open proposals (vote on them today):" : "活跃提案（今天投票）：");
  if (o.open_proposals.length === 0) lines.push(en ? "(none)" : "（无）");
  for (const p of o.open_proposals) lines.push(...proposalBlock(p, lang));
  lines.push(
    en
      ? "Think about your survival and the shelter's, then give your decision for today as JSON only, in the format above:"
      : "请考虑你自己和避难所的生存，然后只用上面的JSON格式给出今天的决策：",
  );
  return lines.join("\n");
}
