// nvmesim as a Jupyter kernel: the Jupyter messaging protocol 5.3 over
// ZeroMQ (heartbeat, shell, control, iopub, stdin), every message signed and
// checked with HMAC-SHA256 from the connection file's key. It is a transport:
// the cells run in the same kernel the page's worker and nb run use (a Node
// worker thread, kernel/node-worker-main.ts), and its outputs are the page's
// mime bundles; completion and help come from the page's own completion code.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import * as zmq from "zeromq";
import type { FromKernel, ToKernel } from "./kernel/protocol";
import type { Output } from "./kernel/outputs";
import { WORKER } from "./run-notebook";
import { codeContext } from "./page/code-context";
import { docAt, optionsFor } from "./kernel/api-completion";
import { transformCell } from "./kernel/transform";

/** What Jupyter writes for a kernel it starts (jupyter_client's connection file). */
export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

interface Message {
  ids: Buffer[];
  header: Header;
  parent: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

const DELIMITER = "<IDS|MSG>";
export const PROTOCOL_VERSION = "5.3";

/** The connection file, checked: the ports, the address and the signing key's scheme. */
export function readConnectionFile(file: string): ConnectionInfo {
  const c = JSON.parse(readFileSync(file, "utf8")) as Partial<ConnectionInfo>;
  for (const port of ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const)
    if (!Number.isInteger(c[port])) throw new Error(`${file}: ${port} is not a port`);
  if (typeof c.ip !== "string" || typeof c.transport !== "string") throw new Error(`${file}: no transport and ip`);
  if (c.key && c.signature_scheme !== "hmac-sha256")
    throw new Error(`${file}: signature_scheme ${JSON.stringify(c.signature_scheme)} (nvmesim signs with hmac-sha256)`);
  return c as ConnectionInfo;
}

/** The kernel: sockets bound at the connection file's address, a worker running the cells. */
export class JupyterKernel {
  private readonly session = randomUUID();
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  private readonly iopub = new zmq.Publisher();
  private readonly hb = new zmq.Reply();
  private worker!: Worker;
  private count = 0;
  /** The request whose cell runs, and what it has said (its outputs go to iopub with it as parent). */
  private running?: { request: Message; error?: Output & { output_type: "error" }; done: (ok: boolean) => void };
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly c: ConnectionInfo,
    private readonly log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  ) {}

  private url(port: number): string {
    return `${this.c.transport}://${this.c.ip}:${port}`;
  }

  /** Binds every socket, starts the worker and answers until shut down; resolves then. */
  async serve(): Promise<void> {
    await Promise.all([
      this.shell.bind(this.url(this.c.shell_port)),
      this.control.bind(this.url(this.c.control_port)),
      this.stdin.bind(this.url(this.c.stdin_port)),
      this.iopub.bind(this.url(this.c.iopub_port)),
      this.hb.bind(this.url(this.c.hb_port)),
    ]);
    this.startWorker();
    void this.heartbeat();
    const stopped = new Promise<void>((resolve) => (this.stop = resolve));
    void this.listen(this.control, true);
    void this.listen(this.shell, false);
    await this.publish("status", { execution_state: "starting" });
    await stopped;
  }

  private stop: () => void = () => {};

  private async heartbeat(): Promise<void> {
    for await (const frames of this.hb) {
      if (this.closed) return;
      await this.hb.send(frames);
    }
  }

  private startWorker(): void {
    this.worker = new Worker(WORKER);
    this.worker.on("message", (m: FromKernel) => this.fromKernel(m));
    this.worker.on("error", (e) => this.log(`nvmesim kernel: worker: ${e.message}`));
  }

  private sign(parts: Buffer[]): string {
    if (!this.c.key) return "";
    const h = createHmac("sha256", this.c.key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  }

  /** A message from its frames, or undefined (logged) when its signature does not check. */
  private parse(frames: Buffer[]): Message | undefined {
    const at = frames.findIndex((f) => f.toString() === DELIMITER);
    if (at < 0 || frames.length < at + 6) {
      this.log("nvmesim kernel: a message without Jupyter's frames was dropped");
      return undefined;
    }
    const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6);
    const want = Buffer.from(this.sign([header, parent, metadata, content]));
    const got = Buffer.from(signature.toString());
    if (this.c.key && (want.length !== got.length || !timingSafeEqual(want, got))) {
      this.log("nvmesim kernel: a message with a wrong signature was dropped, not run");
      return undefined;
    }
    return {
      ids: frames.slice(0, at),
      header: JSON.parse(header.toString()) as Header,
      parent: JSON.parse(parent.toString()) as Header,
      metadata: JSON.parse(metadata.toString()) as Record<string, unknown>,
      content: JSON.parse(content.toString()) as Record<string, unknown>,
    };
  }

