// The Wasm module's export surface as TypeScript sees it (assembly/index.ts).
// u64 parameters and results cross the boundary as bigint, everything else as
// number; pointers are numbers. test/wasm/exports.test.ts checks this list
// against the built module.

type Ptr = number;
/** Every constant (a WebAssembly.Global) the module exports. */
export const CONSTANT_NAMES = [
  "NVME_OPC_FLUSH",
  "NVME_OPC_WRITE",
  "NVME_OPC_READ",
  "NVME_OPC_WRITE_ZEROES",
  "NVME_OPC_DSM",
  "NVME_PSDT_PRP",
  "NVME_PSDT_SGL_MPTR_CONTIG",
  "NVME_PSDT_SGL_MPTR_SGL",
  "NVME_DSM_IDR",
  "NVME_DSM_IDW",
  "NVME_DSM_AD",
  "NVME_SQE_BYTES",
  "NVME_CQE_BYTES",
  "NVME_SGL_DESC_BYTES",
  "NVME_SGL_TYPE_DATA_BLOCK",
  "NVME_SGL_TYPE_BIT_BUCKET",
  "NVME_SGL_TYPE_SEGMENT",
  "NVME_SGL_TYPE_LAST_SEGMENT",
  "NVME_REG_DBS",
  "NVME_QUEUE_DEPTH_MIN",
  "NVME_QUEUE_DEPTH_MAX",
  "NVME_DSTRD_MAX",
  "SEG_BYTES",
  "IOD_HEADER_BYTES",
  "IOD_DPTR0",
  "IOD_DPTR1",
  "IOD_NR_LISTS",
  "IOD_ERROR_INDEX",
  "HOSTQ_SQ_CMDS",
  "HOSTQ_CQES",
  "HOSTQ_SQ_TAIL",
  "HOSTQ_SQ_HEAD",
  "HOSTQ_CQ_HEAD",
  "HOSTQ_CQ_PHASE",
  "CTRLQ_SQ_HEAD",
  "CTRLQ_SQ_TAIL",
  "CTRLQ_CQ_HEAD",
  "CTRLQ_CQ_TAIL",
  "CTRLQ_CQ_PHASE",
  "CTRL_BAD_DOORBELL_WRITES",
  "POOL_FREE_PAGES",
  "DMA_LIST_HEADER_BYTES",
  "DMA_ENTRY_BYTES",
  "DMA_FLAG_BIT_BUCKET",
  "PHYSMEM_REGIONS_MAX",
  "EVENT_BYTES",
  "EVENT_OP_BYTES",
  "EVENT_OP_POP",
  "EVENT_OP_PUSH",
  "KERNEL_DATA_PHYS_BASE",
  "KERNEL_LIST_PHYS_BASE",
  "DPTR_OK",
  "DPTR_ERR_NO_SEGMENTS",
  "DPTR_ERR_SEG_EMPTY",
  "DPTR_ERR_PRP1_ALIGN",
  "DPTR_ERR_SEG_START",
  "DPTR_ERR_SEG_END",
  "DPTR_ERR_TOO_LONG",
  "DPTR_ERR_SEG_WRAP",
  "DPTR_ERR_POOL_EMPTY",
  "DPTR_ERR_LIST_CAP",
  "NVME_SQE_OPC",
  "NVME_SQE_FLAGS",
  "NVME_SQE_CID",
  "NVME_SQE_NSID",
  "NVME_SQE_CDW2",
  "NVME_SQE_CDW3",
  "NVME_SQE_MPTR",
  "NVME_SQE_PRP1",
  "NVME_SQE_PRP2",
  "NVME_SQE_CDW10",
  "NVME_SQE_CDW11",
  "NVME_SQE_CDW12",
  "NVME_SQE_CDW13",
  "NVME_SQE_CDW14",
  "NVME_SQE_CDW15",
  "NVME_CQE_DW0",
  "NVME_CQE_DW1",
  "NVME_CQE_SQHD",
  "NVME_CQE_SQID",
  "NVME_CQE_CID",
  "NVME_CQE_STATUS",
  "NVME_SGL_DESC_ADDR",
  "NVME_SGL_DESC_LENGTH",
  "NVME_SGL_DESC_ID",
  "SCRATCH_BYTES",
  "PLAT_NR",
  "JOB_MAP_DEPTH",
  "JOB_MAP_SUBMIT",
  "JOB_MAP_COMPLETE",
  "JOB_MAP_LAT_N",
  "JOB_MAP_LAT_U",
  "JOB_MAP_LAT_M",
  "JOB_MAP_WORDS",
  "JOB_SAMPLE_NS",
  "PLAT_BITS",
  "LAT_CONSTANT",
  "LAT_UNIFORM",
  "LAT_EXPONENTIAL",
  "LAT_LOGNORMAL",
  "NVME_RW_NLB_MASK",
  "NVME_RW_DEAC",
  "NVME_RW_PRINFO_SHIFT",
  "NVME_RW_FUA",
  "NVME_RW_LR",
  "NVME_RW_DSPEC_SHIFT",
  "NVME_RW_APPMASK_SHIFT",
  "NVME_DSM_NR_MASK",
  "NVME_DSM_RANGE_BYTES",
  "NVME_STATUS_PHASE",
  "NVME_STATUS_SC_SHIFT",
  "NVME_STATUS_SCT_SHIFT",
  "NVME_STATUS_CRD_SHIFT",
  "NVME_STATUS_MORE",
  "NVME_STATUS_DNR",
  "NVME_SGL_SUBTYPE_ADDRESS",
  "NVME_SCT_GENERIC",
  "NVME_SCT_CMD_SPECIFIC",
  "NVME_SCT_MEDIA",
  "NVME_SCT_PATH",
  "NVME_SCT_VENDOR",
  "NVME_SC_SUCCESS",
  "NVME_SC_INVALID_OPCODE",
  "NVME_SC_INVALID_FIELD",
  "NVME_SC_CMDID_CONFLICT",
  "NVME_SC_DATA_XFER_ERROR",
  "NVME_SC_INTERNAL",
  "NVME_SC_INVALID_NS",
  "NVME_SC_SGL_INVALID_SEG",
  "NVME_SC_SGL_INVALID_COUNT",
  "NVME_SC_SGL_INVALID_DATA",
  "NVME_SC_SGL_INVALID_METADATA",
  "NVME_SC_SGL_INVALID_TYPE",
  "NVME_SC_PRP_INVALID_OFFSET",
  "NVME_SC_SGL_INVALID_OFFSET",
  "NVME_SC_SGL_INVALID_GRANULARITY",
  "NVME_SC_LBA_RANGE",
  "NVME_SC_CAP_EXCEEDED",
  "NVME_SC_NS_NOT_READY",
  "NVME_SC_WRITE_FAULT",
  "NVME_SC_READ_ERROR",
  "NVME_SC_GUARD_CHECK",
  "NVME_SC_APPTAG_CHECK",
  "NVME_SC_REFTAG_CHECK",
  "NVME_SC_COMPARE_FAILED",
  "NVME_SC_ACCESS_DENIED",
  "NVME_SC_UNWRITTEN_BLOCK",
] as const;

