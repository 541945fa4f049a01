// A worker thread's module in a checkout: from the bundle build/cli/ holds
// (build-cli.js), or, when it cannot be made or NVMESIM_TSX=1 asks, the
// TypeScript through tsx's loader (`viaTsx` imports it once tsx is on).
export async function workerModule(entry, viaTsx) {
  if (process.env.NVMESIM_TSX !== "1") {
    const { bundledEntry } = await import("./build-cli.js");
    let url;
    try {
      url = await bundledEntry(entry);
    } catch (err) {
      const why = String(err?.message ?? err).split("\n")[0];
      process.stderr.write(`nvmesim: could not bundle src/ for a worker (${why}); running it through tsx\n`);
    }
    if (url) return import(url);
  }
  const { register } = await import("tsx/esm/api");
  register();
  return viaTsx();
}
