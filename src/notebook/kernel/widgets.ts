// Interact-style widgets for cells: each shows a control in the cell's output
// and returns its current value, the one the page last set for that label
// (kept in the cell's metadata), so changing a control reruns just that cell.
import type { ExecuteContext } from "./kernel";
import { plainText, WIDGET_MIME } from "./outputs";

function checkNumber(what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${what}: ${plainText(v)} is not a number`);
  return v;
}

export function widgets(context: () => ExecuteContext) {
  const widget = (label: string, spec: Record<string, unknown>, fallback: unknown): unknown => {
    if (typeof label !== "string" || label === "") throw new TypeError("a widget needs a label (its name in the cell)");
    const ctx = context();
    const value = label in ctx.widgets ? ctx.widgets[label] : fallback;
    ctx.emit({
      output_type: "display_data",
      data: { [WIDGET_MIME]: { label, ...spec, value }, "text/plain": `${label}: ${plainText(value)}` },
      metadata: {},
    });
    return value;
  };
  return {
    slider(label: string, o: { min?: number; max?: number; step?: number; value?: number } = {}): number {
      const min = checkNumber(`slider ${label} min`, o.min ?? 0);
      const max = checkNumber(`slider ${label} max`, o.max ?? 100);
      if (max <= min) throw new RangeError(`slider ${label}: max ${max} must be more than min ${min}`);
      const step = checkNumber(`slider ${label} step`, o.step ?? 1);
      return widget(label, { kind: "slider", min, max, step }, o.value ?? min) as number;
    },
    number(label: string, value = 0, o: { min?: number; max?: number; step?: number } = {}): number {
      return widget(label, { kind: "number", ...o }, checkNumber(`number ${label}`, value)) as number;
    },
    checkbox(label: string, value = false): boolean {
      return widget(label, { kind: "checkbox" }, Boolean(value)) as boolean;
    },
    select<T extends string | number>(label: string, options: readonly T[], value?: T): T {
      if (!Array.isArray(options) || options.length === 0)
        throw new TypeError(`select ${label}: give a non-empty list of options`);
      return widget(label, { kind: "select", options }, value ?? options[0]) as T;
    },
  };
}
