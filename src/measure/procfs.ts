// The kernel's own tables as the measurements read them: a task's
// /proc/PID/stat, /proc/meminfo, /proc/diskstats and a folder of /proc or
// /sys that may be gone by the time it is read.
import { readdirSync, readFileSync } from "node:fs";

/** A task's /proc/PID/stat: its comm and the fields after it (fields[0] is the state, fields[1] the ppid). */
export function procStat(pid: number | string): { comm: string; fields: string[] } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const end = stat.lastIndexOf(")"); // a comm may hold spaces and parentheses
    return { comm: stat.slice(stat.indexOf("(") + 1, end), fields: stat.slice(end + 2).split(" ") };
  } catch {
    return undefined; // it ended
  }
}

/** A folder's entries, or none where it is gone or unreadable. */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A /proc/meminfo figure (MemTotal, MemAvailable, ...), bytes. */
export function meminfoBytes(key: string): number {
  const kb = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/meminfo", "utf8"))?.[1];
  return Number(kb) * 1024;
}

/** /proc/diskstats as rows: major, minor, name, reads completed, ..., writes completed (index 7), ... */
export function diskstats(): string[][] {
  return readFileSync("/proc/diskstats", "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 7);
}
