/**
 * The house rules `deno lint` enforces beyond its own (STYLE.md):
 *
 * - `house/max-function-lines`: no function of an engine (`lib/engines/`) is longer than
 *   60 lines; a rule of a game is a short function in a file named after it.
 * - `house/no-hand-markup`: no code writes HTML or Markdown structure by hand; a report is a
 *   `ReportDocument` (lib/core/document.ts) rendered by `lib/reports/render_document.ts`.
 *   Any HTML tag counts. The renderer, the page shell, the live dashboard (an application,
 *   not a report) and a chart's notebook MIME bundle (`lib/charts/display.ts`) are the
 *   exceptions.
 *
 * @module
 */

/** The longest function an engine may have, in lines. */
export const MAX_ENGINE_FUNCTION_LINES = 60;

/**
 * Files allowed to hold markup: the renderer, its page shell, the live dashboard, and the
 * notebook display of a chart.
 */
const MARKUP_ALLOWED = [
  /lib\/reports\/render_document\.ts$/,
  /lib\/reports\/html\.ts$/,
  /lib\/engines\/[^/]+\/dashboard[^/]*\.ts$/,
  // A chart's notebook MIME bundle needs its `text/html` `<img>`: a display format, not a report.
  /lib\/charts\/display\.ts$/,
];

// The elements of HTML (WHATWG; `svg` and `math` for embedded roots), not the obsolete ones.
const HTML_ELEMENTS = [
  "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas",
  "caption cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed",
  "fieldset figcaption figure footer form h[1-6] head header hgroup hr html i iframe img",
  "input ins kbd label legend li link main map mark menu meta meter nav noscript object ol",
  "optgroup option output p picture pre progress q rp rt ruby s samp script search section",
  "select slot small source span strong style sub summary sup table tbody td template",
  "textarea tfoot th thead time title tr track u ul var video wbr svg math",
].join(" ").split(" ").join("|");
// A tag: `<` or `</`, an element's name, then a tag-ending character (`a < b`, `x<3` are not
// tags); or any name closed (`</x>`) or given an attribute (`<x y="`). Placeholders such as
// `<command>`, `<one sentence>` or `<redacted>` are not tags.
const HTML_TAG = new RegExp(
  `<\\/?(?:${HTML_ELEMENTS})[\\s>/]|<\\/[a-z][a-z0-9-]*>|<[a-z][a-z0-9-]*\\s+[a-z-]+=["']`,
);
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
