// Status codes: NVMe Base 2.0 Figures 94 (Status Code Type), 95 (Generic
// Command Status), 99 (Media and Data Integrity Errors); NVM Command Set 1.0
// Figure 11 (NVM command set generic status). Values are SC within an SCT.

export const NVME_SCT_GENERIC: u32 = 0x0;
export const NVME_SCT_CMD_SPECIFIC: u32 = 0x1;
export const NVME_SCT_MEDIA: u32 = 0x2;
export const NVME_SCT_PATH: u32 = 0x3;
export const NVME_SCT_VENDOR: u32 = 0x7;

// SCT 0: generic command status.
export const NVME_SC_SUCCESS: u32 = 0x00;
export const NVME_SC_INVALID_OPCODE: u32 = 0x01;
export const NVME_SC_INVALID_FIELD: u32 = 0x02;
export const NVME_SC_CMDID_CONFLICT: u32 = 0x03;
export const NVME_SC_DATA_XFER_ERROR: u32 = 0x04;
export const NVME_SC_INTERNAL: u32 = 0x06;
export const NVME_SC_INVALID_NS: u32 = 0x0b;
export const NVME_SC_SGL_INVALID_SEG: u32 = 0x0d; // Invalid SGL Segment Descriptor
export const NVME_SC_SGL_INVALID_COUNT: u32 = 0x0e; // Invalid Number of SGL Descriptors
export const NVME_SC_SGL_INVALID_DATA: u32 = 0x0f; // Data SGL Length Invalid
export const NVME_SC_SGL_INVALID_METADATA: u32 = 0x10; // Metadata SGL Length Invalid
export const NVME_SC_SGL_INVALID_TYPE: u32 = 0x11; // SGL Descriptor Type Invalid
export const NVME_SC_PRP_INVALID_OFFSET: u32 = 0x13;
export const NVME_SC_SGL_INVALID_OFFSET: u32 = 0x16;
export const NVME_SC_SGL_INVALID_GRANULARITY: u32 = 0x1e; // SGL Data Block Granularity Invalid
// SCT 0, NVM command set specific range 0x80..0xbf.
export const NVME_SC_LBA_RANGE: u32 = 0x80;
export const NVME_SC_CAP_EXCEEDED: u32 = 0x81;
export const NVME_SC_NS_NOT_READY: u32 = 0x82;

// SCT 2: media and data integrity errors.
export const NVME_SC_WRITE_FAULT: u32 = 0x80;
export const NVME_SC_READ_ERROR: u32 = 0x81; // Unrecovered Read Error
export const NVME_SC_GUARD_CHECK: u32 = 0x82;
export const NVME_SC_APPTAG_CHECK: u32 = 0x83;
export const NVME_SC_REFTAG_CHECK: u32 = 0x84;
export const NVME_SC_COMPARE_FAILED: u32 = 0x85;
export const NVME_SC_ACCESS_DENIED: u32 = 0x86;
export const NVME_SC_UNWRITTEN_BLOCK: u32 = 0x87;
