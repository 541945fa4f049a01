/*
 * The kernel loop in C: the work of assembly/sim/kernel.ts (and of the
 * TypeScript reference model, test/reference/kernel.ts) written once more in
 * plain C, so `nvmesim bench` can time the Wasm loop against a native build
 * of the same loop (case kernel-4k-c / kernel-128k-c). Per I/O: take a
 * command id, build PRPs (list pages from a LIFO pool for more than two
 * pages), encode a 64-byte Read SQE, ring the SQ tail doorbell; the
 * controller fetches, walks the PRPs (NVMe Base 2.0 4.1.1) and, after a
 * uniform random latency (xoshiro128** seeded by splitmix64) on the event
 * queue (a near heap and a timing wheel) ordered by (time, sequence), posts
 * a CQE with the phase tag; the host reaps by phase, frees the command id
 * and list pages, rings the CQ head doorbell and submits the next. It ends
 * with the same checksum as the Wasm and TypeScript versions.
 *
 * The same file builds twice. Natively:
 *   build: cc -O2 -o kernel-loop kernel-loop.c
 *   run:   kernel-loop SEED QDEPTH IODEPTH IO_BYTES IOS LATENCY_MIN LATENCY_SPAN
 *   prints one line: ios=N simulated_ns=N checksum=0xXXXXXXXX errors=N seconds=S
 * and to WebAssembly with clang (case kernel-4k-c-wasm), to tell what V8's
 * code generation costs from what the AssemblyScript costs:
 *   clang --target=wasm32 -O3 -nostdlib -mbulk-memory -Wl,--no-entry -o kernel-loop.wasm kernel-loop.c
 * exporting kl_init, kl_run (in batches, as the AssemblyScript loop runs:
 * V8 moves a Wasm function to its optimizing tier only between calls),
 * kl_checksum, kl_errors and kl_now_ns.
 */
#include <stdint.h>
#include <stddef.h>
#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(#name)))
extern unsigned char __heap_base;
static size_t heap_top;
/* A bump allocator over the module's memory, reset by each kl_init; calloc zeroes what an earlier run left. */
static void *calloc(size_t n, size_t size) {
  size_t at = (heap_top + 15) & ~(size_t)15, end = at + n * size, have = __builtin_wasm_memory_size(0) * 65536;
  if (end > have && __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (size_t)-1) return 0;
  heap_top = end;
  __builtin_memset((void *)at, 0, n * size);
  return (void *)at;
}
static void *malloc(size_t n) { return calloc(n, 1); }
#define memcpy __builtin_memcpy
#define memset __builtin_memset
#else
#define EXPORT(name)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#endif

#define PAGE 4096u
#define PAGE_SHIFT 12u
#define LBA_SHIFT 9u
#define SLOTS (PAGE / 8u)
#define DATA_BASE 0x100000000ull
#define LIST_BASE 0x10000000ull
#define SC_INVALID_FIELD 0x02u
#define SC_DATA_TRANSFER_ERROR 0x04u
#define SC_PRP_OFFSET_INVALID 0x13u

static uint32_t status_word(uint32_t sc, int dnr) { return (sc << 1) | (dnr ? 0x8000u : 0); }
static uint32_t mix(uint32_t h, uint32_t v) { return (h ^ v) * 0x01000193u; }

/* ---- xoshiro128**, seeded by splitmix64 with a stream number ---- */
static uint32_t s0, s1, s2, s3;
static uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static void prng_seed(uint64_t seed, uint64_t stream) {
  uint64_t a = splitmix64(seed ^ (stream * 0xd1342543de82ef95ull));
  uint64_t b = splitmix64(a);
  s0 = (uint32_t)a, s1 = (uint32_t)(a >> 32), s2 = (uint32_t)b, s3 = (uint32_t)(b >> 32);
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
}
static uint32_t prng_next(void) {
  uint32_t result = rotl(s1 * 5u, 7) * 9u, t = s1 << 9;
  s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = rotl(s3, 11);
  return result;
}

/* ---- events: (time, sequence) -> data, as assembly/runtime/event-queue.ts keeps them: a small binary heap
 * ("near") of everything before window_end, and a timing wheel of WHEEL lists, 1 << WSHIFT ns each, for the
 * rest; when near runs dry the wheel turns and the next window's events move into near ---- */
