// Where a measurement does its I/O: `loop`, a loop device over a temporary
// file that nvmesim creates and always removes; a block device the user names
// (only read from, unless --allow-write); or a file the user names (written
// only if it is new, or with --allow-write). Nothing else is ever touched.
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MeasureRefused, type System } from "./system";

export interface Target {
  /** What fio opens. */
  filename: string;
  /** For the result and messages: "loop device over a temporary file", "block device /dev/x", ... */
  describe: string;
}

export interface TargetOptions {
  /** The job writes. */
  writes: boolean;
  allowWrite: boolean;
  /** Bytes the job uses (a loop device's backing file gets this much). */
  sizeBytes: number;
}

/** Opens `spec` for a measurement; what it creates is removed by the cleanups it pushes. */
export async function openTarget(
  spec: string,
  o: TargetOptions,
  sys: System,
  cleanups: (() => void)[],
): Promise<Target> {
  if (spec === "loop") return loopTarget(o, sys, cleanups);
  let s;
  try {
    s = statSync(spec);
  } catch {
    if (spec.startsWith("/dev/")) throw new MeasureRefused(`--target ${spec}: no such device`);
    return { filename: spec, describe: `new file ${spec}` }; // fio creates it; it is the user's to keep
  }
  const what = s.isBlockDevice() ? "block device" : s.isFile() ? "file" : undefined;
  if (!what) throw new MeasureRefused(`--target ${spec}: not a block device or a file`);
  if (o.writes && !o.allowWrite)
    throw new MeasureRefused(
      `--target ${spec}: the job writes and ${spec} is an existing ${what}: pass --allow-write to let it overwrite its contents`,
    );
  return { filename: spec, describe: `${what} ${spec}` };
}

async function loopTarget(o: TargetOptions, sys: System, cleanups: (() => void)[]): Promise<Target> {
  if (!sys.isRoot()) throw new MeasureRefused("--target loop needs root (losetup attaches a loop device)");
  if (!sys.has("losetup")) throw new MeasureRefused("--target loop needs losetup (Debian's mount package)");
  const dir = mkdtempSync(join(tmpdir(), "nvmesim-measure-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "backing.img");
  writeFileSync(file, "");
  truncateSync(file, o.sizeBytes);
  const r = await sys.run("losetup", ["--find", "--show", "--direct-io=on", file]);
  const device = r.stdout.trim();
  if (r.status !== 0 || !device.startsWith("/dev/loop"))
    throw new MeasureRefused(
      `--target loop: losetup could not attach a loop device: ${r.stderr.trim() || r.stdout.trim()}`,
    );
  // Detached synchronously, so that it happens on every way out, a signal's too.
  cleanups.push(() => {
    const d = sys.runSync("losetup", ["--detach", device]);
    if (d.status !== 0) throw new Error(`losetup --detach ${device}: ${d.stderr.trim()}`);
  });
  return { filename: device, describe: `loop device ${device} over a temporary file (direct I/O)` };
}
