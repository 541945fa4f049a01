// nvmesim validate: runs the validation cases and writes docs/validation.md (npm run validate).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runValidation } from "../run/validation";
import { validationDoc, validationJson } from "../report/validation-doc";
import { ROOT } from "../wasm/build";
import { loadNvmesim } from "../wasm/node";
import { boolFlag, parseFlags, type FlagSpec } from "./args";
import type { Io } from "./io";

export const VALIDATION_MD = join(ROOT, "docs/validation.md");

const FLAGS: FlagSpec = { check: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean" } };

export async function validate(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(
      "usage: nvmesim validate [--check | --json]\n--check: exit 1 if docs/validation.md differs from a fresh run\n--json: print the rows, docs/validation.md untouched\n",
    );
    return 0;
  }
  const rows = await runValidation(await loadNvmesim());
  if (boolFlag(parsed, "json")) {
    io.stdout(JSON.stringify(validationJson(rows), null, 1) + "\n");
    return 0;
  }
  const doc = validationDoc(rows);
  if (boolFlag(parsed, "check")) {
    let current = "";
    try {
      current = readFileSync(VALIDATION_MD, "utf8");
    } catch {
      current = "";
    }
    if (current !== doc) io.stderr(`validate: ${VALIDATION_MD} is out of date (run npm run validate)\n`);
    return current === doc ? 0 : 1;
  }
  const tmp = `${VALIDATION_MD}.tmp-${process.pid}`;
  writeFileSync(tmp, doc);
  renameSync(tmp, VALIDATION_MD);
  io.stdout(doc);
  return 0;
}
