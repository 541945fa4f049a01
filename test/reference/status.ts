// Status words of the reference model: NVMe Base 2.0 Figure 93, values from
// Figures 95 and 99 typed in again here (not read from the module).

export interface RefStatus {
  sct: number;
  sc: number;
  dnr: boolean;
}

export const SC = {
  success: 0x00,
  invalidField: 0x02,
  dataTransferError: 0x04,
  internal: 0x06,
  sglInvalidSegment: 0x0d,
  sglInvalidCount: 0x0e,
  sglInvalidDataLength: 0x0f,
  sglInvalidType: 0x11,
  prpOffsetInvalid: 0x13,
} as const;

export const OK: RefStatus = { sct: 0, sc: 0, dnr: false };

export function generic(sc: number, dnr: boolean): RefStatus {
  return { sct: 0, sc, dnr };
}

/** The 16-bit status word (phase bit clear). */
export function statusWord(s: RefStatus, crd = 0, more = false): number {
  return (s.sc << 1) | (s.sct << 9) | (crd << 12) | (more ? 1 << 14 : 0) | (s.dnr ? 1 << 15 : 0);
}
