// What each name a cell finds in scope is, in a signature and one line: the
// kernel shows it for help(name) and when a function is a cell's value, the
// page for completions and Shift+Tab. The configuration's keys are documented
// by the configuration's own schema (model/config-schema.ts), not here.

export interface ApiDoc {
  signature: string;
  doc: string;
}

export const API_DOCS: Record<string, ApiDoc> = {
  simulate: {
    signature: 'simulate(config?: RunConfig, options?: { program?: "fio" | "t/io_uring" }): Promise<Result>',
    doc: "Runs one configuration (defaults fill what it leaves out) and resolves with fio's JSON plus an nvmesim section; Interrupt stops it. help('config') lists the keys. A recorded workload replays with workload: { kind: \"iolog\", file: \"rec.log\" } (fio's write_iolog or nvmesim measure --write-iolog; the file beside the notebook), jobs that differ run side by side with workload.jobs: [{ rw, iodepth, ... }, ...].",
  },
  sweep: {
    signature:
      "sweep(spec: { base?: RunConfig; axes: Record<param, values | 'A..B xF'>; name?: string }, options?: { live?: boolean; yes?: boolean; threads?: number }): Promise<SweepResult>",
    doc: "Runs every point of a grid on workers of its own (one per core, each with its own Wasm instance; threads: 1 runs them in the kernel), redrawing the first chart as points finish; Interrupt stops them all. The result has rows, records(), csv() and charts().",
  },
  seedScenario: {
    signature: "seedScenario(): Promise<SeedComparison>",
    doc: "The November 2014 swap test: both paths simulated beside the two measured perf profiles.",
  },
  compare: {
    signature: "compare(a: Result, b: Result, labels?: [string, string])",
    doc: "Two results side by side (a simulation and nvmesim measure --json's, or two simulations): metrics, the profile by layer (a chart) and by function, and the functions only one side has.",
  },
  measure: {
    signature: "measure(config?: RunConfig, options?: { target?: 'loop' | string; perf?: boolean }): Promise<Result>",
    doc: "The same job for real with fio (and perf), as nvmesim measure: only where the kernel runs on the machine (nvmesim nb run as root), not in the page.",
  },
  measureSwap: {
    signature: "measureSwap(options?: { seconds?: number; memory?: string; workingSet?: string; perf?: boolean })",
    doc: "The seed's swap experiment on this machine, as nvmesim measure swap: faults per second, swap-ins and -outs, CPU per fault, the profile (nb run as root).",
  },
  breakdown: {
    signature: "breakdown(...results: Result[])",
    doc: "One I/O's life stage by stage for each result (submit, doorbell, fetch, device, interrupt or poll, seen): a waterfall of when each starts and ends for the mean I/O, and the host CPU each stage took.",
  },
  loadStored: {
    signature: "loadStored(name: string): Promise<unknown>",
    doc: "What a notebook stored under this name (notebooks/data/NAME.json), or undefined: a measurement shown where none can be made, so the notebook reads the same everywhere.",
  },
  saveStored: {
    signature: "saveStored(name: string, value: unknown): Promise<void>",
    doc: "Keeps a value (JSON) under this name for the places that cannot make it; only where the kernel runs on the machine (nvmesim nb run), not in the page.",
  },
  chartStyle: {
    signature: "chartStyle: { pathColors, seriesColor(labels): { domain, range }, percentileDash, percentileLegend }",
    doc: "The one chart style the sweeps' plots use: a colour per path (blk-mq blue, rw_page orange), a shade of it per other value (seriesColor: pass it as Plot's color scale), dashes per latency percentile.",
  },
  help: {
    signature: "help(what?: function | string)",
    doc: "Shows what a function of the API does, or a configuration key ('workload.bs', 'iodepth'); help('config') lists every key.",
  },
  display: {
    signature: "display(value: unknown, options?: { id?: string })",
    doc: "Shows a value as an output of the running cell; with an id, a later display with the same id replaces it.",
  },
  md: { signature: "md`text`", doc: "Markdown the page renders." },
  html: { signature: "html`text`", doc: "HTML the page shows (sanitised)." },
  table: {
    signature: "table(rows: object[], options?: { columns?: string[] })",
    doc: "An HTML table of an array of objects (columns from their keys).",
  },
  slider: {
    signature: "slider(label: string, options: { min: number; max: number; step?: number; value?: number }): number",
    doc: "A slider whose value the cell reads; moving it runs the cell again.",
  },
  number: {
    signature: "number(label: string, options?: { min?: number; max?: number; step?: number; value?: number }): number",
    doc: "A number input; changing it runs the cell again.",
  },
  checkbox: {
    signature: "checkbox(label: string, value?: boolean): boolean",
    doc: "A checkbox; changing it runs the cell again.",
  },
  select: {
    signature: "select(label: string, options: readonly T[], value?: T): T",
    doc: "A drop-down of options; choosing one runs the cell again.",
  },
  validateConfig: {
    signature: "validateConfig(config: unknown): RunConfig",
    doc: "The configuration with defaults filled in, or an error naming the field, the value and what is allowed.",
  },
  pathSteps: {
    signature: "pathSteps(path: 'blk-mq' | 'rw_page', direction: 'read' | 'write', switches: Switches): PathSteps",
    doc: "The kernel functions one I/O runs through on a path, grouped by how often each is charged.",
  },
  presets: { signature: "presets: Record<string, DevicePreset>", doc: "The device models, each with its sources." },
  paths: { signature: "paths: ['blk-mq', 'rw_page']", doc: "The two host I/O paths of 2014." },
  switches: {
    signature: "switches: string[]",
    doc: "The later kernels' fixes that are on or off (config.switches).",
  },
  SWITCHES_OFF: { signature: "SWITCHES_OFF: Switches", doc: "Every switch off: the 2014 kernels." },
  DEFAULT_CONFIG: { signature: "DEFAULT_CONFIG: RunConfig", doc: "What simulate() runs when a key is left out." },
  DEFAULT_SWAP: { signature: "DEFAULT_SWAP: SwapWorkload", doc: "The swap workload's defaults." },
  costTable: {
    signature: "costTable: CostTable",
    doc: "CPU ns per kernel function, calibrated from the 2014 blk-mq profile.",
  },
  nvme: {
    signature: "nvme: { sqe, prps, sgls, walkPrps }",
    doc: "The NVMe wire formats: encode an SQE, build and walk PRP lists and SGLs.",
  },
  nvmesim: {
    signature: "nvmesim: { simulate, sweep, ... }",
    doc: "The whole API as one object (also import ... from 'nvmesim').",
  },
  Plot: {
    signature: "Plot: Observable Plot",
    doc: "Observable Plot: Plot.plot({ marks: [Plot.line(rows, { x, y, stroke })] }).",
  },
  console: { signature: "console.log(...values)", doc: "Writes to the cell's output (warn and error to its stderr)." },
};

