// The simulated machine: the run's configuration and counters, and one root
// holding every piece of the machine's state (CPUs, queue pairs, threads,
// command records, host buffers, the controller and its media), laid out in
// the arena by engineInit. The records have one definition each, drawn
// below; the event word has one packing. Everything above this file (host-io,
// device, kblockd, the workloads, the engine) reads the machine through here,
// and nothing here imports what sits above it: completions travel up through
// the engine's dispatcher (as bio->bi_end_io hands them up in Linux), and the
// one thing the host asks of the workload, what a write carries, is a hook
// the engine binds at init.

import { Iod } from "../host/iod";
import { HostQueue } from "../host/queue";
import { Ctrl } from "../device/controller";
import { EventQueue, eventPush } from "../runtime/event-queue";
import { EVENT_OP_PUSH, EventRecording, eventRecord } from "../runtime/event-record";
import { Prng } from "../runtime/prng";
import { PagePool } from "../host/page-pool";
import { SimConfig, WORKLOAD_SWAP } from "./config";
import { cpuCharge, st } from "./stats";

export const PAGE_SHIFT: u32 = 12;
export const LBA_SHIFT: u32 = 9;
export const NO_TIME: u64 = 0xffff_ffff_ffff_ffff;
export const LIST_PHYS_BASE: u64 = 0x1000_0000;
export const DATA_PHYS_BASE: u64 = 0x1_0000_0000;

// ---- the event word: type (4 bits) | cpu (12 bits) | value (16 bits) ----

export const EV_FETCH: u32 = 1; // value: SQ tail the doorbell carried
export const EV_DONE: u32 = 2; // value: cid whose media work ended
export const EV_IRQ: u32 = 3;
export const EV_RUN: u32 = 4; // value: a thread that yielded and goes on (no cpu)
export const EV_KBLOCKD: u32 = 5; // a kworker run on the event's CPU
export const EV_SQREAP: u32 = 6; // a submission on the event's CPU ends: 3.19's driver reaps the CQ there

@inline export function evWord(type: u32, cpu: u32, value: u32): u32 {
  return (type << 28) | (cpu << 16) | value;
}
@inline export function evType(word: u32): u32 {
  return word >> 28;
}
@inline export function evCpu(word: u32): u32 {
  return (word >> 16) & 0xfff;
}
@inline export function evValue(word: u32): u32 {
  return word & 0xffff;
}

/** Queues an event; a full queue is a broken invariant, counted. */
export function post(when: u64, word: u32): void {
  if (!eventPush(M.events, when, word)) st.engineErrors++;
  else eventRecord(M.recording, EVENT_OP_PUSH, when, word);
}

// ---- records ----

/** One command in flight, per queue and cid (what the host keeps of it, and the controller's view of its DPTR).
 *
 *   0            8            16           24           32      36   38    39      40      42   43   44       48       52   56
 *   | lbaPage    | submitNs   | dptr0      | dptr1      | thread | -- | write | retries | status | psdt | -- | slatNs | readSeq | -- |
 */
@unmanaged
export class IoRec {
  lbaPage: u64; // first region page (in M.unitShift units)
  submitNs: u64; // submission start (kept across retries)
  dptr0: u64; // PRP1, or SGL descriptor 1's first word (the controller's fetched copy)
  dptr1: u64; // PRP2, or SGL descriptor 1's second word
  thread: u32;
  pages: u16; // region pages it moves (a merged write has several)
  write: u8;
  retries: u8;
  status: u16; // the controller's status for the command
  psdt: u8;
  pad1: u8;
  slatNs: u32; // until the driver was done with it
  readSeq: u32; // fio verify: the write sequence when the read was submitted, or READ_UNSURE
  fetchedAt: u32; // ns after submitNs that the controller fetched it (its last try's)
  deviceDoneAt: u32; // ns after submitNs that its CQE was posted
  pad2: u32;
}
if (offsetof<IoRec>() != 64) ERROR("IoRec is 64 bytes");
if (offsetof<IoRec>("dptr1") - offsetof<IoRec>("dptr0") != 8) ERROR("an SGL descriptor is read from dptr0..dptr1");

/** One workload thread.
 *
 *   0     4          8      16        24    40
 *   | cpu | inFlight | --   | seqPage | rng |
 */
@unmanaged
export class ThreadRec {
  cpu: u32;
  inFlight: u32;
  pad: u64;
  seqPage: u64; // the next page of a sequential job
  rng0: u64; // the thread's Prng (16 bytes), seen through rng()
  rng1: u64;

  @inline rng(): Prng {
    return changetype<Prng>(changetype<usize>(this) + offsetof<ThreadRec>("rng0"));
  }
}
if (offsetof<ThreadRec>() != 40) ERROR("ThreadRec is 40 bytes");