  private frames(ids: Buffer[], msgType: string, content: unknown, parent?: Message, metadata = {}): Buffer[] {
    const header: Header = {
      msg_id: randomUUID(),
      session: this.session,
      username: "nvmesim",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    };
    const parts = [header, parent?.header ?? {}, metadata, content].map((p) => Buffer.from(JSON.stringify(p)));
    return [...ids, Buffer.from(DELIMITER), Buffer.from(this.sign(parts)), ...parts];
  }

  /** Each socket's sends, one after the other (a ZeroMQ socket takes one send at a time). */
  private readonly sending = new Map<zmq.Socket, Promise<void>>();

  private send(socket: zmq.Publisher | zmq.Router, frames: Buffer[]): Promise<void> {
    const next = (this.sending.get(socket) ?? Promise.resolve())
      .then(() => socket.send(frames))
      .catch((e: Error) => this.log(`nvmesim kernel: a message was not sent: ${e.message}`));
    this.sending.set(socket, next);
    return next;
  }

  private publish(msgType: string, content: unknown, parent?: Message): Promise<void> {
    return this.send(
      this.iopub,
      this.frames([Buffer.from(`kernel.${this.session}.${msgType}`)], msgType, content, parent),
    );
  }

  private reply(socket: zmq.Router, request: Message, msgType: string, content: unknown): Promise<void> {
    return this.send(socket, this.frames(request.ids, msgType, content, request));
  }

  private async listen(socket: zmq.Router, control: boolean): Promise<void> {
    for await (const frames of socket) {
      if (this.closed) return;
      const m = this.parse(frames);
      if (!m) continue;
      // control answers at once (an interrupt while a cell runs); shell requests run one at a time, in order
      if (control) await this.handle(socket, m);
      else this.queue = this.queue.then(() => this.handle(socket, m)).catch((e) => this.log(`nvmesim kernel: ${e}`));
    }
  }

  private async handle(socket: zmq.Router, m: Message): Promise<void> {
    const type = m.header.msg_type;
    await this.publish("status", { execution_state: "busy" }, m);
    try {
      const answer = await this.answer(m);
      if (answer) await this.reply(socket, m, answer.type, answer.content);
    } finally {
      await this.publish("status", { execution_state: "idle" }, m);
    }
    if (type === "shutdown_request" && !(m.content.restart as boolean)) await this.close();
  }

  /** The reply to a request (its type and content), running a cell for execute_request. */
  private async answer(m: Message): Promise<{ type: string; content: unknown } | undefined> {
    const c = m.content;
    switch (m.header.msg_type) {
      case "kernel_info_request":
        return { type: "kernel_info_reply", content: KERNEL_INFO };
      case "execute_request":
        return { type: "execute_reply", content: await this.execute(m) };
      case "complete_request":
        return { type: "complete_reply", content: complete(String(c.code ?? ""), Number(c.cursor_pos ?? 0)) };
      case "inspect_request": {
        const doc = docAt(String(c.code ?? ""), Number(c.cursor_pos ?? 0));
        return {
          type: "inspect_reply",
          content: { status: "ok", found: doc !== undefined, data: doc ? { "text/plain": doc } : {}, metadata: {} },
        };
      }
      case "is_complete_request":
        return { type: "is_complete_reply", content: isComplete(String(c.code ?? "")) };
      case "comm_info_request":
        return { type: "comm_info_reply", content: { status: "ok", comms: {} } };
      case "history_request":
        return { type: "history_reply", content: { status: "ok", history: [] } };
      case "interrupt_request":
        this.toKernel({ type: "interrupt" });
        return { type: "interrupt_reply", content: { status: "ok" } };
      case "shutdown_request": {
        const restart = Boolean(c.restart);
        if (restart) {
          // a fresh kernel: the cell running (if any) ends as interrupted, the variables are gone
          this.running?.done(false);
          this.running = undefined;
          await this.worker.terminate();
          this.count = 0;
          this.startWorker();
        }
        return { type: "shutdown_reply", content: { status: "ok", restart } };
      }
      default:
        this.log(`nvmesim kernel: ${m.header.msg_type} is not answered`);
        return undefined;
    }
  }

