// What the host writes, for cells (nvme.sqe, nvme.prps, nvme.sgls,
// nvme.walkPrps): the same Wasm encoders and walkers the simulator runs.
import { buildPrps, buildSgls, walkPrps, type ListPage, type Segment } from "../../wasm/data-pointer";
import { decodeSqe, encodeSqe, type SqeRequest } from "../../wasm/sqe";
import type { KernelHost } from "./kernel";

const LIST_BASE = 0x1000_0000n;
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

interface Limits {
  pageBytes?: number;
  maxBytes?: number;
}

export function nvmeHelpers(host: KernelHost) {
  const page = (o: Limits) => o.pageBytes ?? 4096;
  const max = (o: Limits) => BigInt(o.maxBytes ?? 8 << 20);
  return {
    /** A 64-byte SQE: its hex and its decoded fields. */
    async sqe(request: SqeRequest) {
      const m = await host.loadNvmesim();
      const bytes = encodeSqe(m, request);
      return { hex: hex(bytes), fields: decodeSqe(m, bytes) };
    },
    /** PRP1, PRP2 and list pages for data segments, as nvme_setup_prps builds them. */
    async prps(segments: Segment[], o: Limits = {}) {
      return buildPrps(await host.loadNvmesim(), segments, page(o), max(o), LIST_BASE);
    },
    /** SGL descriptors for data segments, as nvme_pci_setup_sgls builds them. */
    async sgls(segments: Segment[], o: Limits = {}) {
      return buildSgls(await host.loadNvmesim(), segments, page(o), max(o), LIST_BASE);
    },
    /** The controller's walk of PRPs: the data pieces, or the status it answers with. */
    async walkPrps(prp1: bigint, prp2: bigint, len: number, listPages: ListPage[] = [], o: Limits = {}) {
      return walkPrps(await host.loadNvmesim(), prp1, prp2, BigInt(len), page(o), max(o), listPages);
    },
  };
}