#define WSHIFT 10u
#define WHEEL 4096u
typedef struct { uint64_t time, seq; uint32_t data; } event_t;
static event_t *heap, *nodes;
static uint32_t *next_node, heads[WHEEL], free_node, wheel_count;
static uint32_t heap_size, heap_cap, event_count;
static uint64_t heap_seq, window_end;
static int before(const event_t *a, const event_t *b) { return a->time < b->time || (a->time == b->time && a->seq < b->seq); }
static void near_push(event_t e) {
  uint32_t i = heap_size++;
  while (i > 0) {
    uint32_t parent = (i - 1) >> 1;
    if (!before(&e, &heap[parent])) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = e;
}
static uint64_t wheel_earliest(void) {
  uint64_t t = UINT64_MAX;
  for (uint32_t b = 0; b < WHEEL; b++)
    for (uint32_t n = heads[b]; n; n = next_node[n - 1])
      if (nodes[n - 1].time < t) t = nodes[n - 1].time;
  return t;
}
static void wheel_turn(void) {
  const uint64_t width = 1ull << WSHIFT;
  uint32_t windows = 0;
  while (heap_size == 0) {
    uint64_t start = window_end, end = start + width;
    uint32_t *prev = &heads[(start >> WSHIFT) & (WHEEL - 1)], due = 0;
    /* the due events leave the list (newest first) for a chain that reverses them: into near oldest first */
    for (uint32_t n = *prev; n;) {
      uint32_t following = next_node[n - 1];
      if (nodes[n - 1].time < end) {
        *prev = following;
        next_node[n - 1] = due, due = n;
      } else {
        prev = &next_node[n - 1];
      }
      n = following;
    }
    while (due) {
      uint32_t following = next_node[due - 1];
      near_push(nodes[due - 1]);
      next_node[due - 1] = free_node, free_node = due;
      wheel_count--;
      due = following;
    }
    window_end = end;
    if (++windows >= WHEEL && heap_size == 0) window_end = wheel_earliest() & ~(width - 1), windows = 0;
  }
}
static int heap_push(uint64_t time, uint32_t data) {
  if (event_count == heap_cap) return 0;
  event_count++;
  event_t e = {time, heap_seq++, data};
  if (time < window_end) {
    near_push(e);
    return 1;
  }
  uint32_t n = free_node;
  free_node = next_node[n - 1];
  nodes[n - 1] = e;
  uint32_t *head = &heads[(time >> WSHIFT) & (WHEEL - 1)];
  next_node[n - 1] = *head, *head = n;
  wheel_count++;
  if (heap_size == 0) wheel_turn();
  return 1;
}
static void heap_pop(void) {
  event_count--;
  event_t last = heap[--heap_size];
  uint32_t i = 0;
  for (;;) {
    uint32_t l = 2 * i + 1, r = l + 1, m = i;
    const event_t *best = &last;
    if (l < heap_size && before(&heap[l], best)) m = l, best = &heap[l];
    if (r < heap_size && before(&heap[r], best)) m = r;
    if (m == i) break;
    heap[i] = heap[m];
    i = m;
  }
  if (heap_size) heap[i] = last;
  else if (wheel_count) wheel_turn();
}

/* ---- one queue pair: SQ and CQ rings, host and controller indices, phases ---- */
static uint8_t *sq, *cq;
static uint32_t depth, sq_tail, last_sq_tail, cq_head, host_phase = 1, sq_head_seen;
static uint32_t ctrl_sq_head, ctrl_sq_tail_db, ctrl_cq_tail, ctrl_phase = 1, ctrl_cq_head_db;
static uint32_t bad_doorbells;

static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* A doorbell write: SQ tail (even register) or CQ head (odd), checked as a controller does. */
static void doorbell(uint32_t reg, uint32_t value) {
  if (value >= depth) { bad_doorbells++; return; }
  if (reg == 0) ctrl_sq_tail_db = value;
  else ctrl_cq_head_db = value;
}
static uint8_t *ctrl_fetch(void) {
  if (ctrl_sq_head == ctrl_sq_tail_db) return 0;
  uint8_t *at = sq + (size_t)ctrl_sq_head * 64;
  ctrl_sq_head = ctrl_sq_head + 1 == depth ? 0 : ctrl_sq_head + 1;
  return at;
}
static int ctrl_post(uint16_t cid, uint16_t status) {
  uint32_t next = ctrl_cq_tail + 1 == depth ? 0 : ctrl_cq_tail + 1;
  if (next == ctrl_cq_head_db) return 0;
  uint8_t *at = cq + (size_t)ctrl_cq_tail * 16;
  put32(at, 0), put32(at + 4, 0), put16(at + 8, (uint16_t)ctrl_sq_head), put16(at + 10, 1);
  put16(at + 12, cid), put16(at + 14, (uint16_t)((status & 0xfffe) | ctrl_phase));
  ctrl_cq_tail = next;
  if (next == 0) ctrl_phase ^= 1;
  return 1;
}
static uint8_t *host_pending(void) {
  uint8_t *at = cq + (size_t)cq_head * 16;
  return (get16(at + 14) & 1) == host_phase ? at : 0;
}
static void host_consume(void) {
  sq_head_seen = get16(cq + (size_t)cq_head * 16 + 8);
  cq_head = cq_head + 1 == depth ? 0 : cq_head + 1;
  if (cq_head == 0) host_phase ^= 1;
}

/* ---- host memory: command ids, PRP list pages ---- */
static uint32_t *free_cids, n_free_cids;
static uint32_t *free_pages, n_free_pages;
static uint64_t *list_mem; /* pool page i's SLOTS entries */
static uint32_t *lists_of; /* per cid: lists_per_io page indices */
static uint32_t *n_lists_of, lists_per_io, pool_pages;
/* The host page at bus address `addr` as the controller reads it: a pool page, or 0 (not backed). */
static uint64_t *list_page(uint64_t addr) {
  if (addr < LIST_BASE) return 0;
  uint64_t i = (addr - LIST_BASE) >> PAGE_SHIFT;
  return i < pool_pages ? list_mem + i * SLOTS : 0;
}

/* nvme_setup_prps for one segment: PRP1, PRP2, list pages from the pool in the order they fill. */
static int setup_prps(uint32_t cid, uint64_t addr, uint32_t len, uint64_t *prp1, uint64_t *prp2) {
  uint64_t end = addr + len, first_page = addr & ~(uint64_t)(PAGE - 1);
  uint32_t rest = (uint32_t)((end - first_page + PAGE - 1) >> PAGE_SHIFT) - 1; /* pages after the first */
  *prp1 = addr;
  n_lists_of[cid] = 0;
  if (rest <= 1) { *prp2 = rest ? first_page + PAGE : 0; return 0; }
  if (n_free_pages == 0) return -1;
  uint32_t page = free_pages[--n_free_pages];
  lists_of[cid * lists_per_io + n_lists_of[cid]++] = page;
  *prp2 = LIST_BASE + (uint64_t)page * PAGE;
  uint64_t *slots = list_mem + (size_t)page * SLOTS;
  uint32_t used = 0;
  for (uint32_t i = 0; i < rest; i++) {
    if (used == SLOTS - 1 && rest - i >= 2) {
      if (n_free_pages == 0) return -1;
      uint32_t next = free_pages[--n_free_pages];
      lists_of[cid * lists_per_io + n_lists_of[cid]++] = next;
      slots[used] = LIST_BASE + (uint64_t)next * PAGE;
      slots = list_mem + (size_t)next * SLOTS;
      used = 0;
    }
    slots[used++] = first_page + (uint64_t)(i + 1) * PAGE;
  }
  return 0;
}

/* The controller's PRP walk: the transfer's pieces folded into `sum` (addr ^ len per piece); the status. */
static uint32_t walk_prps(uint64_t prp1, uint64_t prp2, uint64_t len, uint64_t max_bytes, uint32_t *sum) {
  *sum = 0;
  if (len > max_bytes) return status_word(SC_INVALID_FIELD, 1);
  if (len == 0) return 0;
  if (prp1 % 4) return status_word(SC_PRP_OFFSET_INVALID, 1);
  uint64_t first = PAGE - (prp1 % PAGE);
  if (first > len) first = len;
  *sum += (uint32_t)prp1 ^ (uint32_t)first;
  uint64_t remaining = len - first;
  if (remaining == 0) return 0;
  if (remaining <= PAGE) {
    if (prp2 % PAGE) return status_word(SC_PRP_OFFSET_INVALID, 1);
    *sum += (uint32_t)prp2 ^ (uint32_t)remaining;
    return 0;
  }
  if (prp2 % 8) return status_word(SC_PRP_OFFSET_INVALID, 1);
  uint64_t page_addr = prp2 - (prp2 % PAGE);
  uint32_t slot = (uint32_t)((prp2 % PAGE) / 8);
  for (;;) {
    const uint64_t *page = list_page(page_addr);
    if (!page) return status_word(SC_DATA_TRANSFER_ERROR, 0);
    for (; slot < SLOTS && remaining > 0; slot++) {
      uint64_t entry = page[slot];
      if (entry % PAGE) return status_word(SC_PRP_OFFSET_INVALID, 1);
      if (slot == SLOTS - 1 && remaining > PAGE) { page_addr = entry; break; }
      uint64_t n = remaining < PAGE ? remaining : PAGE;
      *sum += (uint32_t)entry ^ (uint32_t)n;
      remaining -= n;
    }
    if (remaining == 0) return 0;
    slot = 0;
  }
}

/* ---- the run: configuration and state between batches ---- */
static uint64_t ios, now, lba, submitted, completed, lat_min;
static uint32_t io_bytes, lat_span, lbas, checksum, errors;

/* Sets up a run; 0, or -1 on a bad configuration or when memory runs out. */
EXPORT(kl_init)
int kl_init(uint64_t seed, uint32_t qdepth, uint32_t iodepth, uint32_t bytes, uint64_t count, uint64_t latency_min,
            uint32_t latency_span) {
  if (qdepth < 2 || iodepth == 0 || iodepth >= qdepth || latency_span == 0 || bytes == 0 || bytes % 512) return -1;
#ifdef __wasm__
  heap_top = (size_t)&__heap_base;
#endif
  depth = qdepth, io_bytes = bytes, ios = count, lat_min = latency_min, lat_span = latency_span;
  sq_tail = last_sq_tail = cq_head = sq_head_seen = 0, host_phase = 1;
  ctrl_sq_head = ctrl_sq_tail_db = ctrl_cq_tail = ctrl_cq_head_db = 0, ctrl_phase = 1, bad_doorbells = 0;
  heap_size = event_count = wheel_count = 0, heap_seq = window_end = 0;
  for (uint32_t b = 0; b < WHEEL; b++) heads[b] = 0;
  n_free_cids = n_free_pages = 0;
  uint32_t pages_per_io = (io_bytes + PAGE - 1) / PAGE + (io_bytes % PAGE ? 1 : 0);
  lists_per_io = pages_per_io > 2 ? (pages_per_io - 2) / (SLOTS - 1) + 1 : 0;
  uint32_t pool = pool_pages = iodepth * lists_per_io + 1;
  sq = calloc(depth, 64), cq = calloc(depth, 16);
  heap_cap = depth, heap = calloc(depth, sizeof(event_t)), nodes = calloc(depth, sizeof(event_t));
  next_node = malloc(depth * sizeof(uint32_t));
  free_cids = malloc(depth * sizeof(uint32_t)), free_pages = malloc(pool * sizeof(uint32_t));
  list_mem = calloc((size_t)pool * SLOTS, 8);
  lists_of = malloc(((size_t)depth * (lists_per_io ? lists_per_io : 1)) * sizeof(uint32_t));
  n_lists_of = calloc(depth, sizeof(uint32_t));
  if (!sq || !cq || !heap || !nodes || !next_node || !free_cids || !free_pages || !list_mem || !lists_of || !n_lists_of)
    return -1;
  for (uint32_t i = 0; i < depth; i++) next_node[i] = i + 2 <= depth ? i + 2 : 0;
  free_node = 1;
  for (uint32_t i = 0; i < depth - 1; i++) free_cids[n_free_cids++] = depth - 2 - i;
  for (uint32_t i = 0; i < pool; i++) free_pages[n_free_pages++] = pool - 1 - i;
  prng_seed(seed, 1);
  now = lba = submitted = completed = 0;
  checksum = 0x811c9dc5u, errors = 0, lbas = io_bytes >> LBA_SHIFT;
  return 0;
}

#define SUBMIT() do { \
  uint32_t next_tail = sq_tail + 1 == depth ? 0 : sq_tail + 1; \
  if (next_tail == sq_head_seen || n_free_cids == 0) { errors++; break; } \
  uint32_t cid = free_cids[--n_free_cids]; \
  uint64_t prp1, prp2; \
  if (setup_prps(cid, DATA_BASE + (uint64_t)cid * io_bytes, io_bytes, &prp1, &prp2)) { errors++; break; } \
  uint8_t *s = sq + (size_t)sq_tail * 64; \
  memset(s, 0, 64); \
  s[0] = 0x02; put16(s + 2, (uint16_t)cid); put32(s + 4, 1); \
  put64(s + 24, prp1); put64(s + 32, prp2); put64(s + 40, lba); put32(s + 48, lbas - 1); \
  lba += lbas; \
  sq_tail = next_tail; \
  submitted++; \
} while (0)

