// The page's side of the notebook server's contents API: present only when
// the page was opened through `npm start` (with its ?token=); without it the
// page works on its own, saving by download. Every call answers or throws an
// Error with the server's own message.
import type { KernelFiles } from "../kernel/protocol";
import { serializeNotebook, type Notebook } from "../ipynb";

const TOKEN_KEY = "nvmesim-server-token";

export interface ListedFile {
  name: string;
  path: string;
  type: "notebook" | "file" | "directory";
  last_modified: string;
}

export interface Checkpoint {
  id: string;
  last_modified: string;
}

export type SaveResult = { ok: true; hash: string } | { ok: false; conflict: boolean; message: string };

/** The folder part of an API path ("a/b.ipynb" -> "a", "b.ipynb" -> ""). */
export const folderOf = (path: string) => path.split("/").slice(0, -1).join("/");
/** An API path in a folder. */
export const pathIn = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

export class ContentsClient {
  constructor(private readonly token: string) {}

  /** What the kernel reads files with: this server, in the folder `dir`. */
  kernelFiles(dir: string): KernelFiles {
    return { token: this.token, dir };
  }

  private async request(path: string, init: RequestInit = {}, query = ""): Promise<Response> {
    const url = `/api/contents/${path.split("/").map(encodeURIComponent).join("/")}${query}`;
    const headers = {
      ...(init.body ? { "Content-Type": "application/json" } : {}),
      Authorization: `token ${this.token}`,
    };
    return fetch(url, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
  }

  /** The answer's JSON, or an Error with the server's message. */
  private async json<T>(r: Response, what: string): Promise<T> {
    const text = await r.text();
    const body = text ? JSON.parse(text) : undefined;
    if (!r.ok) throw new Error(`${what}: ${body?.message ?? r.statusText}`);
    return body as T;
  }

  async list(dir = ""): Promise<ListedFile[]> {
    const r = await this.request(dir);
    return (await this.json<{ content: ListedFile[] }>(r, `cannot list ${dir || "the notebook folder"}`)).content;
  }

  /** The file's notebook document and the hash to save against. */
  async open(path: string): Promise<{ content: unknown; hash: string }> {
    return this.json(await this.request(path), `cannot open ${path}`);
  }

  /** Whether anything is at `path` (asked of its folder's list, so a missing file is no failed request). */
  async exists(path: string): Promise<boolean> {
    const names = (await this.list(folderOf(path)).catch(() => [])).map((f) => f.path);
    return names.includes(path);
  }

  /** Saves; with `ifMatch`, refuses (conflict) when the file changed on disk since that hash. */
  async save(path: string, nb: Notebook, ifMatch?: string): Promise<SaveResult> {
    if (ifMatch) {
      // Ask first, so a file changed on disk is a question for the user rather than a refused request.
      const now = await this.request(path, {}, "?content=0");
      if (now.ok && (await now.json()).hash !== ifMatch)
        return { ok: false, conflict: true, message: `${path} changed on disk` };
    }
    const r = await this.request(path, {
      method: "PUT",
      headers: ifMatch ? { "If-Match": `"${ifMatch}"` } : {},
      // As nbformat writes it: a live display's transient id is not part of the file.
      body: JSON.stringify({ type: "notebook", format: "json", content: JSON.parse(serializeNotebook(nb)) }),
    });
    if (r.ok) return { ok: true, hash: (await r.json()).hash }; // the saved file's hash, from the server's answer
    return { ok: false, conflict: r.status === 409, message: (await r.json()).message };
  }

  /** A new notebook or folder (Untitled.ipynb, Untitled Folder, ...) in `dir`; resolves with its path. */
  async create(dir: string, type: "notebook" | "directory"): Promise<string> {
    const r = await this.request(dir, { method: "POST", body: JSON.stringify({ type }) });
    return (await this.json<{ path: string }>(r, `cannot create a ${type}`)).path;
  }

  /** A copy of a notebook beside it (NAME-Copy1.ipynb); resolves with its path. */
  async duplicate(path: string): Promise<string> {
    const r = await this.request(folderOf(path), { method: "POST", body: JSON.stringify({ copy_from: path }) });
    return (await this.json<{ path: string }>(r, `cannot duplicate ${path}`)).path;
  }

  async rename(path: string, newPath: string): Promise<void> {
    const r = await this.request(path, { method: "PATCH", body: JSON.stringify({ path: newPath }) });
    await this.json(r, `cannot rename ${path}`);
  }

  async delete(path: string): Promise<void> {
    await this.json(await this.request(path, { method: "DELETE" }), `cannot delete ${path}`);
  }

  async checkpoints(path: string): Promise<Checkpoint[]> {
    return this.json(await this.request(`${path}/checkpoints`), `cannot list the checkpoints of ${path}`);
  }

  /** Keeps the file as it is on disk now as its checkpoint. */
  async checkpoint(path: string): Promise<Checkpoint> {
    return this.json(await this.request(`${path}/checkpoints`, { method: "POST" }), `cannot checkpoint ${path}`);
  }

  async restore(path: string, id: string): Promise<void> {
    const r = await this.request(`${path}/checkpoints/${encodeURIComponent(id)}`, { method: "POST" });
    await this.json(r, `cannot revert ${path}`);
  }
}

/** The server's client when the page came from one (its token in the URL or this tab's session). */
/** Whether the page came from a notebook server that serves a folder (which marks the page it serves), whether or
 * not the page has its token. */
export const fromNotebookServer = () => document.querySelector('meta[name="nvmesim-notebook-server"]') !== null;

export async function detectServer(): Promise<ContentsClient | undefined> {
  const params = new URLSearchParams(location.search);
  const token = params.get("token") ?? sessionStorage.getItem(TOKEN_KEY);
  if (!token) return undefined;
  try {
    const r = await fetch("/api/contents/?content=0", { headers: { Authorization: `token ${token}` } });
    if (!r.ok) return undefined;
  } catch {
    return undefined;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  if (params.has("token")) {
    params.delete("token"); // keep it out of the address bar and history; the tab keeps it
    history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
  }
  return new ContentsClient(token);
}
