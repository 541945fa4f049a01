// Event queue: events ordered by (time, sequence), so events at the same
// nanosecond run in the order they were scheduled.
//
// Two tiers, so that an event costs about the same whatever the number
// scheduled (a run with 256 CPUs keeps thousands of completions in flight):
// a small binary min-heap, `near`, holds every event before `windowEnd`; a
// timing wheel of `buckets` lists, each `1 << shift` ns wide, holds the
// rest, unsorted, in the list of its window (time >> shift, modulo the
// wheel). When `near` runs dry the wheel turns: the next window's events
// move into `near`. An event more than a whole wheel ahead waits in its list
// until its own lap comes round. The top is always `near`'s, which is the
// earliest event of all, so the order is exactly a single heap's.
//
//  EventQueue                 near: cap x 16 B (heap order)    nodes: cap x 16 B, next: cap x u32
//  +---------------------+    +-----------+---------+----------+
//  | cap nextSeq         |    | timeNs u64| seq u32 | data u32 |   heads: buckets x u32
//  | near nearCount ...  |    +-----------+---------+----------+   (node index + 1, 0 = empty)
//  +---------------------+

import { arenaAlloc } from "./arena";

@unmanaged
export class EventQueue {
  cap: u32; // events in both tiers at most (nearCount + wheelCount)
  nextSeq: u32;
  nearCount: u32;
  near: usize;
  nodes: usize;
  next: usize;
  heads: usize;
  windowEnd: u64; // every event in `near` is before it; every event on the wheel at or after it
  mask: u32; // buckets - 1
  shift: u32;
  freeNode: u32; // node index + 1 of the first free node on the list, 0 = none
  freshNode: u32; // node index + 1 of the first node never used: it and all after it are free, on no list
  wheelCount: u32;
  adaptive: u32; // 1: the window width follows the events' density
  turnWindows: u32; // windows passed and events moved since the width was last weighed
  turnEvents: u32;
}

export const EVENT_BYTES: u32 = 16;

/** A fixed wheel (the kernel loop's): 4096 windows of 1024 ns. */
export const EVENT_WHEEL_SHIFT: u32 = 10;
export const EVENT_WHEEL_BITS: u32 = 12;

/**
 * A queue of `cap` events whose windows narrow or widen with the events' density, on a wheel of as many
 * windows as events (at least 2^EVENT_WHEEL_BITS, at most 2^20): with about one event per window the wheel
 * reaches as far ahead as the events do, and few wait a lap.
 */
export function eventQueueCreate(cap: u32): usize {
  let bits: u32 = cap > 1 ? 32 - clz<u32>(cap - 1) : 0;
  bits = bits < EVENT_WHEEL_BITS ? EVENT_WHEEL_BITS : bits > 20 ? 20 : bits;
  let q = eventQueueCreateWheel(cap, EVENT_WHEEL_SHIFT, bits);
  if (q != 0) changetype<EventQueue>(q).adaptive = 1;
  return q;
}

/** A queue of `cap` events whose wheel has 2^`bits` windows of 2^`shift` ns, always. */
export function eventQueueCreateWheel(cap: u32, shift: u32, bits: u32): usize {
  let q = changetype<EventQueue>(arenaAlloc(offsetof<EventQueue>(), 8));
  let near = arenaAlloc(<usize>cap * EVENT_BYTES, 16);
  let nodes = arenaAlloc(<usize>cap * EVENT_BYTES, 16);
  let next = arenaAlloc(<usize>cap << 2, 4);
  let heads = arenaAlloc((<usize>1 << bits) << 2, 4);
  if (changetype<usize>(q) == 0 || near == 0 || nodes == 0 || next == 0 || heads == 0) return 0;
  q.cap = cap;
  q.near = near;
  q.nodes = nodes;
  q.next = next;
  q.heads = heads;
  q.mask = (1 << bits) - 1;
  q.shift = shift;
  // The arena's memory comes zeroed: every list starts empty. Nodes are taken fresh until the first is freed, so
  // a queue sized for thousands of CPUs' worst case costs nothing for the nodes it never uses.
  q.freeNode = 0;
  q.freshNode = 1;
  return changetype<usize>(q);
}

// (time, seq) of a before (time, seq) of b.
@inline function eventBefore(aTime: u64, aSeq: u32, bTime: u64, bSeq: u32): bool {
  return aTime < bTime || (aTime == bTime && <i32>(aSeq - bSeq) < 0);
}

// A wheel node's entry (time, seq, data) and its link to the next node of its list: nodes count from 1, and a
// link or head of 0 ends a list.
@inline function nodeEntry(q: EventQueue, node: u32): usize {
  return q.nodes + ((<usize>(node - 1)) << 4);
}

