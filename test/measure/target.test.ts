// Goal: a measurement changes nothing of the user's unless they said so, and a loop target measures a device.
// Each case runs Debian's fio for real on a file the test makes, with a hard link made beforehand that must
// keep its content and inode (fio 3.33 unlinks a file smaller than `size` and lays it out anew, even to read);
// a missing path is refused unless --create; the loop device's backing file is written before the run, so
// reads reach the disk under it (/proc/diskstats), or lives in RAM with loop:tmpfs.
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/model/config";
import { measure } from "../../src/measure/measure";
import { MeasureRefused, REAL_SYSTEM } from "../../src/measure/system";
import { otherIos, storageOf } from "../../src/measure/target";
import { alone, canMeasure, fakeSystem, leftovers, whyNot } from "./machine";

const hasFio = REAL_SYSTEM.has("fio");
const noFio = hasFio ? "" : " (skipped: needs fio)";
const dir = mkdtempSync(join(tmpdir(), "nvmesim-target-test-"));
const TEXT = "a user's file: it must survive every measurement that was not allowed to change it\n".repeat(300);

/** A file of the user's (about 25 KB) with a hard link to it; `kept()` says whether both are as they were. */
function usersFile(name: string) {
  const file = join(dir, name);
  writeFileSync(file, TEXT);
  linkSync(file, `${file}.link`);
  const { ino, size } = statSync(file);
  return {
    file,
    kept: () =>
      readFileSync(`${file}.link`, "utf8") === TEXT &&
      readFileSync(file, "utf8") === TEXT &&
      statSync(file).ino === ino &&
      statSync(file).size === size,
  };
}

const job = (rw: string) => validateConfig({ workload: { rw, bs: "4k", size: "1g", number_ios: 200, numjobs: 1 } });

describe("the user's files", () => {
  it.skipIf(!hasFio)(
    `a read job on a file smaller than --size reads at most the file, and changes nothing${noFio}`,
    () =>
      alone(async () => {
        const f = usersFile("small.txt");
        const r = (await measure(job("randread"), { target: f.file, perf: false, allowWrite: false }, REAL_SYSTEM)) as {
          jobs: { read: { total_ios: number } }[];
          nvmesim: { machine: { targetNotes: string[] } };
        };
        expect(r.jobs[0].read.total_ios).toBe(200);
        const covered = TEXT.length - (TEXT.length % 4096);
        expect(r.nvmesim.machine.targetNotes).toEqual([
          `size 1073741824: the file has ${TEXT.length} bytes, so the job covers its first ${covered}`,
        ]);
        expect(f.kept()).toBe(true);
      }),
    60_000,
  );

  it.skipIf(!hasFio)(
    `a write job with --allow-write overwrites contents only: never extends or lays out${noFio}`,
    () =>
      alone(async () => {
        const f = usersFile("allowed.txt");
        await expect(
          measure(job("randwrite"), { target: f.file, perf: false, allowWrite: false }, REAL_SYSTEM),
        ).rejects.toThrow(/the job writes and .* is an existing file: pass --allow-write/);
        expect(f.kept()).toBe(true);
        await measure(job("randwrite"), { target: f.file, perf: false, allowWrite: true }, REAL_SYSTEM);
        expect(statSync(f.file).size).toBe(TEXT.length); // not extended to 1 GiB
        expect(statSync(`${f.file}.link`).ino).toBe(statSync(f.file).ino); // the same file, written in place
      }),
    60_000,
  );

  it("a file smaller than one block is refused with its size", async () => {
    const tiny = join(dir, "tiny.txt");
    writeFileSync(tiny, "12345");
    const err = await measure(job("randread"), { target: tiny, perf: false, allowWrite: false }, REAL_SYSTEM).catch(
      (e: unknown) => e,
    );
    if (!hasFio) return; // refused earlier, for want of fio
    expect(err).toBeInstanceOf(MeasureRefused);
    expect((err as Error).message).toBe(`--target ${tiny}: the file has 5 bytes, less than one 4096-byte block`);
    expect(readFileSync(tiny, "utf8")).toBe("12345");
  });

  it.skipIf(!hasFio)(
    `a missing path is refused unless --create, and nothing is created${noFio}`,
    () =>
      alone(async () => {
        const missing = join(dir, "not-there.bin");
        const small = validateConfig({ workload: { rw: "randread", size: "1m", number_ios: 100, numjobs: 1 } });
        const err = await measure(small, { target: missing, perf: false, allowWrite: false }, REAL_SYSTEM).catch(
          (e: unknown) => e,
        );
        expect((err as Error).message).toBe(
          `--target ${missing}: no such file: pass --create to let fio create it (1048576 bytes, written in full)`,
        );
        expect(existsSync(missing)).toBe(false);
        await measure(small, { target: missing, perf: false, allowWrite: false, create: true }, REAL_SYSTEM);
        expect(statSync(missing).size).toBe(1 << 20);
      }),
    60_000,
  );
});

