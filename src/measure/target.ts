// Where a measurement does its I/O, and nothing of the user's changed unless
// they said so:
// - `loop` (or `loop:tmpfs`): a loop device over a file nvmesim writes in
//   full before the run (a file of holes would be answered by zero-filling,
//   never reaching storage), in the temporary folder or in RAM (/dev/shm);
//   the file is unlinked as soon as the loop device holds it, and the device
//   detached on every way out;
// - a block device the user names: only read from, unless --allow-write;
// - a file the user names: never laid out, truncated or extended (the job
//   covers at most its size), written only with --allow-write, and created
//   only with --create.
// Where there is a block device under the target, its reads are counted
// before and after (/proc/diskstats), so the result says whether reads
// reached storage.
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { makeOwnDir, SHM_DIR } from "./leftovers";
import { diskstats, listDir, meminfoBytes } from "./procfs";
import { MeasureRefused, type System } from "./system";

export interface Storage {
  /** The block device's name in /proc/diskstats (vda, nvme0n1p2). */
  name: string;
  majorMinor: string;
}

export interface Target {
  /** What fio opens. */
  filename: string;
  /** For the result and messages: "loop device /dev/loop0 over a 1073741824-byte file on vda", ... */
  describe: string;
  /** Bytes the job covers: the asked size, or less where the target is smaller. */
  sizeBytes: number;
  /** fio options the target needs (allow_file_create=0 for anything that exists). */
  fioOptions: [string, string][];
  /** It existed before the job (fio may not create or lay it out). */
  exists: boolean;
  /** What was changed from the asked job, and why. */
  notes: string[];
  /** The block device under the target, whose reads show that I/O reached storage; undefined for RAM. */
  storage?: Storage;
  /** For a loop target: whether the loop device does direct I/O on its backing file (/sys/block/loopN/loop/dio). */
  loopDirectIo?: boolean;
}

export interface TargetOptions {
  /** The job writes. */
  writes: boolean;
  allowWrite: boolean;
  /** A missing file may be created (fio lays it out). */
  create: boolean;
  /** Bytes the job asks for (a loop device's backing file gets this much). */
  sizeBytes: number;
  /** The job's block size: a target smaller than one block is refused. */
  bs: number;
}

const refuse = (spec: string, why: string) => new MeasureRefused(`--target ${spec}: ${why}`);