// ---- the machine's root ----

/** Every piece of the machine's state; the arrays live in the arena. */
@unmanaged
export class Machine {
  ctrl: Ctrl;
  events: EventQueue;
  hostRng: Prng; // the host's injected mistakes
  listPool: PagePool; // one PRP list pool for the device (dev->prp_page_pool)
  hostQueues: usize; // HostQueue ptr per CPU
  iods: usize; // per CPU: qDepth iods of iodStride bytes
  ioRecs: usize; // per CPU: qDepth IoRecs
  cpuBusy: usize; // u64 per CPU: when its work ends
  irqAt: usize; // u64 per CPU: time of the scheduled interrupt, or NO_TIME
  passEnd: usize; // u64 per CPU: when its latest CQ pass ends (a CQE posted before then joins that pass)
  idleHistory: usize; // per CPU: its last IDLE_HISTORY idle times (u32 ns) and the next slot (u32)
  threads: usize; // ThreadRecs
  iodStride: usize;
  // A "page" below is the unit content is tracked in: 4 KiB, or one 512 B sector when the run's I/Os are
  // smaller than 4 KiB (a namespace formatted with 512 B blocks); unitShift is its log2.
  unitShift: u32;
  pagesPerIo: u32;
  bufPages: u32; // host buffer pages per command id: pagesPerIo, or a merged write's largest
  regionPages: u64;
  // The host's side of the data (host-io.ts).
  hostTags: usize; // u32 per host data page (buffer shadow)
  expectTags: usize; // u32 per region page: what the host last wrote
  hostWritten: usize; // a bit per region page, set when the host first submits a write to it (clear: the three below hold 0)
  writesInFlight: usize; // u8 per region page
  pageWriteSeq: usize; // fio verify: u32 per region page, writeSeq when a write to it was last submitted
  segs: usize;
  writeSeq: u32;
  dispatchStart: u64; // when kblockd dispatches a queued write: when it was queued (else NO_TIME)
  // The device (device.ts).
  devRng: Prng;
  nsTags: usize; // u32 per region page: what the namespace holds
  nsWritten: usize; // a bit per region page, set once it holds a tag (a clear bit: nsTags holds 0, unread)
  dieFree: usize; // u64 per die
  batchDue: usize; // u64 per CPU: when its completion list's timer fires (completionBatch), or NO_TIME
  readLat: usize; // latency tables
  writeLat: usize;
  dma: usize;
  ctrlBusy: u64;
  linkNs: u64; // pipe times of one transfer of the run's size: on the link, on the device's path reading
  readDataNs: u64; //   and writing (a merged write of another size works its own out)
  writeDataNs: u64;
  linkFree: u64; // when the link (its lanes to the host, with laneEachWay) is free
  linkFreeWrite: u64; // its lanes from the host (laneEachWay)
  dataFree: u64; // when the device's own data path is free (reads and writes share it)
  writeFree: u64; // when its write path takes the next write (the rated write ceilings)
  writeEnds: usize; // u64 x WRITE_STREAMS: where recent writes ended (a write that starts there is sequential)
  writeEndNext: u32;
  recording: EventRecording; // the event queue's operations, when engineInit was asked to record them (else 0)
}

const rootStatic = memory.data(512, 8);
if (offsetof<Machine>() > 512) ERROR("Machine outgrew its static root");
const configStatic = memory.data(512, 8);
if (offsetof<SimConfig>() > 512) ERROR("SimConfig outgrew its static copy");

/** The machine. */
export const M: Machine = changetype<Machine>(rootStatic);
/** The run's configuration: options in, read-only once the run starts. */
export const cfg: SimConfig = changetype<SimConfig>(configStatic);

/** Copies the run's configuration (written by TypeScript at `configPtr`) in and clears the machine. */
export function machineReset(configPtr: usize): void {
  memory.copy(configStatic, configPtr, offsetof<SimConfig>());
  memory.fill(rootStatic, 0, offsetof<Machine>());
  M.dispatchStart = NO_TIME;
}

@inline export function isSwap(): bool {
  return cfg.workload == WORKLOAD_SWAP;
}

export function ioRec(cpu: u32, cid: u32): IoRec {
  return changetype<IoRec>(M.ioRecs + (<usize>cpu * cfg.qDepth + cid) * offsetof<IoRec>());
}

export function threadRec(t: u32): ThreadRec {
  return changetype<ThreadRec>(M.threads + <usize>t * offsetof<ThreadRec>());
}

export function hq(cpu: u32): HostQueue {
  return changetype<HostQueue>(load<usize>(M.hostQueues + (<usize>cpu << 2)));
}

