// The shipped notebooks' stored data: notebooks/data/NAME.json, a value a
// notebook saved where it could make it (a measurement of the machine, by nb
// run as root) and loads where it cannot (the page, another machine), so the
// notebook shows the same thing wherever it runs. The page carries the files
// it was built with (worker.ts); nb run reads and writes them (node-worker-main.ts).

/** A stored value's name, checked: letters, digits, '-' and '_' only (it becomes a file name). */
export function storedName(name: unknown): string {
  if (typeof name !== "string" || !/^[\w-]{1,80}$/.test(name))
    throw new TypeError(`stored data: the name ${JSON.stringify(name)} is not 1 to 80 letters, digits, '-' or '_'`);
  return name;
}
