// Messages between the page and the kernel's worker.
import type { Output } from "./outputs";

export type ToKernel =
  | { type: "execute"; cellId: string; executionCount: number; source: string; widgets: Record<string, unknown> }
  | { type: "interrupt" };

export type FromKernel =
  | { type: "ready" }
  | { type: "output"; cellId: string; output: Output }
  /** A display shown, replaced, or (output null) taken away. */
  | { type: "update"; cellId: string; displayId: string; output: Output | null }
  | { type: "progress"; cellId: string; label: string; fraction: number }
  | { type: "done"; cellId: string; ok: boolean; ms: number };
