// Goal: the one loader works both ways the front ends use it: bytes (Node) and a fetched URL (browser).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { WASM_PATH } from "../../src/wasm/build";
import { fetchNvmesim, instantiateNvmesim } from "../../src/wasm/module";
import { encodeSqe } from "../../src/wasm/sqe";

const bytes = readFileSync(WASM_PATH);

describe("loading the module", () => {
  it("from bytes", async () => {
    const m = await instantiateNvmesim(bytes);
    expect(encodeSqe(m, { command: "flush", nsid: 1, cid: 3 })[2]).toBe(3);
  });

  it("from a URL over HTTP, as a page does", async () => {
    const server = createServer((req, res) => {
      if (req.url === "/nvmesim.wasm") {
        res.writeHead(200, { "content-type": "application/wasm" });
        res.end(bytes);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const m = await fetchNvmesim(`http://127.0.0.1:${port}/nvmesim.wasm`);
      expect(m.constant("NVME_SQE_BYTES")).toBe(64);
      await expect(fetchNvmesim(`http://127.0.0.1:${port}/missing.wasm`)).rejects.toThrow(/HTTP 404/);
    } finally {
      server.close();
    }
  });

  it("instances do not share memory", async () => {
    const a = await instantiateNvmesim(bytes);
    const b = await instantiateNvmesim(bytes);
    a.write(a.exports.scratchPtr(), Uint8Array.of(0xab));
    expect(b.bytes(b.exports.scratchPtr(), 1)[0]).toBe(0);
  });
});