/** A device number's major and minor (glibc's major() and minor()). */
function devNumbers(dev: number): [number, number] {
  return [((dev >> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff), (dev & 0xff) | ((dev >> 12) & 0xfff00)];
}

/** The block device a device number names, from /proc/diskstats; undefined when none (tmpfs, overlay). */
export function storageOf(dev: number): Storage | undefined {
  const majorMinor = devNumbers(dev).join(":");
  if (majorMinor.startsWith("0:")) return undefined;
  const row = diskstats().find((f) => `${f[0]}:${f[1]}` === majorMinor);
  return row ? { name: row[2], majorMinor } : undefined;
}

/** Reads completed on `storage` so far (/proc/diskstats' fourth field). */
export function readsCompleted(storage: Storage): number {
  const row = diskstats().find((f) => `${f[0]}:${f[1]}` === storage.majorMinor);
  return row ? Number(row[3]) : NaN;
}

/** I/Os completed so far on each whole disk (/proc/diskstats' reads and writes; partitions are in their disk's). */
export function diskIos(): Map<string, number> {
  const disks = new Set(listDir("/sys/block"));
  return new Map(
    diskstats()
      .filter((f) => disks.has(f[2]))
      .map((f) => [f[2], Number(f[3]) + Number(f[7])]),
  );
}

/** The whole disk a block device's name belongs to (itself, or the disk a partition sits in, by sysfs). */
function wholeDisk(name: string): string {
  try {
    const path = realpathSync(`/sys/class/block/${name}`);
    return existsSync(join(path, "partition")) ? basename(dirname(path)) : name;
  } catch {
    return name;
  }
}

/** I/Os between two readings on disks other than those holding `ours` (device names, partitions too). */
export function otherIos(before: Map<string, number>, after: Map<string, number>, ours: string[]): number {
  const mine = new Set(ours.map(wholeDisk));
  let n = 0;
  for (const [disk, ios] of after) if (!mine.has(disk)) n += ios - (before.get(disk) ?? 0);
  return n;
}

/** The size the job covers on a target of `haveBytes`: at most that, whole blocks; refused below one block. */
function coveredBytes(spec: string, what: string, haveBytes: number, o: TargetOptions, notes: string[]): number {
  if (haveBytes < o.bs) throw refuse(spec, `the ${what} has ${haveBytes} bytes, less than one ${o.bs}-byte block`);
  if (haveBytes >= o.sizeBytes) return o.sizeBytes;
  const covered = haveBytes - (haveBytes % o.bs);
  notes.push(`size ${o.sizeBytes}: the ${what} has ${haveBytes} bytes, so the job covers its first ${covered}`);
  return covered;
}

/** Opens `spec` for a measurement; what it creates is removed by the cleanups it pushes. */
export async function openTarget(
  spec: string,
  o: TargetOptions,
  sys: System,
  cleanups: (() => void)[],
): Promise<Target> {
  if (spec === "loop" || spec === "loop:tmpfs") return loopTarget(spec, o, sys, cleanups);
  if (spec.startsWith("loop:")) throw refuse(spec, "allowed: loop, loop:tmpfs, a block device or a file");
  if (spec === "" || spec === "-") throw refuse(`'${spec}'`, "allowed: loop, loop:tmpfs, a block device or a file");
  let s;
  try {
    s = statSync(spec);
  } catch {
    return newFileTarget(spec, o);
  }
  const what = s.isBlockDevice() ? "block device" : s.isFile() ? "file" : undefined;
  if (!what) throw refuse(spec, "not a block device or a file");
  if (o.writes && !o.allowWrite)
    throw refuse(
      spec,
      `the job writes and ${spec} is an existing ${what}: pass --allow-write to let it overwrite its contents`,
    );
  if (what === "block device" && o.writes) {
    const user = deviceUser(s.rdev);
    if (user) throw refuse(spec, `${user}: writing to it would corrupt what uses it`);
  }
  const notes: string[] = [];
  let haveBytes = s.size;
  if (what === "block device") {
    const r = await sys.run("blockdev", ["--getsize64", spec]);
    haveBytes = Number(r.stdout.trim());
    if (r.status !== 0 || !Number.isFinite(haveBytes)) throw refuse(spec, `cannot read its size: ${r.stderr.trim()}`);
  }
  const sizeBytes = coveredBytes(spec, what, haveBytes, o, notes);
  return {
    filename: spec,
    describe: `${what} ${spec}`,
    sizeBytes,
    // An existing target is never created, laid out or extended (fio unlinks a short file and lays it out anew).
    fioOptions: [["allow_file_create", "0"]],
    exists: true,
    notes,
    storage: what === "block device" ? storageUnder(s.rdev) : storageOf(s.dev),
  };
}

/** A file fio is to create (--create): only a plain new name in a folder that exists. */
function newFileTarget(spec: string, o: TargetOptions): Target {
  if (spec.startsWith("/dev/")) throw refuse(spec, "no such device");
  let link = false;
  try {
    link = lstatSync(spec).isSymbolicLink();
  } catch {
    // nothing there at all
  }
  if (link) throw refuse(spec, "a symbolic link to nothing: name the file it should point to");
  if (spec.endsWith("/")) throw refuse(spec, "no such folder (a file is measured, not a folder)");
  const folder = dirname(resolve(spec));
  let parent;
  try {
    parent = statSync(folder);
  } catch {
    throw refuse(spec, `no such folder ${folder}`);
  }
  if (!parent.isDirectory()) throw refuse(spec, `${folder} is not a folder`);
  if (!o.create)
    throw refuse(spec, `no such file: pass --create to let fio create it (${o.sizeBytes} bytes, written in full)`);
  return {
    filename: spec,
    describe: `new file ${spec}`,
    sizeBytes: o.sizeBytes,
    fioOptions: [],
    exists: false,
    notes: [`${spec} did not exist: fio created it (--create) and it is the user's to keep`],
    storage: storageOf(parent.dev),
  };
}

/** What uses the block device `rdev` or a partition of it (a mount, swap, a device-mapper holder); undefined if nothing. */
function deviceUser(rdev: number): string | undefined {
  const [major, minor] = devNumbers(rdev);
  const sys = (ma: number, mi: number) => {
    try {
      return realpathSync(`/sys/dev/block/${ma}:${mi}`);
    } catch {
      return undefined;
    }
  };
  const disk = sys(major, minor);
  // The device itself, or a partition of it (its sysfs folder sits inside the disk's).
  const isOurs = (ma: number, mi: number) => {
    const path = sys(ma, mi);
    return path !== undefined && disk !== undefined && (path === disk || dirname(path) === disk);
  };
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const f = line.split(" ");
    const [ma, mi] = (f[2] ?? "").split(":").map(Number);
    if (f[2] && isOurs(ma, mi)) return `mounted at ${f[4]}`;
  }
  for (const line of readFileSync("/proc/swaps", "utf8").split("\n").slice(1)) {
    const device = line.split(/\s+/)[0];
    try {
      const r = device ? statSync(device).rdev : -1;
      if (r >= 0 && isOurs(...devNumbers(r))) return `in use as swap (${device})`;
    } catch {
      // not a device
    }
  }
  const holders = disk ? listDir(join(disk, "holders")) : [];
  return holders.length ? `held by ${holders.join(", ")}` : undefined;
}

