// The working copy in the browser's IndexedDB: saved a moment after every
// change and when the page is hidden, restored when the page opens again, so
// nothing typed is lost to a closed tab or a crash.
import { del, get, set } from "idb-keyval";

const KEY = "nvmesim-notebook-working-copy";

/** The working copy's key: one for the page on its own, one per file of the notebook server. */
const keyOf = (serverPath?: string) => (serverPath === undefined ? KEY : `${KEY}:server:${serverPath}`);

export interface WorkingCopy {
  /** The notebook as .ipynb text. */
  text: string;
  name: string;
  /** Changed since it was last saved to a file. */
  dirty: boolean;
  savedAt: string;
}

export const loadWorkingCopy = (serverPath?: string): Promise<WorkingCopy | undefined> =>
  get<WorkingCopy>(keyOf(serverPath));
export const saveWorkingCopy = (copy: WorkingCopy, serverPath?: string): Promise<void> => set(keyOf(serverPath), copy);
export const clearWorkingCopy = (serverPath?: string): Promise<void> => del(keyOf(serverPath));