@inline function nodeLink(q: EventQueue, node: u32): usize {
  return q.next + ((<usize>(node - 1)) << 2);
}

@inline function nodeTake(q: EventQueue): u32 {
  let node = q.freeNode;
  if (node == 0) {
    node = q.freshNode;
    q.freshNode = node + 1;
    return node;
  }
  q.freeNode = load<u32>(nodeLink(q, node));
  return node;
}

@inline function nodeFree(q: EventQueue, node: u32): void {
  store<u32>(nodeLink(q, node), q.freeNode);
  q.freeNode = node;
}

// The head of the list of the window `timeNs` falls in.
@inline function wheelHead(q: EventQueue, timeNs: u64): usize {
  return q.heads + ((<usize>(<u32>(timeNs >> q.shift) & q.mask)) << 2);
}

// Puts `node` (its entry at `timeNs`) first in its window's list.
@inline function wheelLink(q: EventQueue, node: u32, timeNs: u64): void {
  let head = wheelHead(q, timeNs);
  store<u32>(nodeLink(q, node), load<u32>(head));
  store<u32>(head, node);
}

/** True when no event is scheduled (`near` holds the earliest whenever any is, so an empty `near` says it). */
@inline export function eventQueueEmpty(q: EventQueue): bool {
  return q.nearCount == 0;
}

// Adds an event to the near heap.
function nearPush(q: EventQueue, timeNs: u64, seq: u32, data: u32): void {
  let base = q.near;
  let i = q.nearCount++;
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
}

// Moves a wheel node's event (already out of its list) into `near` and frees the node.
@inline function nodeToNear(q: EventQueue, node: u32): void {
  let e = nodeEntry(q, node);
  nearPush(q, load<u64>(e), load<u32>(e, 8), load<u32>(e, 12));
  nodeFree(q, node);
  q.wheelCount--;
}

/** Schedules `data` at `timeNs`; false when the queue is full. */
export function eventPush(q: EventQueue, timeNs: u64, data: u32): bool {
  let nearCount = q.nearCount;
  let wheelCount = q.wheelCount;
  if (nearCount + wheelCount == q.cap) return false;
  let seq = q.nextSeq;
  q.nextSeq = seq + 1;
  if (timeNs < q.windowEnd) {
    nearPush(q, timeNs, seq, data);
    if (q.adaptive != 0) {
      let weighed = q.turnEvents + 1;
      q.turnEvents = weighed;
      if (weighed >= EVENT_WEIGH_EVENTS) eventWeighWidth(q);
    }
    return true;
  }
  let node = nodeTake(q);
  let e = nodeEntry(q, node);
  store<u64>(e, timeNs);
  store<u32>(e, seq, 8);
  store<u32>(e, data, 12);
  wheelLink(q, node, timeNs);
  q.wheelCount = wheelCount + 1;
  if (nearCount == 0) eventTurn(q);
  return true;
}

// Turns the wheel until `near` holds an event (only called when it is empty and the wheel is not): each window
// passed moves its due events into `near`. A lap with nothing due jumps to the earliest event's window; on an
// adaptive queue, EVENT_WEIGH_EVENTS windows passed empty widen the windows first.
function eventTurn(q: EventQueue): void {
  let windows: u32 = 0; // passed, for the weighing
  let empty: u32 = 0; // passed empty since the last weighing
  let lap: u32 = 0; // passed empty since the last jump
  while (q.nearCount == 0) {
    let width = (<u64>1) << q.shift;
    let start = q.windowEnd;
    let end = start + width;
    let prev = wheelHead(q, start);
    let node = load<u32>(prev);
    // The due events leave the list (newest first) for a chain that reverses them, so they go into `near`
    // oldest first: events of one time then each push at the heap's end, with no sifting up.
    let due: u32 = 0;
    while (node != 0) {
      let link = nodeLink(q, node);
      let following = load<u32>(link);
      if (load<u64>(nodeEntry(q, node)) < end) {
        store<u32>(prev, following);
        store<u32>(link, due);
        due = node;
      } else prev = link;
      node = following;
    }
    while (due != 0) {
      let following = load<u32>(nodeLink(q, due));
      nodeToNear(q, due);
      due = following;
    }
    q.windowEnd = end;
    windows++;
    if (q.nearCount != 0) break;
    if (q.adaptive != 0 && ++empty >= EVENT_WEIGH_EVENTS) {
      q.turnWindows += windows;
      windows = 0;
      empty = 0;
      eventWeighWidth(q); // wider windows: laid out again, `near` gets the earliest's
    } else if (++lap > q.mask) {
      q.windowEnd = eventWheelEarliest(q) & ~(width - 1);
      lap = 0;
    }
  }
  q.turnWindows += windows;
  q.turnEvents += q.nearCount;
  if (q.turnEvents >= EVENT_WEIGH_EVENTS && q.adaptive != 0) eventWeighWidth(q);
}