export type ConstantName = (typeof CONSTANT_NAMES)[number];

export interface NvmesimExports extends Record<ConstantName, WebAssembly.Global> {
  memory: WebAssembly.Memory;
  // memory
  simReset(): void;
  scratchPtr(): Ptr;
  arenaAlloc(bytes: number, align: number): Ptr;
  physmemMap(physBase: bigint, ptr: Ptr, sizeBytes: bigint): number;
  physmemTranslate(addr: bigint, bytes: bigint): Ptr;
  // SQE / CQE / SGL encoding
  nvmeSqeClear(sqe: Ptr): void;
  nvmeSqeSetHeader(sqe: Ptr, opc: number, fuse: number, psdt: number, cid: number, nsid: number): void;
  nvmeRwCdw12(nlb: number, fua: boolean | number, lr: boolean | number, deac: boolean | number, prinfo: number): number;
  nvmeSqeSetRw(
    sqe: Ptr,
    slba: bigint,
    cdw12: number,
    dsm: number,
    dspec: number,
    reftag: number,
    apptag: number,
    appmask: number,
  ): void;
  nvmeSqeSetDsm(sqe: Ptr, nr: number, attributes: number): void;
  nvmeSqeWriteRw(
    sqe: Ptr,
    opc: number,
    psdt: number,
    cid: number,
    nsid: number,
    dptr0: bigint,
    dptr1: bigint,
    slba: bigint,
    cdw12: number,
    cdw13: number,
  ): void;
  nvmeSqeSetDptr(sqe: Ptr, dptr0: bigint, dptr1: bigint): void;
  nvmeStatus(sct: number, sc: number, crd: number, more: boolean | number, dnr: boolean | number): number;
  nvmeCqeWrite(cqe: Ptr, dw0: number, dw1: number, sqhd: number, sqid: number, cid: number, status: number): void;
  nvmeSglDescWrite(desc: Ptr, addr: bigint, length: number, type: number, subtype: number): void;
  nvmeSqTailDoorbell(qid: number, dstrd: number): bigint;
  nvmeCqHeadDoorbell(qid: number, dstrd: number): bigint;
  nvmeRingNext(index: number, qDepth: number): number;
  nvmeRingFull(tail: number, head: number, qDepth: number): number;
  nvmeRingUsed(tail: number, head: number, qDepth: number): number;
  // host data pointers
  segSet(segs: Ptr, index: number, addr: bigint, len: number): void;
  iodCreate(listCap: number): Ptr;
  iodFreeLists(iod: Ptr, pool: Ptr): void;
  pagePoolCreate(physBase: bigint, pageBytes: number, pageCount: number): Ptr;
  pagePoolAlloc(pool: Ptr): number;
  pagePoolFree(pool: Ptr, index: number): void;
  nvmeSetupPrps(iod: Ptr, segs: Ptr, segCount: number, pageShift: number, maxBytes: bigint, pool: Ptr): number;
  nvmeSetupSgls(iod: Ptr, segs: Ptr, segCount: number, pageBytes: number, maxBytes: bigint, pool: Ptr): number;
  // controller data pointers
  dmaListCreate(cap: number): Ptr;
  dmaListClear(list: Ptr): void;
  dmaListCount(list: Ptr): number;
  nvmeMapPrp(prp1: bigint, prp2: bigint, lenBytes: bigint, pageShift: number, maxBytes: bigint, out: Ptr): number;
  nvmeMapSgl(desc1: Ptr, lenBytes: bigint, maxBytes: bigint, out: Ptr): number;
  // queues
  hostQueueCreate(qid: number, qDepth: number): Ptr;
  hostCidAlloc(q: Ptr): number;
  hostCidFree(q: Ptr, cid: number): number;
  hostSqNextSlot(q: Ptr): Ptr;
  hostSqAdvance(q: Ptr): void;
  hostCqePending(q: Ptr): Ptr;
  hostCqConsume(q: Ptr): void;
  ctrlCreate(queueCount: number, dstrd: number): Ptr;
  ctrlQueue(ctrl: Ptr, qid: number): Ptr;
  ctrlQueueCreate(ctrl: Ptr, qid: number, sqCmds: Ptr, cqes: Ptr, qDepth: number): number;
  ctrlDoorbellWrite(ctrl: Ptr, offset: bigint, value: number): number;
  ctrlSqFetch(q: Ptr): Ptr;
  ctrlCqPost(q: Ptr, cid: number, status: number, dw0: number): number;
  // simulation engine
  prngCreate(seed: bigint, stream: number): Ptr;
  prngNext(p: Ptr): number;
  eventQueueCreate(cap: number): Ptr;
  eventQueueCreateWheel(cap: number, shift: number, bits: number): Ptr;
  eventWindowNs(q: Ptr): bigint;
  eventPush(q: Ptr, timeNs: bigint, data: number): number;
  eventPop(q: Ptr): void;
  eventTopTimeNs(q: Ptr): bigint;
  eventTopData(q: Ptr): number;
  /** A recording of up to `cap` queue operations (0 when memory runs out). */
  eventRecordingCreate(cap: number): Ptr;
  /** Records a push or pop (EVENT_OP_PUSH, EVENT_OP_POP) of an event while the recording has room. */
  eventRecord(r: Ptr, op: number, timeNs: bigint, data: number): void;
  /** A fresh queue made like `like` at its start, for the recording to replay on; 0 when memory runs out. */
  eventReplayBegin(r: Ptr, like: Ptr): number;
  /** Replays operations [from, to) on the fresh queue; the operations that went otherwise (0 when faithful). */
  eventReplay(r: Ptr, from: number, to: number): number;
  kernelInit(
    seed: bigint,
    qDepth: number,
    iodepth: number,
    bytes: number,
    ios: bigint,
    latencyMin: number,
    span: number,
    recordOps: number,
  ): number;
  kernelRun(batch: number): number;
  /** Operations kernelInit's recording holds; with `replay` set, also a fresh queue to replay them on. */
  kernelRecordedOps(replay: number): number;
  /** Replays recorded operations [from, to) on the fresh queue; the operations that went otherwise (0 when faithful). */
  kernelReplay(from: number, to: number): number;
  kernelChecksum(): number;
  kernelNowNs(): bigint;
  kernelErrors(): number;
  kernelDoorbellWrites(): number;
  /** 0, or -1 when memory runs out; records the event queue's first `recordOps` pushes and pops (0: none). */
  engineInit(configPtr: Ptr, recordOps: number): number;
  /** Starts the fio threads of a run whose config set deferStart, after their jobs were written (absent in older builds). */
  engineStart?(): void;
  /** The fio threads' ThreadJob records, the block-size split table and the replayed trace (written before engineStart). */
  engineThreadJobs(): Ptr;
  engineSplits(): Ptr;
  engineTrace(): Ptr;
  engineZones(): Ptr;
  /** The completed I/Os kept for fio's logs (LogRec each), how many, and 1 when some did not fit. */
  engineLog(): Ptr;
  engineLogCount(): number;
  engineLogOverflow(): number;
  engineRun(batch: number): number;
  /** Puts a content tag into a namespace page before the run (a swap slot, or data the host never wrote). */
  namespacePreload(page: number, tag: number): void;
  engineDone(): number;
  /** Events the engine dispatched since engineInit (how much work the run took, apart from what it simulated). */
  engineEvents(): bigint;
  /** Operations engineInit's recording holds; with `replay` set, also a fresh queue to replay them on. */
  engineRecordedOps(replay: number): number;
  /** Replays recorded operations [from, to) on the fresh queue; the operations that went otherwise (0 when faithful). */
  engineReplay(from: number, to: number): number;
  engineStats(): Ptr;
  engineHistogram(write: number): Ptr;
  engineCpuNs(): Ptr;
  jobStatsFinish(nowNs: bigint): void;
  engineJobStats(): Ptr;
  engineJobMaps(): Ptr;
  engineJobHistogram(job: number, write: number): Ptr;
}
