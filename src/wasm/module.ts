// Loads the nvmesim Wasm module from bytes (Node) or a URL (browser) and gives
// typed access to its exports and memory. The only code that touches
// WebAssembly.Memory; browser-safe (no node: imports).
import type { ConstantName, NvmesimExports } from "./exports";

export type { NvmesimExports } from "./exports";

/** An instantiated module plus views of its linear memory. */
export class Nvmesim {
  readonly exports: NvmesimExports;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as NvmesimExports;
  }

  /** A layout constant exported by the module. */
  constant(name: ConstantName): number {
    const global = this.exports[name] as unknown;
    if (!(global instanceof WebAssembly.Global)) throw new Error(`invalid constant: ${String(name)}`);
    return Number(global.value);
  }

  /** A fresh DataView (memory may have grown since the last one). */
  view(): DataView {
    return new DataView(this.exports.memory.buffer);
  }

  /** A copy of `length` bytes at `ptr`. */
  bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, ptr, length).slice();
  }

  /** Writes `data` at `ptr`. */
  write(ptr: number, data: Uint8Array): void {
    new Uint8Array(this.exports.memory.buffer, ptr, data.length).set(data);
  }

  u32(ptr: number): number {
    return this.view().getUint32(ptr, true);
  }

  u64(ptr: number): bigint {
    return this.view().getBigUint64(ptr, true);
  }
}

function imports(memoryRef: { instance?: WebAssembly.Instance }): WebAssembly.Imports {
  return {
    env: {
      // AssemblyScript's abort(message, fileName, line, column): strings are UTF-16 with the byte length at ptr - 4.
      abort(messagePtr: number, filePtr: number, line: number, column: number): never {
        const memory = memoryRef.instance?.exports.memory as WebAssembly.Memory | undefined;
        const read = (ptr: number): string => {
          if (!memory || ptr === 0) return "";
          const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
          return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
        };
        throw new Error(`wasm abort: ${read(messagePtr)} at ${read(filePtr)}:${line}:${column}`);
      },
    },
  };
}

/** Instantiates the module from its bytes or an already compiled module. */
export async function instantiateNvmesim(source: BufferSource | WebAssembly.Module): Promise<Nvmesim> {
  const ref: { instance?: WebAssembly.Instance } = {};
  const instance =
    source instanceof WebAssembly.Module
      ? await WebAssembly.instantiate(source, imports(ref))
      : (await WebAssembly.instantiate(source, imports(ref))).instance;
  ref.instance = instance;
  return new Nvmesim(instance);
}

/** Fetches and compiles the module from a URL (browser, or Node's fetch): one compiled module serves many instances. */
export async function compileNvmesim(url: string | URL): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${String(url)}: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** Fetches and instantiates the module from a URL (browser, or Node's fetch). */
export async function fetchNvmesim(url: string | URL): Promise<Nvmesim> {
  return instantiateNvmesim(await compileNvmesim(url));
}
