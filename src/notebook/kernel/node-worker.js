// The kernel in a Node worker thread (nvmesim nb run): loads the TypeScript
// entry through tsx's loader, as the nvmesim command does.
import { register } from "tsx/esm/api";

register();
await import("./node-worker-main.ts");