/** The storage under a block device: for a loop device, the device under its backing file; else itself. */
function storageUnder(rdev: number): Storage | undefined {
  const own = storageOf(rdev);
  if (!own?.name.startsWith("loop")) return own;
  try {
    const backing = readFileSync(`/sys/block/${own.name}/loop/backing_file`, "utf8").trim();
    return storageOf(statSync(backing.replace(/ \(deleted\)$/, "")).dev);
  } catch {
    return own;
  }
}

/** Writes `sizeBytes` of data that no layer can answer without reading it back (no holes, no repeats). */
function writeBackingFile(file: string, sizeBytes: number): void {
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((Math.imul(i + 1, 2654435761) ^ i) >>> 0, i);
  const fd = openSync(file, "w", 0o600);
  try {
    for (let offset = 0, n = 0; offset < sizeBytes; offset += chunk.length, n++) {
      for (let b = 0; b < chunk.length; b += 4096) chunk.writeUInt32LE(n * 256 + b / 4096, b); // every block unique
      writeSync(fd, chunk, 0, Math.min(chunk.length, sizeBytes - offset));
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const TMPFS_MAGIC = 0x01021994;

async function loopTarget(spec: string, o: TargetOptions, sys: System, cleanups: (() => void)[]): Promise<Target> {
  if (!sys.isRoot()) throw refuse(spec, "needs root (losetup attaches a loop device)");
  if (!sys.has("losetup")) throw refuse(spec, "needs losetup (Debian's mount package)");
  const inRam = spec === "loop:tmpfs";
  if (inRam) {
    if (statfsSync(SHM_DIR).type !== TMPFS_MAGIC) throw refuse(spec, `${SHM_DIR} is not a tmpfs`);
    const available = meminfoBytes("MemAvailable");
    if (o.sizeBytes > available / 2)
      throw refuse(spec, `size ${o.sizeBytes} is more than half the memory available (${available} bytes)`);
  }
  const dir = inRam ? makeOwnDir("measure", SHM_DIR) : makeOwnDir("measure");
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "backing.img");
  writeBackingFile(file, o.sizeBytes);
  const storage = storageOf(statSync(file).dev);
  const r = await sys.run("losetup", ["--find", "--show", "--direct-io=on", file]);
  const device = r.stdout.trim();
  if (r.status !== 0 || !device.startsWith("/dev/loop"))
    throw refuse(spec, `losetup could not attach a loop device: ${r.stderr.trim() || r.stdout.trim()}`);
  // Detached synchronously, so that it happens on every way out, a signal's too.
  cleanups.push(() => {
    const d = sys.runSync("losetup", ["--detach", device]);
    if (d.status !== 0) throw new Error(`losetup --detach ${device}: ${d.stderr.trim()}`);
  });
  // The loop device holds the file open: unlinked now, its blocks go when the device is detached, however
  // nvmesim ends (the folder's name, in the device's backing_file, says whose it was).
  rmSync(dir, { recursive: true, force: true });
  let directIo: boolean | undefined;
  try {
    directIo = readFileSync(`/sys/block/${device.slice(5)}/loop/dio`, "utf8").trim() === "1";
  } catch {
    directIo = undefined;
  }
  const over = inRam ? "in RAM (tmpfs)" : storage ? `on ${storage.name}` : "on a file system with no block device";
  return {
    filename: device,
    describe: `loop device ${device} over a ${o.sizeBytes}-byte file ${over}, written before the run${directIo === false ? " (buffered: direct I/O refused)" : ""}`,
    sizeBytes: o.sizeBytes,
    fioOptions: [["allow_file_create", "0"]],
    exists: true,
    notes: [],
    storage: inRam ? undefined : storage,
    loopDirectIo: directIo,
  };
}
