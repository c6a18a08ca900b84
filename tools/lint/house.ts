/**
 * The house rules `deno lint` enforces beyond its own (STYLE.md):
 *
 * - `house/max-function-lines`: no function of an engine (`lib/engines/`) is longer than
 *   60 lines; a rule of a game is a short function in a file named after it.
 * - `house/no-hand-markup`: no code writes HTML or Markdown structure by hand; a report is a
 *   `ReportDocument` (lib/core/document.ts) rendered by `lib/reports/render_document.ts`.
 *   The renderer, the page shell and the live dashboard (an application, not a report) are
 *   the exceptions.
 *
 * @module
 */

/** The longest function an engine may have, in lines. */
export const MAX_ENGINE_FUNCTION_LINES = 60;

/** Files allowed to hold markup: the renderer, its page shell, the live dashboard. */
const MARKUP_ALLOWED = [
  /lib\/reports\/render_document\.ts$/,
  /lib\/reports\/html\.ts$/,
  /lib\/engines\/[^/]+\/dashboard[^/]*\.ts$/,
];

const HTML_TAG =
  /<\/?(h[1-6]|p|table|thead|tbody|tr|td|th|ul|ol|li|div|span|figure|figcaption|details|summary|pre|blockquote|strong|em|a|small|code|section|body|html)[\s>]/;
const MD_STRUCTURE = /(^|\n)(#{1,4} |\|[ -]*---)/;

const norm = (f: string) => f.replaceAll("\\", "/");

const plugin: Deno.lint.Plugin = {
  name: "house",
  rules: {
    "max-function-lines": {
      create(ctx) {
        if (!/\/lib\/engines\//.test(norm(ctx.filename))) return {};
        const check = (node: Deno.lint.Node) => {
          const [a, b] = node.range;
          const lines = ctx.sourceCode.text.slice(a, b).split("\n").length;
          if (lines > MAX_ENGINE_FUNCTION_LINES) {
            ctx.report({
              node,
              message:
                `This engine function is ${lines} lines long (at most ${MAX_ENGINE_FUNCTION_LINES})`,
              hint: "Split it into named steps, a rule per file (STYLE.md).",
            });
          }
        };
        return {
          FunctionDeclaration: check,
          FunctionExpression: check,
          ArrowFunctionExpression: check,
        };
      },
    },
    "no-hand-markup": {
      create(ctx) {
        const file = norm(ctx.filename);
        if (!/\/lib\//.test(file) || MARKUP_ALLOWED.some((r) => r.test(file))) return {};
        const markdownToo = /report|\/lib\/reports\//.test(file);
        const check = (node: Deno.lint.Node, text: string) => {
          if (HTML_TAG.test(text) || (markdownToo && MD_STRUCTURE.test(text))) {
            ctx.report({
              node,
              message: "Markup written by hand",
              hint:
                "Return a ReportDocument (lib/core/document.ts); render_document.ts renders it.",
            });
          }
        };
        return {
          Literal(node) {
            if (typeof node.value === "string") check(node, node.value);
          },
          TemplateLiteral(node) {
            check(node, node.quasis.map((q) => q.cooked ?? q.raw).join("${}"));
          },
        };
      },
    },
  },
};

export default plugin;
