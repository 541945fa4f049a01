// A queue pair in the reference model (NVMe Base 2.0 3.3.1): SQ and CQ as
// byte rings, host and controller indices, phase tags that flip on wrap.

export class RefQueuePair {
  readonly sq: DataView;
  readonly cq: DataView;
  sqTail = 0; // host
  cqHead = 0; // host
  hostPhase = 1;
  sqHead = 0; // controller
  sqTailDoorbell = 0; // controller's copy
  cqTail = 0; // controller
  ctrlPhase = 1;
  cqHeadDoorbell = 0; // controller's copy
  sqHeadSeen = 0; // SQ head as the host last saw it in a CQE

  constructor(readonly depth: number) {
    this.sq = new DataView(new ArrayBuffer(depth * 64));
    this.cq = new DataView(new ArrayBuffer(depth * 16));
  }

  sqFull(): boolean {
    return (this.sqTail + 1) % this.depth === this.sqHeadSeen;
  }

  /** Byte offset of the SQE the host builds next; call sqFull first. */
  sqSlot(): number {
    return this.sqTail * 64;
  }

  sqAdvance(): void {
    this.sqTail = (this.sqTail + 1) % this.depth;
  }

  /** The controller takes the next SQE's byte offset, or -1 when the SQ is empty. */
  fetch(): number {
    if (this.sqHead === this.sqTailDoorbell) return -1;
    const at = this.sqHead * 64;
    this.sqHead = (this.sqHead + 1) % this.depth;
    return at;
  }

  /** The controller posts a CQE; false when the CQ is full. */
  post(cid: number, statusNoPhase: number, dw0 = 0): boolean {
    if ((this.cqTail + 1) % this.depth === this.cqHeadDoorbell) return false;
    const at = this.cqTail * 16;
    this.cq.setUint32(at, dw0, true);
    this.cq.setUint32(at + 4, 0, true);
    this.cq.setUint16(at + 8, this.sqHead, true);
    this.cq.setUint16(at + 10, 1, true);
    this.cq.setUint16(at + 12, cid, true);
    this.cq.setUint16(at + 14, (statusNoPhase & 0xfffe) | this.ctrlPhase, true);
    this.cqTail = (this.cqTail + 1) % this.depth;
    if (this.cqTail === 0) this.ctrlPhase ^= 1;
    return true;
  }

  /** Byte offset of the CQE at the host's head if it is new (phase matches), else -1. */
  pending(): number {
    const at = this.cqHead * 16;
    return (this.cq.getUint16(at + 14, true) & 1) === this.hostPhase ? at : -1;
  }

  consume(): void {
    this.sqHeadSeen = this.cq.getUint16(this.cqHead * 16 + 8, true);
    this.cqHead = (this.cqHead + 1) % this.depth;
    if (this.cqHead === 0) this.hostPhase ^= 1;
  }
}