#define RING_SQ() do { \
  if (sq_tail == last_sq_tail) break; \
  doorbell(0, sq_tail); \
  last_sq_tail = sq_tail; \
  for (uint8_t *s = ctrl_fetch(); s; s = ctrl_fetch()) { \
    uint64_t len = (uint64_t)((get32(s + 48) & 0xffff) + 1) << LBA_SHIFT; \
    uint32_t sum, status = walk_prps(get64(s + 24), get64(s + 32), len, io_bytes, &sum); \
    if (status) errors++; \
    checksum = mix(checksum, sum); \
    uint64_t latency = lat_min + prng_next() % lat_span; \
    if (!heap_push(now + latency, get16(s + 2) | (status << 16))) errors++; \
  } \
} while (0)

/* Completes up to `batch` more I/Os (the first call also submits the first iodepth); returns how many. */
EXPORT(kl_run)
uint32_t kl_run(uint32_t batch, uint32_t iodepth) {
  if (submitted == 0) {
    for (uint32_t i = 0; i < iodepth && submitted < ios; i++) SUBMIT();
    RING_SQ();
  }
  uint64_t target = completed + batch, before = completed;
  while (completed < target && completed < ios && event_count > 0) {
    now = heap[0].time;
    uint32_t data = heap[0].data;
    heap_pop();
    if (!ctrl_post((uint16_t)data, (uint16_t)(data >> 16))) errors++;
    uint32_t reaped = 0;
    for (uint8_t *c = host_pending(); c; c = host_pending()) {
      uint32_t cid = get16(c + 12);
      checksum = mix(mix(mix(checksum, cid), (uint32_t)now), get16(c + 14) & 0xfffeu);
      for (uint32_t i = n_lists_of[cid]; i-- > 0;) free_pages[n_free_pages++] = lists_of[cid * lists_per_io + i];
      n_lists_of[cid] = 0;
      free_cids[n_free_cids++] = cid;
      host_consume();
      reaped++;
    }
    doorbell(1, cq_head);
    completed += reaped;
    for (uint32_t i = 0; i < reaped && submitted < ios; i++) SUBMIT();
    RING_SQ();
  }
  return (uint32_t)(completed - before);
}

