// Scatter list: the (bus address, length) segments of one transfer, as the
// DMA-mapped scatterlist a driver gets from dma_map_sg. 16 bytes each:
//  +-----------+---------+-----+
//  | addr u64  | len u32 | pad |
//  +-----------+---------+-----+

export const SEG_BYTES: u32 = 16;

export function segAddr(segs: usize, index: u32): u64 {
  return load<u64>(segs + ((<usize>index) << 4));
}

export function segLen(segs: usize, index: u32): u32 {
  return load<u32>(segs + ((<usize>index) << 4), 8);
}

export function segSet(segs: usize, index: u32, addr: u64, len: u32): void {
  store<u64>(segs + ((<usize>index) << 4), addr);
  store<u32>(segs + ((<usize>index) << 4), len, 8);
}
