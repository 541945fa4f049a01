// What the server writes as a notebook: the document a client sent, read as
// nbformat reads it (notebooks before 4.5 get cell ids, as Jupyter upgrades
// them), written as nbformat writes it (a live display's transient id is
// dropped), and checked against the nbformat 4.5 schema. Anything else is a
// 400 that says what is wrong, briefly.
import { notebookProblems } from "../notebook/check";
import { notebookDocument, NotebookError, readNotebook } from "../notebook/ipynb";
import { ContentsError } from "./folder";

/** Problems shown in one message; the rest are counted. */
const SHOWN = 3;

/** The .ipynb text to write for a notebook document, or a ContentsError naming what is wrong. */
export function checkedNotebookText(content: unknown): string {
  let doc: Record<string, unknown>;
  try {
    doc = notebookDocument(readNotebook(content));
  } catch (err) {
    throw new ContentsError(400, `not a valid notebook: ${err instanceof NotebookError ? err.message : String(err)}`);
  }
  const problems = notebookProblems(doc);
  if (problems.length) {
    const more = problems.length > SHOWN ? ` (and ${problems.length - SHOWN} more)` : "";
    throw new ContentsError(400, `not a valid notebook: ${problems.slice(0, SHOWN).join("; ")}${more}`);
  }
  return JSON.stringify(doc, null, 1) + "\n";
}
