// The working copy in the browser's IndexedDB: saved a moment after every
// change and when the page is hidden, restored when the page opens again, so
// nothing typed is lost to a closed tab or a crash.
import { del, get, set } from "idb-keyval";

const KEY = "nvmesim-notebook-working-copy";

export interface WorkingCopy {
  /** The notebook as .ipynb text. */
  text: string;
  name: string;
  /** Changed since it was last saved to a file. */
  dirty: boolean;
  savedAt: string;
}

export const loadWorkingCopy = (): Promise<WorkingCopy | undefined> => get<WorkingCopy>(KEY);
export const saveWorkingCopy = (copy: WorkingCopy): Promise<void> => set(KEY, copy);
export const clearWorkingCopy = (): Promise<void> => del(KEY);
