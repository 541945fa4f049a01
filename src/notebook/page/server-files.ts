// The page's side of the notebook server's contents API: present only when
// the page was opened through `npm start` (with its ?token=); without it the
// page works on its own, saving by download.
import type { Notebook } from "../ipynb";

const TOKEN_KEY = "nvmesim-server-token";

export interface ListedFile {
  name: string;
  path: string;
  type: "notebook" | "file" | "directory";
  last_modified: string;
}

export type SaveResult = { ok: true; hash: string } | { ok: false; conflict: boolean; message: string };

export class ContentsClient {
  constructor(private readonly token: string) {}

  private request(path: string, init: RequestInit = {}, query = ""): Promise<Response> {
    const url = `/api/contents/${path.split("/").map(encodeURIComponent).join("/")}${query}`;
    return fetch(url, { ...init, headers: { ...(init.headers ?? {}), Authorization: `token ${this.token}` } });
  }

  async list(dir = ""): Promise<ListedFile[]> {
    const r = await this.request(dir);
    if (!r.ok) throw new Error(`cannot list ${dir || "the notebook folder"}: ${(await r.json()).message}`);
    return ((await r.json()) as { content: ListedFile[] }).content;
  }

  /** The file's notebook document and the hash to save against. */
  async open(path: string): Promise<{ content: unknown; hash: string }> {
    const r = await this.request(path);
    const body = await r.json();
    if (!r.ok) throw new Error(body.message);
    return { content: body.content, hash: body.hash };
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
      headers: { "Content-Type": "application/json", ...(ifMatch ? { "If-Match": `"${ifMatch}"` } : {}) },
      body: JSON.stringify({ type: "notebook", format: "json", content: nb }),
    });
    if (r.ok) return { ok: true, hash: (await r.json()).hash }; // the saved file's hash, from the server's answer
    return { ok: false, conflict: r.status === 409, message: (await r.json()).message };
  }

  async create(dir = ""): Promise<string> {
    const r = await this.request(dir, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    const body = await r.json();
    if (!r.ok) throw new Error(body.message);
    return body.path;
  }
}

/** The server's client when the page came from one (its token in the URL or this tab's session). */
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
