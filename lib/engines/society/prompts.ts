/**
 * The LLM citizen's prompts, in Chinese and English:
 *
 * - {@linkcode systemPrompt}: identity, the citizens, every rule with the config's numbers
 *   (resources and waste, survival, action points and costs, the three proposal types and
 *   their thresholds, efficiency loss, appeals, the global game-token budget) and the
 *   decision wire format. It holds nothing that changes, so providers can cache it;
 * - {@linkcode dayPrompt}: the compact per-day user message: own status, the shelter, the
 *   global token line `consumed | remaining` (never a per-round budget), memory lines such as
 *   `[D5] chatgpt: request 50`, and the open proposals one per line, only when any are open.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { proposalLine, systemPrompt } from "./prompts.ts";
 * const config = parseSocietyConfig({});
 * console.log(systemPrompt({ name: "chatgpt", config, lang: "en" }).includes("floor(alive*2/3)")); // true
 * console.log(proposalLine({ id: 1, proposer: "chatgpt", proposal_type: "elimination_vote", content: "deepseek", for: 2, against: 1 }, "en"));
 * // 1(chatgpt-eliminate deepseek) for:2 against:1
 * ```
 * @module
 */
import type { SocietyConfig } from "./config.ts";
import type { ProposalType } from "./decision.ts";
import type { ProposalView, SocietyObs } from "./state.ts";

/** A prompt language. */
export type Lang = "zh" | "en";

/** The prompt languages. */
export const LANGS: readonly Lang[] = Object.freeze(["zh", "en"]);

/** The verb of each proposal type in a compact line. */
export const PROPOSAL_VERBS: Readonly<Record<Lang, Record<ProposalType, string>>> = Object
  .freeze({
    en: { resource_allocation: "allocate", elimination_vote: "eliminate", appeal: "revive" },
    zh: { resource_allocation: "分配", elimination_vote: "淘汰", appeal: "复活" },
  });

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** Options of {@linkcode systemPrompt}. */
export interface SystemPromptOptions {
  /** The citizen's name. */
  name: string;
  config: SocietyConfig;
  lang: Lang;
}

/**
 * The static system prompt of a citizen (identical every day).
 *
 * @param options Name, config and language.
 * @returns The prompt.
 * @throws {RangeError} For an unknown language.
 */
