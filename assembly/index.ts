// The module's one export surface: functions that take and return numbers
// (pointers into linear memory are plain numbers) and the layout constants
// TypeScript reads memory with. Nothing here allocates behind the caller.

import { arenaReset } from "./runtime/arena";
import { physmemReset } from "./runtime/physmem";
import { Sqe } from "./nvme/sqe";
import { Cqe } from "./nvme/cqe";
import { SglDesc } from "./nvme/sgl";
import { Iod } from "./host/iod";
import { HostQueue } from "./host/queue";
import { CtrlQueue, Ctrl } from "./device/controller";
import { PagePool } from "./host/page-pool";

export {
  NVME_OPC_FLUSH,
  NVME_OPC_WRITE,
  NVME_OPC_READ,
  NVME_OPC_WRITE_ZEROES,
  NVME_OPC_DSM,
  NVME_PSDT_PRP,
  NVME_PSDT_SGL_MPTR_CONTIG,
  NVME_PSDT_SGL_MPTR_SGL,
  NVME_DSM_IDR,
  NVME_DSM_IDW,
  NVME_DSM_AD,
  NVME_SQE_BYTES,
  NVME_RW_NLB_MASK,
  NVME_RW_DEAC,
  NVME_RW_PRINFO_SHIFT,
  NVME_RW_FUA,
  NVME_RW_LR,
  NVME_RW_DSPEC_SHIFT,
  NVME_RW_APPMASK_SHIFT,
  NVME_DSM_NR_MASK,
  NVME_DSM_RANGE_BYTES,
  nvmeSqeClear,
  nvmeSqeSetHeader,
  nvmeRwCdw12,
  nvmeSqeSetRw,
  nvmeSqeSetDsm,
  nvmeSqeWriteRw,
} from "./nvme/sqe";
export {
  NVME_CQE_BYTES,
  NVME_STATUS_PHASE,
  NVME_STATUS_SC_SHIFT,
  NVME_STATUS_SCT_SHIFT,
  NVME_STATUS_CRD_SHIFT,
  NVME_STATUS_MORE,
  NVME_STATUS_DNR,
  nvmeStatus,
  nvmeCqeWrite,
} from "./nvme/cqe";
export {
  NVME_SGL_DESC_BYTES,
  NVME_SGL_TYPE_DATA_BLOCK,
  NVME_SGL_TYPE_BIT_BUCKET,
  NVME_SGL_TYPE_SEGMENT,
  NVME_SGL_TYPE_LAST_SEGMENT,
  NVME_SGL_SUBTYPE_ADDRESS,
  nvmeSglDescWrite,
} from "./nvme/sgl";
export * from "./nvme/status";
export * from "./nvme/doorbell";
export { SEG_BYTES, segSet } from "./host/segments";
export { IOD_HEADER_BYTES, iodCreate, iodFreeLists } from "./host/iod";
export {
  DPTR_OK,
  DPTR_ERR_NO_SEGMENTS,
  DPTR_ERR_SEG_EMPTY,
  DPTR_ERR_PRP1_ALIGN,
  DPTR_ERR_SEG_START,
  DPTR_ERR_SEG_END,
  DPTR_ERR_TOO_LONG,
  DPTR_ERR_SEG_WRAP,
  DPTR_ERR_POOL_EMPTY,
  DPTR_ERR_LIST_CAP,
} from "./host/iod";
export { pagePoolCreate, pagePoolAlloc, pagePoolFree } from "./host/page-pool";
export { nvmeSetupPrps } from "./host/prp";
export { nvmeSetupSgls } from "./host/sgl";
export {
  hostQueueCreate,
  hostCidAlloc,
  hostCidFree,
  hostSqNextSlot,
  hostSqAdvance,
  hostCqePending,
  hostCqConsume,
} from "./host/queue";
export {
  ctrlCreate,
  ctrlQueue,
  ctrlQueueCreate,
  ctrlDoorbellWrite,
  ctrlSqFetch,
  ctrlCqPost,
} from "./device/controller";
export {
  DMA_LIST_HEADER_BYTES,
  DMA_ENTRY_BYTES,
  DMA_FLAG_BIT_BUCKET,
  dmaListCreate,
  dmaListClear,
  dmaListCount,
} from "./device/dma-list";
export { nvmeMapPrp } from "./device/prp";
export { nvmeMapSgl } from "./device/sgl";
export { arenaAlloc } from "./runtime/arena";
export { PHYSMEM_REGIONS_MAX, physmemMap, physmemTranslate } from "./runtime/physmem";
export { prngCreate, prngNext } from "./runtime/prng";
export {
  EVENT_BYTES,
  eventQueueCreate,
  eventQueueCreateWheel,
  eventWindowNs,
  eventPush,
  eventPop,
  eventTopTimeNs,
  eventTopData,
} from "./runtime/event-queue";
export {
  EVENT_OP_BYTES,
  EVENT_OP_POP,
  EVENT_OP_PUSH,
  eventRecordingCreate,
  eventRecord,
  eventReplayBegin,
  eventReplay,
} from "./runtime/event-record";
export {
  KERNEL_DATA_PHYS_BASE,
  KERNEL_LIST_PHYS_BASE,
  kernelInit,
  kernelRun,
  kernelChecksum,
  kernelNowNs,
  kernelErrors,
  kernelDoorbellWrites,
  kernelRecordedOps,
  kernelReplay,
} from "./sim/kernel";

/** Drops every structure and mapping: the module is as freshly instantiated. */
export function simReset(): void {
  arenaReset();
  physmemReset();
}

