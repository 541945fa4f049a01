// Messages between the page and the kernel's worker.
import type { Output } from "./outputs";

export type ToKernel =
  | { type: "execute"; cellId: string; executionCount: number; source: string; widgets: Record<string, unknown> }
  | { type: "interrupt" }
  /** Where the kernel reads files a cell names (simulate's iolog file): the notebook server's folder, or none. */
  | { type: "files"; files: KernelFiles | undefined };

/** The notebook server the page came from: its token, and the folder of the open notebook (paths are relative to
 * it). */
export interface KernelFiles {
  token: string;
  dir: string;
}

export type FromKernel =
  | { type: "ready" }
  | { type: "output"; cellId: string; output: Output }
  /** A display shown, replaced, or (output null) taken away. */
  | { type: "update"; cellId: string; displayId: string; output: Output | null }
  | { type: "progress"; cellId: string; label: string; fraction: number }
  | { type: "done"; cellId: string; ok: boolean; ms: number };