export function iodOf(cpu: u32, cid: u32): Iod {
  return changetype<Iod>(M.iods + (<usize>cpu * cfg.qDepth + cid) * M.iodStride);
}

/** The first host data page of `cid`'s buffer on `cpu`. */
export function bufferPage(cpu: u32, cid: u32): u64 {
  return (<u64>cpu * cfg.qDepth + cid) * M.bufPages;
}

/** Thread `t` goes on at `now` through the event queue. */
export function threadYield(t: u32, now: u64): void {
  post(now, evWord(EV_RUN, 0, t));
}

// A polling CPU with I/O outstanding that ran out of work at `busy` spins until `now`: busy all the same.
function pollSpin(cpu: u32, busy: u64, now: u64): void {
  if (cfg.polled == 0 || busy >= now || hq(cpu).cidFree >= cfg.qDepth - 1) return;
  let spin = now - busy;
  st.pollSpinNs += spin;
  cpuCharge(cpu, spin);
  st.nPollPass += (spin + <u64>cfg.costPollPass - 1) / <u64>cfg.costPollPass;
}

/** Charges `ns` of CPU work on `cpu` starting no earlier than `now`, after the work queued before it; returns when it ends. */
export function cpuRun(cpu: u32, now: u64, ns: u64): u64 {
  let at = M.cpuBusy + (<usize>cpu << 3);
  let busy = load<u64>(at);
  let start = busy > now ? busy : now;
  if (start == now) pollSpin(cpu, busy, now);
  let end = start + ns;
  store<u64>(at, end);
  cpuCharge(cpu, ns);
  return end;
}

/**
 * Charges `ns` of CPU work on `cpu` that runs at `now` ahead of any queued work (an interrupt handler, or a CQ
 * pass inside the work that is running): the queued work ends `ns` later. Returns when the inserted work ends.
 */
export function cpuInsert(cpu: u32, now: u64, ns: u64): u64 {
  let at = M.cpuBusy + (<usize>cpu << 3);
  let busy = load<u64>(at);
  pollSpin(cpu, busy, now);
  store<u64>(at, (busy > now ? busy : now) + ns);
  cpuCharge(cpu, ns);
  return now + ns;
}

/** When `cpu`'s queued work ends (it is idle after that). */
export function cpuFreeAt(cpu: u32): u64 {
  return load<u64>(M.cpuBusy + (<usize>cpu << 3));
}

/** Idle times the governor remembers per CPU (menu's get_typical_interval looks at the last 8). */
export const IDLE_HISTORY: u32 = 8;

/**
 * The exit latency of the idle state `cpu` was in, idle for `idleNs` with a task waiting on I/O. 3.19's menu
 * governor predicts the idle time from the recent ones (here: the mean of the last IDLE_HISTORY) and takes the
 * deepest state whose target residency fits the prediction and whose exit latency is below it over its
 * performance multiplier, 1 + 10 x the CPU's I/O waiters + 2 x get_loadavg(this_cpu_load()): one waiter, the
 * sleeping task, and a CPU that runs one task between its sleeps (cpu_load ~1024, get_loadavg 5): 21.
 * The idle time that came joins the history.
 */
export function idleExitNs(cpu: u32, idleNs: u64): u64 {
  let hist = M.idleHistory + <usize>cpu * ((IDLE_HISTORY + 1) << 2);
  let sum: u64 = 0;
  for (let i: u32 = 0; i < IDLE_HISTORY; i++) sum += <u64>load<u32>(hist + (<usize>i << 2));
  let slot = load<u32>(hist + (<usize>IDLE_HISTORY << 2));
  store<u32>(hist + (<usize>slot << 2), idleNs > 0xffff_ffff ? 0xffff_ffff : <u32>idleNs);
  store<u32>(hist + (<usize>IDLE_HISTORY << 2), slot + 1 == IDLE_HISTORY ? 0 : slot + 1);
  let predicted = sum / IDLE_HISTORY;
  let limit = predicted / 21;
  let exit: u64 = 0;
  for (let i: u32 = 0; i < cfg.idleStates; i++) {
    let e = <u64>load<u32>(changetype<usize>(cfg) + offsetof<SimConfig>("idleExitNs0") + (<usize>i << 2));
    let r = <u64>load<u32>(changetype<usize>(cfg) + offsetof<SimConfig>("idleResidencyNs0") + (<usize>i << 2));
    if (r > predicted || e > limit) break;
    exit = e;
  }
  return exit;
}

// ---- the one hook: what the workload wrote ----

/** The content tag of a page the host writes: the workload decides what its program wrote there (bound by the engine). */
export let writeTag: (page: u64) => u32 = (page: u64): u32 => 0;

export function bindWriteTag(tag: (page: u64) => u32): void {
  writeTag = tag;
}
