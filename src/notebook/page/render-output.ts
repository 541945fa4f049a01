// Outputs on the page. HTML, SVG and Markdown pass through DOMPurify first,
// so a notebook from someone else cannot run script here (as in Jupyter);
// long text is cut with "show more" instead of freezing the page; JSON shows
// as a tree; widgets become controls that rerun their cell when changed.
import DOMPurify from "dompurify";
import { marked } from "marked";
import type { Output } from "../kernel/outputs";
import { WIDGET_MIME } from "../kernel/outputs";

/** Characters and lines of text shown before "show more". */
const TEXT_LIMIT = 20_000;
const LINE_LIMIT = 400;

export interface WidgetSpec {
  label: string;
  kind: "slider" | "number" | "checkbox" | "select";
  value: unknown;
  min?: number;
  max?: number;
  step?: number;
  options?: (string | number)[];
}

export interface OutputHooks {
  /** A widget changed: rerun its cell with the new value. */
  onWidget(label: string, value: unknown): void;
}

let purifier: { sanitize(html: string, options: object): string } = DOMPurify;

/** Outside a browser (nvmesim nb html): DOMPurify bound to another window, such as jsdom's. */
export function usePurifier(p: { sanitize(html: string, options: object): string }): void {
  purifier = p;
}

export function sanitize(html: string): string {
  return purifier.sanitize(html, { USE_PROFILES: { html: true, svg: true, svgFilters: true }, ADD_TAGS: ["style"] });
}

/** Markdown as safe HTML. */
export function markdownHtml(text: string): string {
  return sanitize(marked.parse(text, { async: false, gfm: true }) as string);
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Text in a <pre>, cut at the limits with a button that shows the rest. */
function textBlock(text: string, className: string): HTMLElement {
  const pre = el("pre", className);
  const lines = text.split("\n");
  const cutAt = Math.min(TEXT_LIMIT, lines.slice(0, LINE_LIMIT).join("\n").length);
  if (text.length <= cutAt) {
    pre.textContent = text;
    return pre;
  }
  pre.textContent = text.slice(0, cutAt);
  const wrap = el("div");
  const more = el("button", "show-more", `show more (${(text.length - cutAt).toLocaleString()} more characters)`);
  more.onclick = () => {
    pre.textContent = text;
    more.remove();
  };
  wrap.append(pre, more);
  return wrap;
}

function jsonTree(value: unknown, depth = 0): HTMLElement {
  if (value === null || typeof value !== "object") {
    const span = el("span", `json-${value === null ? "null" : typeof value}`, JSON.stringify(value));
    return span;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const details = el("details", "json");
  details.open = depth < 1;
  details.append(
    el("summary", undefined, Array.isArray(value) ? `Array(${entries.length})` : `{${entries.length} keys}`),
  );
  for (const [k, v] of entries) {
    const row = el("div", "json-row");
    row.append(el("span", "json-key", `${k}: `), jsonTree(v, depth + 1));
    details.append(row);
  }
  return details;
}

function widgetControl(w: WidgetSpec, hooks: OutputHooks): HTMLElement {
  const box = el("label", "widget");
  box.append(el("span", "widget-label", w.label));
  const show = el("span", "widget-value", String(w.value));
  let input: HTMLInputElement | HTMLSelectElement;
  if (w.kind === "select") {
    const select = el("select");
    for (const o of w.options ?? []) {
      const opt = el("option", undefined, String(o));
      opt.value = String(o);
      select.append(opt);
    }
    select.value = String(w.value);
    select.onchange = () => {
      const o = (w.options ?? []).find((x) => String(x) === select.value);
      hooks.onWidget(w.label, o);
    };
    input = select;
  } else {
    const i = el("input");
    i.type = w.kind === "slider" ? "range" : w.kind === "checkbox" ? "checkbox" : "number";
    if (w.min !== undefined) i.min = String(w.min);
    if (w.max !== undefined) i.max = String(w.max);
    if (w.step !== undefined) i.step = String(w.step);
    if (w.kind === "checkbox") i.checked = Boolean(w.value);
    else i.value = String(w.value);
    i.oninput = () => (show.textContent = w.kind === "checkbox" ? String(i.checked) : i.value);
    i.onchange = () => hooks.onWidget(w.label, w.kind === "checkbox" ? i.checked : Number(i.value));
    input = i;
  }
  box.append(input);
  if (w.kind !== "select") box.append(show);
  return box;
}

/** One output's DOM. */
export function renderOutput(o: Output, hooks: OutputHooks): HTMLElement {
  if (o.output_type === "stream") return textBlock(o.text, `stream ${o.name}`);
  if (o.output_type === "error") {
    const box = el("div", "error");
    box.append(el("div", "error-head", `${o.ename}: ${o.evalue}`));
    box.append(textBlock(o.traceback.slice(1).join("\n"), "traceback"));
    return box;
  }
  const data = o.data;
  const box = el("div", "display");
  if (data[WIDGET_MIME]) box.append(widgetControl(data[WIDGET_MIME] as WidgetSpec, hooks));
  else if (typeof data["text/html"] === "string") box.innerHTML = sanitize(data["text/html"]);
  else if (typeof data["image/svg+xml"] === "string") box.innerHTML = sanitize(data["image/svg+xml"]);
  else if (typeof data["text/markdown"] === "string") {
    box.classList.add("markdown");
    box.innerHTML = markdownHtml(data["text/markdown"]);
  } else if (data["application/json"] !== undefined) box.append(jsonTree(data["application/json"]));
  else if (typeof data["text/plain"] === "string") box.append(textBlock(data["text/plain"], "text"));
  return box;
}

/** Renders a cell's outputs, joining consecutive stream text of one kind as Jupyter does. */
export function renderOutputs(container: HTMLElement, outputs: readonly Output[], hooks: OutputHooks): void {
  container.replaceChildren();
  const merged: Output[] = [];
  for (const o of outputs) {
    const last = merged[merged.length - 1];
    if (o.output_type === "stream" && last?.output_type === "stream" && last.name === o.name)
      merged[merged.length - 1] = { ...last, text: last.text + o.text };
    else merged.push(o);
  }
  for (const o of merged) container.append(renderOutput(o, hooks));
}