describe("the loop target", () => {
  it.skipIf(!canMeasure)(
    `reads reach the disk under its backing file, and the result says so${whyNot}`,
    () =>
      alone(async () => {
        const before = leftovers();
        const storage = storageOf(statSync(tmpdir()).dev);
        const r = (await measure(
          validateConfig({ workload: { rw: "randread", size: "64m", number_ios: 20000, numjobs: 1 } }),
          { target: "loop", perf: false, allowWrite: false },
          REAL_SYSTEM,
        )) as {
          nvmesim: { machine: { target: string; storage: { device: string | null; readsReachedStorage: number } } };
        };
        const m = r.nvmesim.machine;
        expect(m.target).toMatch(/^loop device \/dev\/loop\d+ over a 67108864-byte file .*written before the run/);
        if (storage) {
          // Every read is a read of the disk (a file of holes gave 0 of 200,000 here).
          expect(m.storage.device).toBe(storage.name);
          expect(m.storage.readsReachedStorage).toBeGreaterThanOrEqual(20000 * 0.95);
        } else expect(m.storage.device).toBeNull();
        expect(leftovers()).toBe(before);
      }),
    120_000,
  );

  it.skipIf(!canMeasure)(
    `loop:tmpfs puts the backing file in RAM, with no disk under it${whyNot}`,
    () =>
      alone(async () => {
        const before = leftovers();
        const r = (await measure(
          validateConfig({ workload: { rw: "randread", size: "32m", number_ios: 5000, numjobs: 1 } }),
          { target: "loop:tmpfs", perf: false, allowWrite: false },
          REAL_SYSTEM,
        )) as {
          jobs: { read: { total_ios: number } }[];
          nvmesim: { machine: { target: string; storage: { device: null } } };
        };
        expect(r.jobs[0].read.total_ios).toBe(5000);
        expect(r.nvmesim.machine.target).toMatch(/in RAM \(tmpfs\)/);
        expect(r.nvmesim.machine.storage.device).toBeNull();
        expect(leftovers()).toBe(before);
      }),
    120_000,
  );
});