  private toKernel(m: ToKernel): void {
    this.worker.postMessage(m);
  }

  private async execute(m: Message): Promise<Record<string, unknown>> {
    const code = String(m.content.code ?? "");
    const silent = Boolean(m.content.silent);
    if (!silent) this.count++;
    const count = this.count;
    if (!silent) await this.publish("execute_input", { code, execution_count: count }, m);
    const ok = await new Promise<boolean>((done) => {
      this.running = { request: m, done };
      this.toKernel({ type: "execute", cellId: m.header.msg_id, executionCount: count, source: code, widgets: {} });
    });
    const error = this.running?.error;
    this.running = undefined;
    if (ok) return { status: "ok", execution_count: count, user_expressions: {}, payload: [] };
    return {
      status: "error",
      execution_count: count,
      ename: error?.ename ?? "Interrupted",
      evalue: error?.evalue ?? "the cell was stopped",
      traceback: error?.traceback ?? [],
    };
  }

  /** The worker's messages for the running cell, as iopub messages with its request as their parent. */
  private fromKernel(k: FromKernel): void {
    const run = this.running;
    if (k.type === "ready" || !run || k.cellId !== run.request.header.msg_id) return;
    const m = run.request;
    if (k.type === "output") {
      const o = k.output;
      if (o.output_type === "error") run.error = o;
      const [type, content] = ioMessage(o);
      void this.publish(type, content, m);
    } else if (k.type === "update" && k.output && k.output.output_type !== "stream" && k.output.output_type !== "error")
      void this.publish(
        "update_display_data",
        { data: k.output.data, metadata: k.output.metadata, transient: { display_id: k.displayId } },
        m,
      );
    else if (k.type === "done") run.done(k.ok);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) s.close();
    this.stop();
  }
}

/** An output as its iopub message: stream, display_data, execute_result or error. */
function ioMessage(o: Output): [string, Record<string, unknown>] {
  switch (o.output_type) {
    case "stream":
      return ["stream", { name: o.name, text: o.text }];
    case "display_data":
      return ["display_data", { data: o.data, metadata: o.metadata, transient: o.transient ?? {} }];
    case "execute_result":
      return ["execute_result", { execution_count: o.execution_count, data: o.data, metadata: o.metadata }];
    case "error":
      return ["error", { ename: o.ename, evalue: o.evalue, traceback: o.traceback }];
  }
}

export const KERNEL_INFO = {
  status: "ok",
  protocol_version: PROTOCOL_VERSION,
  implementation: "nvmesim",
  implementation_version: "0.1.0",
  language_info: {
    name: "typescript",
    version: "5",
    mimetype: "text/typescript",
    file_extension: ".ts",
    codemirror_mode: "typescript",
    pygments_lexer: "typescript",
  },
  banner: "nvmesim: the Linux NVMe host paths, simulated (simulate, sweep, help())",
  help_links: [],
};

/** complete_reply: the page's completions at the cursor, those that start as the word typed there. */
export function complete(code: string, pos: number): Record<string, unknown> {
  const word = /[\w$]*$/.exec(code.slice(0, pos))?.[0] ?? "";
  const matches = optionsFor(codeContext(code, pos))
    .map((o) => o.label)
    .filter((l) => l.startsWith(word));
  return {
    status: "ok",
    matches: [...new Set(matches)],
    cursor_start: pos - word.length,
    cursor_end: pos,
    metadata: {},
  };
}

/** is_complete_reply: whether the code parses as a cell, needs more lines (brackets, a string or a comment left
 * open), or cannot parse. */
export function isComplete(code: string): Record<string, unknown> {
  try {
    transformCell(code);
    return { status: "complete" };
  } catch {
    return unclosed(code) ? { status: "incomplete", indent: "  " } : { status: "invalid" };
  }
}

/** Whether `code` leaves a bracket, a string, a template or a block comment open at its end. */
function unclosed(code: string): boolean {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = "";
      continue;
    }
    if (ch === "/" && code[i + 1] === "/") i = code.indexOf("\n", i) < 0 ? code.length : code.indexOf("\n", i);
    else if (ch === "/" && code[i + 1] === "*") {
      const end = code.indexOf("*/", i + 2);
      if (end < 0) return true;
      i = end + 1;
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
  }
  return depth > 0 || quote !== "";
}
