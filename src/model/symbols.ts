// Which layer a kernel function of a real profile belongs to, so that a perf
// profile of today's kernel groups like a simulated one (block, nvme and the
// device's driver, mm, slab, sched, irq, ...). The model's own steps keep
// their layers (steps.ts); other symbols go by their prefix, as the kernel
// names its subsystems. Time a CPU spends idle is its own layer, not work.
import { STEPS, type Layer } from "./steps";

/** The layers of a measured profile: the model's, and those only a real machine has. */
export type MeasuredLayer = Layer | "driver" | "lock" | "idle";

const RULES: [RegExp, MeasuredLayer][] = [
  [
    /^(pv_native_safe_halt|default_idle|cpu_idle|do_idle|native_safe_halt|acpi_idle|intel_idle|mwait_idle|poll_idle)/,
    "idle",
  ],
  [/^(nvme_|__nvme)/, "nvme"],
  [/^(loop_|lo_|zram_|virtblk_|virtio_|vring_|brd_|null_|scsi_|sd_|ata_)/, "driver"],
  [/^(iomap_|__iomap)/, "driver"], // the loop device's direct I/O to its backing file
  [
    /^(blk_|__blk_|bio_|__bio|submit_bio|__submit_bio|blkdev_|bdev_|wbt_|rq_qos|__rq_qos|elv_|dd_|kyber_|bfq_|part_|disk_|bvec_)/,
    "block",
  ],
  [/^(dma_|__dma|swiotlb_|iommu_|intel_iommu)/, "dma"],
  [/^(kmem_cache_|__kmem_cache|kmalloc|__kmalloc|kfree|slab_|__slab|mempool_|___slab)/, "slab"],
  [
    /^(_raw_spin_|__raw_spin|__raw_callee_save___pv_queued_spin|queued_spin|native_queued_spin|mutex_|__mutex|rwsem|down_|up_read|up_write|__rcu_read|rcu_read)/,
    "lock",
  ],
  [
    /^(handle_irq|handle_edge_irq|__handle_irq|irq_|__irq|do_IRQ|common_interrupt|asm_common_interrupt|sysvec_|__sysvec|asm_sysvec|handle_softirqs|__do_softirq|raise_softirq|irq_exit|blk_complete)/,
    "irq",
  ],
  [
    /^(schedule|__schedule|finish_task_switch|pick_next_|enqueue_|dequeue_|update_curr|update_load|try_to_wake_up|wake_up|__wake_up|io_schedule|psi_|context_switch|switch_mm|__switch_to|ttwu_|select_task_rq|sched_|__sched|newidle|load_balance)/,
    "sched",
  ],
  [
    /^(do_swap_page|swap|__swap|folio|__folio|filemap_|__filemap|page_|__page|alloc_pages|__alloc_pages|get_page|put_page|handle_mm_fault|__handle_mm_fault|do_anonymous_page|do_fault|clear_page|copy_page|lru_|shrink_|try_to_free|zs_|zswap|mem_cgroup|__mem_cgroup|memcg|gup_|pin_user_pages|unmap|rmap|try_to_unmap|pte_|pmd_|zap_|tlb_|flush_tlb|exc_page_fault|asm_exc_page_fault|do_user_addr_fault|lzo|lz4|zstd|rmqueue|__rmqueue|free_pcppages|free_unref|release_pages|mark_page|vma_|__vma|lock_vma|mmap_|workingset_|node_page_state|mod_node_page|__mod_)/,
    "mm",
  ],
  [/^(aio_|__x64_sys_io_submit|__x64_sys_io_getevents|__x64_sys_io_pgetevents|io_submit_one|read_events)/, "aio"],
  [/^(io_|__io_|tctx_task_work|__x64_sys_io_uring)/, "io_uring"],
  [
    /^(do_syscall|entry_SYSCALL|syscall_|__x64_sys|__do_sys|x64_sys|vfs_|rw_verify_area|fget|fput|__fget|fdget|iov_iter|import_iovec|copy_from_user|copy_to_user|_copy_|__arch_copy|copy_mc|__fsnotify|fsnotify|security_|file_)/,
    "syscall",
  ],
  [/^(perf_|__perf|intel_pmu|x86_pmu|native_write_msr)/, "perf"],
];

/** The layer of `symbol`; `kernel`: a kernel symbol ([k]), else user space ([.]). */
export function layerOfSymbol(symbol: string, kernel = true): MeasuredLayer {
  if (!kernel) return "user";
  const step = STEPS[symbol];
  if (step) return step.layer;
  const name = symbol.replace(/\.(isra|constprop|part|cold)\.\d+.*$/, "");
  for (const [re, layer] of RULES) if (re.test(name)) return layer;
  return "other";
}
