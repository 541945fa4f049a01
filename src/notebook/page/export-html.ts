// A notebook as one static HTML page with its outputs inlined (sanitised as
// on the page), to share or print without nvmesim.
import type { Notebook } from "../ipynb";
import { markdownHtml, renderOutputs } from "./render-output";

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const STYLE = `body{font:14px system-ui,sans-serif;max-width:60em;margin:2em auto;color:#222}
.cell{margin:1em 0}.prompt{color:#307fc1;font:12px monospace}pre{background:#f7f7f7;padding:.5em;overflow:auto}
pre.source{border-left:3px solid #ccc}.stderr{background:#fdd}.error-head{color:#b00;font-weight:bold}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px}svg{max-width:100%;height:auto}`;

export function notebookHtml(nb: Notebook, title: string): string {
  const cells = nb.cells.map((c) => {
    if (c.cell_type === "markdown") return `<div class="cell markdown">${markdownHtml(c.source)}</div>`;
    if (c.cell_type === "raw") return `<div class="cell raw"><pre>${escapeHtml(c.source)}</pre></div>`;
    const outputs = document.createElement("div");
    renderOutputs(outputs, c.outputs ?? [], { onWidget: () => {} });
    return `<div class="cell code"><div class="prompt">In [${c.execution_count ?? " "}]:</div><pre class="source">${escapeHtml(c.source)}</pre><div class="outputs">${outputs.innerHTML}</div></div>`;
  });
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n${cells.join("\n")}\n</body></html>\n`;
}
