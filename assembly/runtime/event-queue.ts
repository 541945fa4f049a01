// Event queue: a binary min-heap in linear memory ordered by (time, sequence),
// so events at the same nanosecond run in the order they were scheduled.
//
//  EventQueue                 entries: cap x 16 B
//  +---------------------+    +-----------+---------+----------+
//  | entries count cap   |    | timeNs u64| seq u32 | data u32 |  heap order
//  | nextSeq             |    +-----------+---------+----------+
//  +---------------------+

import { arenaAlloc } from "./arena";

@unmanaged
export class EventQueue {
  entries: usize;
  count: u32;
  cap: u32;
  nextSeq: u32;
}

export const EVENT_BYTES: u32 = 16;

export function eventQueueCreate(cap: u32): usize {
  let q = changetype<EventQueue>(arenaAlloc(offsetof<EventQueue>(), 8));
  let entries = arenaAlloc(<usize>cap * EVENT_BYTES, 16);
  if (changetype<usize>(q) == 0 || entries == 0) return 0;
  q.entries = entries;
  q.cap = cap;
  return changetype<usize>(q);
}

// (time, seq) of a before (time, seq) of b.
function eventBefore(aTime: u64, aSeq: u32, bTime: u64, bSeq: u32): bool {
  return aTime < bTime || (aTime == bTime && <i32>(aSeq - bSeq) < 0);
}

/** Schedules `data` at `timeNs`; false when the queue is full. */
export function eventPush(q: EventQueue, timeNs: u64, data: u32): bool {
  if (q.count == q.cap) return false;
  let seq = q.nextSeq++;
  let base = q.entries;
  let i = q.count++;
  while (i > 0) {
    let parent = (i - 1) >> 1;
    let p = base + ((<usize>parent) << 4);
    if (!eventBefore(timeNs, seq, load<u64>(p), load<u32>(p, 8))) break;
    let e = base + ((<usize>i) << 4);
    store<u64>(e, load<u64>(p));
    store<u64>(e, load<u64>(p, 8), 8);
    i = parent;
  }
  let e = base + ((<usize>i) << 4);
  store<u64>(e, timeNs);
  store<u32>(e, seq, 8);
  store<u32>(e, data, 12);
  return true;
}

/** Time of the earliest event; only valid when count > 0. */
export function eventTopTimeNs(q: EventQueue): u64 {
  return load<u64>(q.entries);
}

/** Data of the earliest event; only valid when count > 0. */
export function eventTopData(q: EventQueue): u32 {
  return load<u32>(q.entries, 12);
}

/** Removes the earliest event; only valid when count > 0. */
export function eventPop(q: EventQueue): void {
  let base = q.entries;
  let n = --q.count;
  if (n == 0) return;
  let last = base + ((<usize>n) << 4);
  let lastTime = load<u64>(last);
  let lastSeq = load<u32>(last, 8);
  let lastData = load<u32>(last, 12);
  let i: u32 = 0;
  while (true) {
    let child = i * 2 + 1;
    if (child >= n) break;
    let c = base + ((<usize>child) << 4);
    if (child + 1 < n) {
      let r = c + 16;
      if (eventBefore(load<u64>(r), load<u32>(r, 8), load<u64>(c), load<u32>(c, 8))) {
        child++;
        c = r;
      }
    }
    if (!eventBefore(load<u64>(c), load<u32>(c, 8), lastTime, lastSeq)) break;
    let e = base + ((<usize>i) << 4);
    store<u64>(e, load<u64>(c));
    store<u64>(e, load<u64>(c, 8), 8);
    i = child;
  }
  let e = base + ((<usize>i) << 4);
  store<u64>(e, lastTime);
  store<u32>(e, lastSeq, 8);
  store<u32>(e, lastData, 12);
}