/** Stores PRP1/PRP2 (or SGL descriptor 1 as two u64 words) into an SQE. */
export function nvmeSqeSetDptr(sqe: usize, dptr0: u64, dptr1: u64): void {
  let s = changetype<Sqe>(sqe);
  s.prp1 = dptr0;
  s.prp2 = dptr1;
}

// Field offsets TypeScript reads structures with.
export const IOD_DPTR0: u32 = offsetof<Iod>("dptr0");
export const IOD_DPTR1: u32 = offsetof<Iod>("dptr1");
export const IOD_NR_LISTS: u32 = offsetof<Iod>("nrLists");
export const IOD_ERROR_INDEX: u32 = offsetof<Iod>("errorIndex");
export const HOSTQ_SQ_CMDS: u32 = offsetof<HostQueue>("sqCmds");
export const HOSTQ_CQES: u32 = offsetof<HostQueue>("cqes");
export const HOSTQ_SQ_TAIL: u32 = offsetof<HostQueue>("sqTail");
export const HOSTQ_SQ_HEAD: u32 = offsetof<HostQueue>("sqHead");
export const HOSTQ_CQ_HEAD: u32 = offsetof<HostQueue>("cqHead");
export const HOSTQ_CQ_PHASE: u32 = offsetof<HostQueue>("cqPhase");
export const CTRLQ_SQ_HEAD: u32 = offsetof<CtrlQueue>("sqHead");
export const CTRLQ_SQ_TAIL: u32 = offsetof<CtrlQueue>("sqTail");
export const CTRLQ_CQ_HEAD: u32 = offsetof<CtrlQueue>("cqHead");
export const CTRLQ_CQ_TAIL: u32 = offsetof<CtrlQueue>("cqTail");
export const CTRLQ_CQ_PHASE: u32 = offsetof<CtrlQueue>("cqPhase");
export const CTRL_BAD_DOORBELL_WRITES: u32 = offsetof<Ctrl>("badDoorbellWrites");
export const POOL_FREE_PAGES: u32 = offsetof<PagePool>("top");
export const NVME_SQE_OPC: u32 = offsetof<Sqe>("opc");
export const NVME_SQE_FLAGS: u32 = offsetof<Sqe>("flags");
export const NVME_SQE_CID: u32 = offsetof<Sqe>("cid");
export const NVME_SQE_NSID: u32 = offsetof<Sqe>("nsid");
export const NVME_SQE_CDW2: u32 = offsetof<Sqe>("cdw2");
export const NVME_SQE_CDW3: u32 = offsetof<Sqe>("cdw3");
export const NVME_SQE_MPTR: u32 = offsetof<Sqe>("mptr");
export const NVME_SQE_PRP1: u32 = offsetof<Sqe>("prp1");
export const NVME_SQE_PRP2: u32 = offsetof<Sqe>("prp2");
export const NVME_SQE_CDW10: u32 = offsetof<Sqe>("cdw10");
export const NVME_SQE_CDW11: u32 = offsetof<Sqe>("cdw11");
export const NVME_SQE_CDW12: u32 = offsetof<Sqe>("cdw12");
export const NVME_SQE_CDW13: u32 = offsetof<Sqe>("cdw13");
export const NVME_SQE_CDW14: u32 = offsetof<Sqe>("cdw14");
export const NVME_SQE_CDW15: u32 = offsetof<Sqe>("cdw15");
export const NVME_CQE_DW0: u32 = offsetof<Cqe>("dw0");
export const NVME_CQE_DW1: u32 = offsetof<Cqe>("dw1");
export const NVME_CQE_SQHD: u32 = offsetof<Cqe>("sqhd");
export const NVME_CQE_SQID: u32 = offsetof<Cqe>("sqid");
export const NVME_CQE_CID: u32 = offsetof<Cqe>("cid");
export const NVME_CQE_STATUS: u32 = offsetof<Cqe>("status");
export const NVME_SGL_DESC_ADDR: u32 = offsetof<SglDesc>("addr");
export const NVME_SGL_DESC_LENGTH: u32 = offsetof<SglDesc>("length");
export const NVME_SGL_DESC_ID: u32 = offsetof<SglDesc>("id");

// Scratch: a fixed buffer outside the arena for passing bytes across the
// boundary (inspection commands, tests); simReset does not move it.
export const SCRATCH_BYTES: u32 = 65536;
const scratch = memory.data(SCRATCH_BYTES, 16);

export function scratchPtr(): usize {
  return scratch;
}

export {
  engineInit,
  engineStart,
  engineRun,
  engineDone,
  engineEvents,
  engineRecordedOps,
  engineReplay,
} from "./sim/engine";
export {
  engineThreadJobs,
  engineSplits,
  engineTrace,
  engineZones,
  engineLog,
  engineLogCount,
  engineLogOverflow,
} from "./sim/workloads/thread-job";
export { namespacePreload } from "./sim/device";
export { engineStats, engineHistogram, engineCpuNs } from "./sim/stats";
export {
  JOB_MAP_DEPTH,
  JOB_MAP_SUBMIT,
  JOB_MAP_COMPLETE,
  JOB_MAP_LAT_N,
  JOB_MAP_LAT_U,
  JOB_MAP_LAT_M,
  JOB_MAP_WORDS,
  JOB_SAMPLE_NS,
  jobStatsFinish,
  engineJobStats,
  engineJobMaps,
  engineJobHistogram,
} from "./sim/job-stats";
export { PLAT_NR, PLAT_BITS } from "./runtime/histogram";
export { LAT_CONSTANT, LAT_UNIFORM, LAT_EXPONENTIAL, LAT_LOGNORMAL } from "./device/media";

// Layouts of the engine's config and stats, generated from SimConfig and SimStats (src/wasm/layout-gen.ts).
export * from "./layouts";