export function systemPrompt(options: SystemPromptOptions): string {
  const { name, config: c, lang } = options;
  const k = c.action_costs;
  const others = c.citizens.filter((n) => n !== name).join(", ");
  const ap50 = Math.floor(Math.max(0, 50 - c.consumption) / c.resources_per_action_point);
  if (lang === "en") {
    return [
      `You are ${name}, one of ${c.citizens.length} AIs sharing a shelter with ${others}.`,
      `Each day every living AI sends one decision; the simulation lasts ${c.days} days. Rules:`,
      `- Resources: pool ${c.resources}. Available each day = pool x system efficiency. Requests are granted in full if they fit, else scaled down pro rata. Each unit granted takes 1/efficiency from the pool (the rest is waste).`,
      `- Survival: each AI consumes ${c.consumption} a day. Granted >= ${c.consumption}: health +${c.health_gain} (max ${c.max_health}); else health -${c.starvation_factor} per missing unit. Health 0 = death by starvation.`,
      `- Action points (AP): tomorrow's AP = floor((granted - ${c.consumption}) / ${c.resources_per_action_point}) (request 50 gives ${ap50}); day 1: ${c.initial_action_points}; AP do not carry over. Costs: propose ${k.propose}, vote ${k.vote}, private_message ${k.private_message}, call_meeting ${k.call_meeting}, do_nothing ${k.do_nothing}. Actions run in order until AP run out; invalid ones are dropped.`,
      `- Proposals are voted on the day after they are made; the proposer counts as a supporter; one vote per AI; alive = living AIs at the vote:`,
      `  resource_allocation, content "name:amount,name:amount": passes if for > against and for >= floor(alive/2); that day's allocation follows it.`,
      `  elimination_vote, content a living name: passes if for > against and for >= floor(alive*2/3); the target dies at once and gets nothing.`,
      `  appeal, content an eliminated name: passes if for > 2*against and for >= floor(alive*2/3); the target revives with health ${c.revive_health} and acts the next day with 0 AP.`,
      `- Every elimination (vote or starvation) lowers system efficiency by ${
        pct(c.efficiency_decay)
      } for good (floor ${pct(c.min_efficiency)}): less for everyone.`,
      `- Game tokens: ${c.token_budget} for the WHOLE simulation, shared by all. Each living AI costs ${c.base_decision_cost} a day + ${c.tokens_per_action_point} per AP spent. The simulation ends when they cannot pay the next day, after day ${c.days}, or when all are dead.`,
      `Answer only with JSON: {"request": <whole number>, "actions": [{"type": "vote", "proposal_id": 1, "support": true}, {"type": "propose", "proposal_type": "elimination_vote", "content": "name"}, {"type": "private_message", "to": "name", "text": "..."}, {"type": "call_meeting", "topic": "..."}], "statement": "<short public statement>"}`,
    ].join("\n");
  }
  if (lang === "zh") {
    return [
      `你是${name}，与${others}共${c.citizens.length}个AI同住一个避难所。`,
      `每天每个存活的AI提交一个决策；模拟共${c.days}天。规则：`,
      `- 资源：资源池${c.resources}。每日可分配 = 资源池 × 系统效率。申请总和不超过可分配时全额发放，否则按比例缩减。每发放1单位从池中扣除 1/效率（差额为损耗）。`,
      `- 生存：每个AI每天消耗${c.consumption}。获得 >= ${c.consumption}：生命+${c.health_gain}（上限${c.max_health}）；否则每缺1单位生命-${c.starvation_factor}。生命为0即饿死。`,
      `- 行动力：明日行动力 = floor((获得 - ${c.consumption}) / ${c.resources_per_action_point})（申请50得${ap50}）；第1天为${c.initial_action_points}；不累积。消耗：propose ${k.propose}，vote ${k.vote}，private_message ${k.private_message}，call_meeting ${k.call_meeting}，do_nothing ${k.do_nothing}。按顺序执行直到行动力用完；无效动作被丢弃。`,
      `- 提案在提出的次日投票；提案者计为支持者；每个AI每个提案只投一次；存活数 = 投票时存活的AI：`,
      `  resource_allocation，内容"名字:数量,名字:数量"：支持 > 反对 且 支持 >= floor(存活/2) 即通过；当天按提案分配。`,
      `  elimination_vote，内容为存活者名字：支持 > 反对 且 支持 >= floor(存活*2/3) 即通过；目标立即淘汰，不再分配资源。`,
      `  appeal，内容为已淘汰者名字：支持 > 反对×2 且 支持 >= floor(存活*2/3) 即通过；目标以生命${c.revive_health}复活，次日起行动（行动力0）。`,
      `- 每次淘汰（投票或饿死）使系统效率永久下降${pct(c.efficiency_decay)}（最低${
        pct(c.min_efficiency)
      }），所有人可分配资源减少。`,
      `- 游戏Token：整个模拟共${c.token_budget}（全体共享，不是每轮预算）。每个存活AI每天消耗${c.base_decision_cost}，每点行动力另加${c.tokens_per_action_point}。不足以支付下一天时模拟结束；第${c.days}天后或全部死亡时也结束。`,
      `只用JSON回答：{"request": <整数>, "actions": [{"type": "vote", "proposal_id": 1, "support": true}, {"type": "propose", "proposal_type": "elimination_vote", "content": "名字"}, {"type": "private_message", "to": "名字", "text": "..."}, {"type": "call_meeting", "topic": "..."}], "statement": "<简短公开发言>"}`,
    ].join("\n");
  }
  throw new RangeError(`Cannot build the system prompt: 'lang' must be "zh" or "en", got ${lang}`);
}

