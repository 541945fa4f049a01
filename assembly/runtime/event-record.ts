// A run's event-queue operations, recorded and replayed: what the queue
// alone costs on the run's own sequence of pushes and pops, with nothing
// else around it (the bench's "queue alone" figures). The run records into
// the arena while the recording has room; the replay runs the operations
// again on a fresh queue made like the run's, and checks every pop against
// the event the run popped, so a replay that times another order fails.
//
//  EventRecording            ops: cap x EVENT_OP_BYTES
//  +--------------------+    +-----------+----------+---------+
//  | ops cap count      |    | timeNs u64| data u32 | op u32  |   op: EVENT_OP_PUSH or EVENT_OP_POP
//  | replay (a queue)   |    +-----------+----------+---------+
//  +--------------------+

import { arenaAlloc } from "./arena";
import {
  EventQueue,
  eventPop,
  eventPush,
  eventQueueCreate,
  eventQueueCreateWheel,
  eventQueueEmpty,
  eventTopData,
  eventTopTimeNs,
} from "./event-queue";

@unmanaged
export class EventRecording {
  ops: usize;
  cap: u32;
  count: u32;
  replay: EventQueue; // the queue the operations replay on (0 until eventReplayBegin)
}

export const EVENT_OP_BYTES: u32 = 16;
export const EVENT_OP_POP: u32 = 0;
export const EVENT_OP_PUSH: u32 = 1;

/** A recording of up to `cap` operations, in the arena; 0 when memory runs out. */
export function eventRecordingCreate(cap: u32): usize {
  let r = changetype<EventRecording>(arenaAlloc(offsetof<EventRecording>(), 8));
  let ops = arenaAlloc(<usize>cap * EVENT_OP_BYTES, 16);
  if (changetype<usize>(r) == 0 || ops == 0) return 0;
  r.ops = ops;
  r.cap = cap;
  return changetype<usize>(r);
}

/**
 * Records a push or pop of an event while `r` has room (a recording that filled keeps the run's first ops);
 * nothing when `r` is 0 (the run is not recorded).
 */
@inline export function eventRecord(r: EventRecording, op: u32, timeNs: u64, data: u32): void {
  if (changetype<usize>(r) == 0) return;
  let n = r.count;
  if (n < r.cap) {
    let at = r.ops + <usize>n * EVENT_OP_BYTES;
    store<u64>(at, timeNs);
    store<u32>(at, data, 8);
    store<u32>(at, op, 12);
    r.count = n + 1;
  }
}

/**
 * A fresh queue made like `like` was at its start (its capacity, its wheel; an adaptive one starts at the
 * default width again) for the operations to replay on from the first; false when memory runs out.
 */
export function eventReplayBegin(r: EventRecording, like: EventQueue): bool {
  let bits: u32 = 32 - clz<u32>(like.mask);
  let q = like.adaptive != 0 ? eventQueueCreate(like.cap) : eventQueueCreateWheel(like.cap, like.shift, bits);
  r.replay = changetype<EventQueue>(q);
  return q != 0;
}

/**
 * Operations `r` holds (0 when there is no recording). With `replay`, also makes a fresh queue like `like` to
 * replay them on from the first (0 when memory runs out for it).
 */
export function eventRecordedOps(r: EventRecording, like: EventQueue, replay: bool): u32 {
  if (changetype<usize>(r) == 0 || (replay && !eventReplayBegin(r, like))) return 0;
  return r.count;
}

/**
 * Runs recorded operations [from, to) again on the replay queue: each push, and each pop after checking that
 * the earliest event is the one the run popped. Returns the operations that went otherwise (a pop that found
 * another event or none, a push that found the queue full): 0 in a faithful replay. Without a recording or a
 * replay queue (eventReplayBegin) none can run, and all of them count.
 */
export function eventReplay(r: EventRecording, from: u32, to: u32): u32 {
  if (changetype<usize>(r) == 0 || changetype<usize>(r.replay) == 0) return to > from ? to - from : 0;
  let q = r.replay;
  let end = to < r.count ? to : r.count;
  let wrong: u32 = 0;
  for (let i = from; i < end; i++) {
    let at = r.ops + <usize>i * EVENT_OP_BYTES;
    let timeNs = load<u64>(at);
    let data = load<u32>(at, 8);
    if (load<u32>(at, 12) == EVENT_OP_PUSH) {
      if (!eventPush(q, timeNs, data)) wrong++;
    } else if (eventQueueEmpty(q)) {
      wrong++;
    } else {
      if (eventTopTimeNs(q) != timeNs || eventTopData(q) != data) wrong++;
      eventPop(q);
    }
  }
  return wrong;
}
