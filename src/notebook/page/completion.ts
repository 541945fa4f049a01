// Completion and help for the API in a code cell: the names in scope with
// their signatures, the configuration's keys inside simulate({ ... }) and
// sweep's base with the schema's own descriptions, sweep's axes, the allowed
// names of a field ("rw_page", presets with what they model), the columns of
// a sweep's records, and the members of a result. Shift+Tab, or hovering a
// name, shows what it is.
import { type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { javascriptLanguage } from "@codemirror/lang-javascript";
import { StateEffect, StateField, type Extension } from "@codemirror/state";
import { EditorView, hoverTooltip, keymap, showTooltip, type Tooltip } from "@codemirror/view";
import { docAt, optionsFor } from "../kernel/api-completion";
import { codeContext } from "./code-context";

function notebookCompletions(notebook: () => string): (ctx: CompletionContext) => CompletionResult | null {
  return (ctx) => {
    const text = ctx.state.doc.toString();
    const c = codeContext(text, ctx.pos, notebook());
    if (c.kind === "name" && !c.word && !ctx.explicit) return null;
    const options = optionsFor(c);
    return options.length ? { from: c.from, options, validFor: /^[\w$.-]*$/ } : null;
  };
}

function tooltipAt(view: EditorView, pos: number, notebook: () => string): Tooltip | null {
  const doc = docAt(view.state.doc.toString(), pos, notebook());
  if (!doc) return null;
  return {
    pos,
    above: true,
    create: () => {
      const dom = document.createElement("div");
      dom.className = "cm-api-doc";
      dom.textContent = doc;
      return { dom };
    },
  };
}

const showDoc = StateEffect.define<Tooltip | null>();
const docTooltip = StateField.define<Tooltip | null>({
  create: () => null,
  update: (value, tr) => {
    for (const e of tr.effects) if (e.is(showDoc)) return e.value;
    return tr.docChanged || tr.selection ? null : value;
  },
  provide: (f) => showTooltip.from(f),
});

/** The editor extension: completions, Shift+Tab help and hover help; `notebook` gives every cell's text. */
export function apiHelp(notebook: () => string): Extension {
  return [
    javascriptLanguage.data.of({ autocomplete: notebookCompletions(notebook) }),
    docTooltip,
    keymap.of([
      {
        key: "Shift-Tab",
        run: (view) => {
          const pos = view.state.selection.main.head;
          const tip = tooltipAt(view, pos, notebook);
          view.dispatch({
            effects: showDoc.of(
              tip ?? {
                pos,
                above: true,
                create: () => ({
                  dom: Object.assign(document.createElement("div"), {
                    className: "cm-api-doc",
                    textContent: "no documentation here (help('config') lists the configuration's keys)",
                  }),
                }),
              },
            ),
          });
          return true;
        },
      },
    ]),
    hoverTooltip((view, pos) => tooltipAt(view, pos, notebook), { hoverTime: 500 }),
  ];
}