EXPORT(kl_checksum) uint32_t kl_checksum(void) { return checksum; }
EXPORT(kl_errors) uint32_t kl_errors(void) { return errors + bad_doorbells; }
EXPORT(kl_now_ns) uint64_t kl_now_ns(void) { return now; }

#ifndef __wasm__
int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s SEED QDEPTH IODEPTH IO_BYTES IOS LATENCY_MIN LATENCY_SPAN\n", argv[0]);
    return 2;
  }
  uint32_t iodepth = (uint32_t)strtoul(argv[3], 0, 10);
  if (kl_init(strtoull(argv[1], 0, 10), (uint32_t)strtoul(argv[2], 0, 10), iodepth, (uint32_t)strtoul(argv[4], 0, 10),
              strtoull(argv[5], 0, 10), strtoull(argv[6], 0, 10), (uint32_t)strtoul(argv[7], 0, 10)) != 0) {
    fprintf(stderr, "kernel-loop: bad configuration, or out of memory\n");
    return 2;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  while (kl_run(10000, iodepth) > 0) {
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("ios=%llu simulated_ns=%llu checksum=0x%08x errors=%u seconds=%.6f\n", (unsigned long long)completed,
         (unsigned long long)now, kl_checksum(), kl_errors(), seconds);
  return 0;
}
#endif