// Events that went into `near` (moved by a turn or pushed there) per window passed, weighed once
// EVENT_WEIGH_EVENTS have: above EVENT_PER_WINDOW_MAX the near heap grows deep, and the windows halve until
// they would hold fewer; below one, turning walks empty windows, and they double until they would hold one.
const EVENT_WEIGH_EVENTS: u32 = 4096;
const EVENT_PER_WINDOW_MAX: u64 = 8;
const EVENT_SHIFT_MAX: u32 = 24;

function eventWeighWidth(q: EventQueue): void {
  let shift = q.shift;
  let events = <u64>(q.turnEvents > 0 ? q.turnEvents : 1);
  let passed = <u64>(q.turnWindows > 0 ? q.turnWindows : 1);
  for (; events > passed * EVENT_PER_WINDOW_MAX && shift > 0; shift--) passed <<= 1;
  for (; events < passed && shift < EVENT_SHIFT_MAX; shift++) events <<= 1;
  q.turnWindows = 0;
  q.turnEvents = 0;
  if (shift != q.shift) eventRewheel(q, shift);
}

// Lays every event out again over windows of 2^`shift` ns: `near` takes the window of the earliest, the wheel
// the rest.
function eventRewheel(q: EventQueue, shift: u32): void {
  let width = (<u64>1) << shift;
  // Every event into one chain of nodes, `near`'s too (there are as many nodes as events can be)...
  let chain: u32 = 0;
  let earliest: u64 = 0xffff_ffff_ffff_ffff;
  for (let b: u32 = 0; b <= q.mask; b++) {
    let head = q.heads + ((<usize>b) << 2);
    let node = load<u32>(head);
    store<u32>(head, 0);
    while (node != 0) {
      let link = nodeLink(q, node);
      let following = load<u32>(link);
      let t = load<u64>(nodeEntry(q, node));
      if (t < earliest) earliest = t;
      store<u32>(link, chain);
      chain = node;
      node = following;
    }
  }
  if (q.nearCount != 0 && load<u64>(q.near) < earliest) earliest = load<u64>(q.near);
  for (let i: u32 = 0; i < q.nearCount; i++) {
    let node = nodeTake(q);
    memory.copy(nodeEntry(q, node), q.near + ((<usize>i) << 4), EVENT_BYTES);
    store<u32>(nodeLink(q, node), chain);
    chain = node;
  }
  q.wheelCount += q.nearCount;
  q.nearCount = 0;
  q.shift = shift;
  let windowEnd = chain != 0 ? (earliest & ~(width - 1)) + width : (q.windowEnd + width - 1) & ~(width - 1);
  q.windowEnd = windowEnd;
  // ...then each to `near` or to its list.
  while (chain != 0) {
    let node = chain;
    chain = load<u32>(nodeLink(q, node));
    let t = load<u64>(nodeEntry(q, node));
    if (t < windowEnd) nodeToNear(q, node);
    else wheelLink(q, node, t);
  }
}

// The earliest time on the wheel (not empty): a scan of every list.
function eventWheelEarliest(q: EventQueue): u64 {
  let earliest: u64 = 0xffff_ffff_ffff_ffff;
  for (let b: u32 = 0; b <= q.mask; b++) {
    for (let node = load<u32>(q.heads + ((<usize>b) << 2)); node != 0; node = load<u32>(nodeLink(q, node))) {
      let t = load<u64>(nodeEntry(q, node));
      if (t < earliest) earliest = t;
    }
  }
  return earliest;
}

/** The wheel's window width in ns (it changes on an adaptive queue). */
export function eventWindowNs(q: EventQueue): u64 {
  return (<u64>1) << q.shift;
}

/** Time of the earliest event; only valid when the queue is not empty. */
@inline export function eventTopTimeNs(q: EventQueue): u64 {
  return load<u64>(q.near);
}

/** Data of the earliest event; only valid when the queue is not empty. */
@inline export function eventTopData(q: EventQueue): u32 {
  return load<u32>(q.near, 12);
}

/** Removes the earliest event; only valid when the queue is not empty. */
export function eventPop(q: EventQueue): void {
  let base = q.near;
  let n = --q.nearCount;
  if (n == 0) {
    if (q.wheelCount != 0) eventTurn(q);
    return;
  }
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