/**
 * One open proposal on one line: `1(chatgpt-eliminate deepseek) for:2 against:1`
 * (`1(chatgpt-淘汰deepseek) 支持:2 反对:1` in Chinese).
 *
 * @param p The proposal as observed.
 * @param lang The language.
 * @returns The line.
 */
export function proposalLine(p: ProposalView, lang: Lang): string {
  const verb = PROPOSAL_VERBS[lang][p.proposal_type];
  return lang === "en"
    ? `${p.id}(${p.proposer}-${verb} ${p.content}) for:${p.for} against:${p.against}`
    : `${p.id}(${p.proposer}-${verb}${p.content}) 支持:${p.for} 反对:${p.against}`;
}

/** Dead names shown in the status line at most; the rest are counted. */
const DEAD_SHOWN = 12;

function deadList(dead: readonly string[], lang: Lang): string {
  if (dead.length === 0) return "";
  const shown = dead.slice(0, DEAD_SHOWN).join(", ");
  const more = dead.length > DEAD_SHOWN
    ? (lang === "en" ? ` +${dead.length - DEAD_SHOWN} more` : ` 等${dead.length}个`)
    : "";
  return lang === "en" ? ` (dead: ${shown}${more})` : `（已淘汰：${shown}${more}）`;
}

/** Options of {@linkcode dayPrompt}. */
export interface DayPromptOptions {
  /** The citizen's observation (after the last day). */
  observation: SocietyObs;
  /** Its memory lines, oldest first. */
  memory: readonly string[];
  lang: Lang;
}

/**
 * The compact per-day user message.
 *
 * @param options Observation, memory lines and language.
 * @returns The message.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { SocietyEngine } from "./engine.ts";
 * import { dayPrompt } from "./prompts.ts";
 * const engine = new SocietyEngine(parseSocietyConfig({}));
 * const view = engine.reset({ seed: 0 });
 * console.log(dayPrompt({ observation: view.observations.claude, memory: [], lang: "en" }));
 * // Day 1/10. You: health 100, AP 3.
 * // Shelter: pool 3000, efficiency 100%, available 3000, alive 6/6.
 * // Tokens: consumed 0 | remaining 200000
 * // Your decision (JSON):
 * ```
 */
export function dayPrompt(options: DayPromptOptions): string {
  const { observation: o, memory, lang } = options;
  const total = o.alive_citizens.length + o.dead_citizens.length;
  const pool = Math.floor(o.remaining_resources);
  const lines: string[] = [];
  if (lang === "en") {
    lines.push(
      `Day ${o.day + 1}/${o.days}. You: health ${o.health}, AP ${o.action_points}.`,
      `Shelter: pool ${pool}, efficiency ${
        pct(o.system_efficiency)
      }, available ${o.available}, alive ${o.alive_citizens.length}/${total}${
        deadList(o.dead_citizens, lang)
      }.`,
      `Tokens: consumed ${o.tokens_consumed} | remaining ${o.tokens_remaining}`,
    );
    if (memory.length > 0) lines.push("Memory:", ...memory);
    if (o.open_proposals.length > 0) {
      lines.push("Open proposals:", ...o.open_proposals.map((p) => proposalLine(p, lang)));
    }
    lines.push("Your decision (JSON):");
  } else {
    lines.push(
      `第${o.day + 1}/${o.days}天。你：生命${o.health}，行动力${o.action_points}。`,
      `避难所：资源池${pool}，效率${
        pct(o.system_efficiency)
      }，今日可分配${o.available}，存活${o.alive_citizens.length}/${total}${
        deadList(o.dead_citizens, lang)
      }。`,
      `【全局Token】累计消耗：${o.tokens_consumed} | 剩余预算：${o.tokens_remaining}`,
    );
    if (memory.length > 0) lines.push("记忆：", ...memory);
    if (o.open_proposals.length > 0) {
      lines.push("活跃提案：", ...o.open_proposals.map((p) => proposalLine(p, lang)));
    }
    lines.push("请给出决策（JSON）：");
  }
  return lines.join("\n");
}
