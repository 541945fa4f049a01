// The kernel loop in the reference model: the same work as
// assembly/sim/kernel.ts (one queue pair, Reads, PRPs from a LIFO page pool,
// uniform random latency, reap by phase) described independently, so both
// must end with the same checksum. `nvmesim bench` times it as the baseline.
import type { KernelLoopConfig } from "../../src/run/kernel-loop";
import { RefPrng } from "./prng";
import { refBuildPrps, refWalkPrps, type RefSegment } from "./prp";
import { RefQueuePair } from "./queue";

const DATA_BASE = 2 ** 32;
const LIST_BASE = 0x10000000;
const PAGE = 4096;
const LBA = 512;
const LATENCY_STREAM = 1;

export type RefKernelConfig = KernelLoopConfig; // the same knobs; only the engine differs

function mix(h: number, v: number): number {
  return Math.imul(h ^ v, 0x01000193) >>> 0;
}

/** A binary heap of (time, seq) -> data over typed arrays of a fixed capacity. */
export class EventHeap {
  private readonly time: Float64Array;
  private readonly seq: Float64Array;
  private readonly data: Uint32Array;
  private nextSeq = 0;
  size = 0;

  constructor(capacity: number) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.data = new Uint32Array(capacity);
  }

  private before(i: number, j: number): boolean {
    return this.time[i] < this.time[j] || (this.time[i] === this.time[j] && this.seq[i] < this.seq[j]);
  }

  private swap(i: number, j: number): void {
    const t = this.time[i];
    this.time[i] = this.time[j];
    this.time[j] = t;
    const s = this.seq[i];
    this.seq[i] = this.seq[j];
    this.seq[j] = s;
    const d = this.data[i];
    this.data[i] = this.data[j];
    this.data[j] = d;
  }

  push(time: number, data: number): void {
    let i = this.size++;
    this.time[i] = time;
    this.seq[i] = this.nextSeq++;
    this.data[i] = data;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  topTime(): number {
    return this.time[0];
  }

  topData(): number {
    return this.data[0];
  }

  pop(): void {
    this.size--;
    this.swap(0, this.size);
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.before(l, m)) m = l;
      if (r < this.size && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}

export interface RefKernelResult {
  ios: number;
  simulatedNs: number;
  checksum: number;
  errors: number;
}

export function runRefKernel(c: RefKernelConfig): RefKernelResult {
  const q = new RefQueuePair(c.qDepth);
  const rng = new RefPrng(c.seed, LATENCY_STREAM);
  const events = new EventHeap(c.qDepth);
  // Buffers sit back to back (cid * bytes): a size that is not whole pages starts mid-page and can touch one
  // page more than its length needs, so the pool is sized for that, as the module sizes it.
  const pagesPerIo = Math.ceil(c.ioBytes / PAGE) + (c.ioBytes % PAGE !== 0 ? 1 : 0);
  const listsPerIo = pagesPerIo > 2 ? Math.floor((pagesPerIo - 2) / 511) + 1 : 0;
  // Free command ids and list pages: stacks, lowest first when new.
  const freeCids = Array.from({ length: c.qDepth - 1 }, (_, i) => c.qDepth - 2 - i);
  const poolSize = c.iodepth * listsPerIo + 1;
  const freePages = Array.from({ length: poolSize }, (_, i) => poolSize - 1 - i);
  const listMemory: (number[] | undefined)[] = new Array(poolSize); // page index -> entries
  const listsOf: number[][] = Array.from({ length: c.qDepth }, () => []); // cid -> list page addresses
  const sqBytes = new Uint8Array(q.sq.buffer);
  const allocPage = (): number => LIST_BASE + (freePages.pop() ?? NaN) * PAGE;
  const readPage = (addr: number): number[] | undefined => listMemory[(addr - LIST_BASE) / PAGE];
  let now = 0;
  let lba = 0;
  let submitted = 0;
  let completed = 0;
  let checksum = 0x811c9dc5;
  let errors = 0;

  const submit = (): void => {
    const cid = freeCids.pop();
    if (cid === undefined || q.sqFull()) {
      errors++;
      return;
    }
    const seg: RefSegment = { addr: DATA_BASE + cid * c.ioBytes, len: c.ioBytes };
    const built = refBuildPrps([seg], PAGE, c.ioBytes, allocPage);
    if (!built.ok) {
      errors++;
      return;
    }
    const lists: number[] = [];
    for (const page of built.listPages) {
      listMemory[(page.addr - LIST_BASE) / PAGE] = page.entries;
      lists.push(page.addr);
    }
    listsOf[cid] = lists;
    const at = q.sqSlot();
    const sq = q.sq;
    sqBytes.fill(0, at, at + 64);
    sq.setUint8(at, 0x02); // Read
    sq.setUint16(at + 2, cid, true);
    sq.setUint32(at + 4, 1, true);
    sq.setUint32(at + 24, built.prp1 % 2 ** 32, true);
    sq.setUint32(at + 28, Math.floor(built.prp1 / 2 ** 32), true);
    sq.setUint32(at + 32, built.prp2 % 2 ** 32, true);
    sq.setUint32(at + 36, Math.floor(built.prp2 / 2 ** 32), true);
    sq.setUint32(at + 40, lba % 2 ** 32, true);
    sq.setUint32(at + 44, Math.floor(lba / 2 ** 32), true);
    sq.setUint32(at + 48, c.ioBytes / LBA - 1, true);
    lba += c.ioBytes / LBA;
    q.sqAdvance();
    submitted++;
  };

  const ringSq = (): void => {
    q.sqTailDoorbell = q.sqTail;
    for (let at = q.fetch(); at >= 0; at = q.fetch()) {
      const sq = q.sq;
      const cid = sq.getUint16(at + 2, true);
      const prp1 = sq.getUint32(at + 24, true) + sq.getUint32(at + 28, true) * 2 ** 32;
      const prp2 = sq.getUint32(at + 32, true) + sq.getUint32(at + 36, true) * 2 ** 32;
      const len = ((sq.getUint32(at + 48, true) & 0xffff) + 1) * LBA;
      const walked = refWalkPrps(prp1, prp2, len, PAGE, c.ioBytes, readPage);
      const status = (walked.status.sc << 1) | (walked.status.sct << 9) | (walked.status.dnr ? 0x8000 : 0);
      if (status !== 0) errors++;
      let sum = 0;
      for (const p of walked.pieces) sum = (sum + ((p.addr >>> 0) ^ p.len)) >>> 0;
      checksum = mix(checksum, sum);
      events.push(now + c.latencyNsMin + (rng.next() % c.latencyNsSpan), cid | (status << 16));
    }
  };

  while (submitted < Math.min(c.iodepth, c.ios)) submit();
  ringSq();
  while (completed < c.ios && events.size > 0) {
    const data = events.topData();
    now = events.topTime();
    events.pop();
    if (!q.post(data & 0xffff, data >>> 16)) errors++;
    let reaped = 0;
    for (let at = q.pending(); at >= 0; at = q.pending()) {
      const cid = q.cq.getUint16(at + 12, true);
      const status = q.cq.getUint16(at + 14, true) & 0xfffe;
      checksum = mix(mix(mix(checksum, cid), now >>> 0), status);
      const lists = listsOf[cid];
      for (let i = lists.length - 1; i >= 0; i--) {
        const index = (lists[i] - LIST_BASE) / PAGE;
        listMemory[index] = undefined;
        freePages.push(index);
      }
      freeCids.push(cid);
      q.consume();
      reaped++;
    }
    q.cqHeadDoorbell = q.cqHead;
    completed += reaped;
    for (let i = 0; i < reaped && submitted < c.ios; i++) submit();
    ringSq();
  }
  return { ios: completed, simulatedNs: now, checksum, errors };
}
