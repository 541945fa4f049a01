// Builds the package's lib/ (npm run build:package; npm pack runs it first):
// the Node library, the nvmesim command and its worker entries as compiled
// JavaScript (Vite's SSR build: dependencies stay imports, no TypeScript
// loader at run time), the browser library, the Wasm module, the notebook
// page (dist/) and the type declarations. Everything is written in place of
// the last build.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { build } from "vite";
import { ensurePage } from "../cli/notebook";
import { ensureWasm, ROOT, WASM_PATH } from "../wasm/build";

const LIB = join(ROOT, "lib");
const src = (p: string) => join(ROOT, "src", p);
const define = { __NVMESIM_PACKAGE__: "true" };

export async function buildPackage(log: (line: string) => void = () => {}): Promise<void> {
  await ensureWasm(log);
  await ensurePage(log);
  rmSync(LIB, { recursive: true, force: true });
  mkdirSync(LIB, { recursive: true });
  log("nvmesim: building lib/ (Node library, command, workers)\n");
  await build({
    configFile: false,
    logLevel: "warn",
    define,
    build: {
      ssr: true,
      target: "node20",
      outDir: LIB,
      emptyOutDir: false,
      minify: false,
      rollupOptions: {
        input: {
          index: src("package/node.ts"),
          cli: src("package/cli.ts"),
          "sweep-worker": src("package/sweep-worker.ts"),
          "kernel-worker": src("package/kernel-worker.ts"),
        },
        output: { format: "es", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js" },
      },
    },
  });
  log("nvmesim: building lib/browser.js\n");
  await build({
    configFile: false,
    logLevel: "warn",
    define,
    build: {
      lib: { entry: src("package/browser.ts"), formats: ["es"], fileName: () => "browser.js" },
      target: "es2022",
      outDir: LIB,
      emptyOutDir: false,
      minify: false,
      rollupOptions: { external: ["./wasm-url.js"] },
    },
  });
  copyFileSync(src("package/wasm-url.js"), join(LIB, "wasm-url.js"));
  copyFileSync(WASM_PATH, join(LIB, "nvmesim.wasm"));
  log("nvmesim: writing lib/types (tsc)\n");
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.package.json")],
    {
      stdio: "inherit",
    },
  );
}

if (process.argv[1] && process.argv[1].endsWith("src/package/build.ts")) {
  await buildPackage((line) => process.stderr.write(line));
}
