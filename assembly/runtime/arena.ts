// Arena: the one allocator of the module. Every structure the simulator owns
// lives in linear memory handed out here, bump style, so the layout is plain
// numbers that TypeScript can read. `arenaReset` drops everything at once.

let arenaBase: usize = 0;
let arenaTop: usize = 0;

function arenaInit(): void {
  if (arenaBase == 0) {
    arenaBase = (__heap_base + 63) & ~(<usize>63);
    arenaTop = arenaBase;
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
    // At least ARENA_GROW_PAGES at a time: a grow costs the host far more than its pages (V8 makes a new buffer
    // for every view), and thousands of CPUs' small structures would otherwise each grow the memory.
    let want = pagesNeeded - pagesHave;
    if (memory.grow(<i32>(want > ARENA_GROW_PAGES ? want : ARENA_GROW_PAGES)) < 0 && memory.grow(<i32>want) < 0)
      return 0;
    let have = pagesHave << 16;
    if (have > ptr) memory.fill(ptr, 0, have - ptr); // the part in pages used before (fresh pages are zero)
  } else {
    memory.fill(ptr, 0, bytes);
  }
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