describe("what a target name can hide", () => {
  it.skipIf(!hasFio)(`a colon is part of the file's name, never a second file (fio splits at ':')${noFio}`, () =>
    alone(async () => {
      const here = mkdtempSync(join(dir, "colon-"));
      const victim = usersFile(join(here, "victim.dat").slice(dir.length + 1));
      const named = join(here, "col:victim.dat");
      writeFileSync(named, TEXT);
      await measure(job("randread"), { target: named, perf: false, allowWrite: false }, REAL_SYSTEM);
      const created = join(here, "new:victim.dat");
      await measure(
        validateConfig({ workload: { rw: "randwrite", size: "1m", number_ios: 100, numjobs: 1 } }),
        { target: created, perf: false, allowWrite: false, create: true },
        REAL_SYSTEM,
      );
      expect(statSync(created).size).toBe(1 << 20);
      expect(existsSync(join(here, "new"))).toBe(false);
      expect(existsSync(join(process.cwd(), "victim.dat"))).toBe(false); // fio's second file would be relative
      expect(victim.kept()).toBe(true);
    }),
  );

  it("an empty name, '-', a dangling link, a missing folder or a folder are refused before anything is made", async () => {
    const link = join(dir, "dangling");
    symlinkSync(join(dir, "nowhere", "real.dat"), link);
    const cases: [string, string][] = [
      ["", "--target '': allowed: loop, loop:tmpfs, a block device or a file"],
      ["-", "--target '-': allowed: loop, loop:tmpfs, a block device or a file"],
      [link, `--target ${link}: a symbolic link to nothing: name the file it should point to`],
      [join(dir, "nodir", "x.dat"), `--target ${join(dir, "nodir", "x.dat")}: no such folder ${join(dir, "nodir")}`],
      [
        `${join(dir, "newdir")}/`,
        `--target ${join(dir, "newdir")}/: no such folder (a file is measured, not a folder)`,
      ],
    ];
    for (const [target, message] of cases) {
      const err = await measure(
        job("randread"),
        { target, perf: false, allowWrite: false, create: true },
        fakeSystem({}),
      ).catch((e: unknown) => e);
      expect(err, target).toBeInstanceOf(MeasureRefused);
      expect((err as Error).message).toBe(message);
    }
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, "nodir")) || existsSync(join(dir, "newdir"))).toBe(false);
  });

  it("a run in which fio did no I/O is refused with fio's reason, not reported as 0 IOPS", async () => {
    const none = {
      status: 0,
      stdout: `/dev/loop77 appears mounted, and 'allow_mounted_write' isn't set. Aborting.\n{"fio version":"fio-3.33","jobs":[{"read":{"total_ios":0,"iops":0,"runtime":0},"write":{"total_ios":0,"iops":0,"runtime":0},"usr_cpu":0,"sys_cpu":0,"ctx":0,"error":0}]}`,
      stderr: "fio: /dev/loop77 appears mounted, and 'allow_mounted_write' isn't set. Aborting.\n",
    };
    const err = await measure(
      job("randread"),
      { target: "loop", perf: false, allowWrite: false },
      fakeSystem({ fio: none }),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "--target loop: fio did no I/O: /dev/loop77 appears mounted, and 'allow_mounted_write' isn't set. Aborting.",
    );
  });

  it.skipIf(!canMeasure || !REAL_SYSTEM.has("mkfs.ext4"))(
    `a block device with a mounted file system is never written${whyNot}`,
    () =>
      alone(async () => {
        const img = join(dir, "fs.img");
        writeFileSync(img, Buffer.alloc(16 << 20));
        const loop = REAL_SYSTEM.runSync("losetup", ["--find", "--show", img]).stdout.trim();
        const mnt = mkdtempSync(join(dir, "mnt-"));
        try {
          expect(REAL_SYSTEM.runSync("mkfs.ext4", ["-q", loop]).status).toBe(0);
          expect(REAL_SYSTEM.runSync("mount", [loop, mnt]).status).toBe(0);
          const err = await measure(
            validateConfig({ workload: { rw: "randwrite", size: "4m", number_ios: 100, numjobs: 1 } }),
            { target: loop, perf: false, allowWrite: true },
            REAL_SYSTEM,
          ).catch((e: unknown) => e);
          expect((err as Error).message).toBe(
            `--target ${loop}: mounted at ${mnt}: writing to it would corrupt what uses it`,
          );
        } finally {
          REAL_SYSTEM.runSync("umount", [mnt]);
          REAL_SYSTEM.runSync("losetup", ["--detach", loop]);
        }
      }),
  );
});

describe("other disks' I/O during a run", () => {
  it("counts every disk but the target's own, and never takes loop1 for a part of loop10", () => {
    const before = new Map([
      ["loop1", 0],
      ["loop10", 0],
      ["vdz", 10],
    ]);
    const after = new Map([
      ["loop1", 5],
      ["loop10", 7],
      ["vdz", 13],
    ]);
    expect(otherIos(before, after, ["loop10"])).toBe(5 + 3);
    expect(otherIos(before, after, ["loop10", "vdz"])).toBe(5);
  });
});
