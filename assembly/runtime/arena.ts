// Arena: the one allocator of the module. Every structure the simulator owns
// lives in linear memory handed out here, bump style, so the layout is plain
// numbers that TypeScript can read. `arenaReset` drops everything at once.

let arenaBase: usize = 0;
let arenaTop: usize = 0;
// Nothing at or above this address was ever handed out: it is still the zeroes memory.grow gave. Allocations
// zero only what lies below it, so a large structure few parts of which a run writes (a 4096-job run's
// per-job histograms) costs no page faults for the rest.
let arenaClean: usize = 0;

function arenaInit(): void {
  if (arenaBase == 0) {
    arenaBase = (__heap_base + 63) & ~(<usize>63);
    arenaTop = arenaBase;
    arenaClean = arenaBase;
  }
}

/** Allocates `bytes` aligned to `align` (a power of two), zeroed; 0 when memory cannot grow. */
export function arenaAlloc(bytes: usize, align: usize): usize {
  arenaInit();
  let ptr = (arenaTop + align - 1) & ~(align - 1);
  let end = ptr + bytes;
  if (end < ptr) return 0; // wrapped the 32-bit address space
  let pagesHave = <usize>memory.size();
  let pagesNeeded = (end + 0xffff) >>> 16;
  if (pagesNeeded > pagesHave) {
    // At least ARENA_GROW_PAGES, and half the memory again, at a time: a grow costs the host far more than its
    // pages (V8 makes a new buffer for every view, and the memory's growth drives its garbage collector), and
    // thousands of CPUs' structures would otherwise grow it hundreds of times. Pages grown and never used cost
    // nothing but address space.
    let want = pagesNeeded - pagesHave;
    let step = pagesHave >> 1;
    if (step < ARENA_GROW_PAGES) step = ARENA_GROW_PAGES;
    if (memory.grow(<i32>(want > step ? want : step)) < 0 && memory.grow(<i32>want) < 0) return 0;
  }
  if (ptr < arenaClean) memory.fill(ptr, 0, (end < arenaClean ? end : arenaClean) - ptr);
  if (end > arenaClean) arenaClean = end;
  arenaTop = end;
  return ptr;
}

/** Pages the memory grows by at least (1 MiB). */
const ARENA_GROW_PAGES: usize = 16;

/** Frees every allocation; pointers handed out before are invalid afterwards. */
export function arenaReset(): void {
  arenaInit();
  arenaTop = arenaBase;
}