/** Members of the values simulate() and sweep() resolve with, for completion after a dot. */
export const RESULT_MEMBERS: Record<"Result" | "nvmesim" | "SweepResult", Record<string, string>> = {
  Result: {
    jobs: "fio's jobs: jobs[0].read and .write with iops, bw, clat_ns, lat_ns, ...",
    nvmesim: "nvmesim's section: profile, layers, cpuNsPerIo, doorbellsPerIo, ...",
    "fio version": "the fio version whose JSON this follows",
  },
  nvmesim: {
    path: "the host path simulated",
    device: "the device preset",
    profile: "CPU time by kernel function, perf report style",
    layers: "CPU time by layer (block, nvme, mm, sched, irq, ...)",
    cpuNsPerIo: "host CPU ns per I/O",
    cpuUtilization: "busy fraction of all CPUs",
    deviceUtilization: "busy fraction of the media's dies",
    meanInFlight: "mean I/Os in flight",
    doorbellsPerIo: "SQ and CQ doorbell writes per I/O",
    interruptsPerIo: "interrupts per I/O",
    contextSwitchesPerIo: "sleeps and kblockd runs per I/O",
    integrityErrors: "reads that did not return what was written",
    simulatedNs: "simulated time, ns",
    swap: "the swap program's counts (swap workload only)",
  },
  SweepResult: {
    rows: "one row per point: values, metrics, error",
    records: "records(): one flat object per point (axis values and metrics) for Plot and table",
    csv: "csv(): results.csv's text",
    charts: "charts(): the sweep's charts as SVG text",
    spec: "the sweep's spec: base and axes",
  },
};
