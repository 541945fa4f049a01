// Command-line flags: node:util parseArgs in strict mode, with every mistake
// turned into one line that names the flag, the value and what is allowed.
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { nearest } from "../model/config";

/** A mistake in what the user typed: exit status 2, one line, no stack trace. */
export class UsageError extends Error {}

export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** Parses `argv` against `options`; unknown flags, missing values and extra words are UsageErrors. */
export function parseFlags(argv: string[], options: FlagSpec, maxPositionals = 0): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({
      args: negativeValues(argv, options),
      options,
      strict: true,
      allowPositionals: true,
    }) as Parsed;
  } catch (err) {
    throw new UsageError(describeParseError(err as Error & { code?: string }, options));
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[maxPositionals]}'`);
  }
  return parsed;
}

/** `--flag -1` as `--flag=-1`: a negative number after a flag that takes a value is its value, not a flag. */
function negativeValues(argv: string[], options: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([^=]+)$/.exec(argv[i])?.[1];
    if (name && options[name]?.type === "string" && /^-\d/.test(argv[i + 1] ?? "")) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

function describeParseError(err: Error & { code?: string }, options: FlagSpec): string {
  const flag = /'(-[^' ]+)/.exec(err.message)?.[1] ?? "";
  const allowed = Object.keys(options)
    .map((name) => `--${name}`)
    .join(", ");
  switch (err.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const near = nearest(flag.replace(/^-+/, "").replace(/_/g, "-"), Object.keys(options));
      return `unknown flag ${flag}${near ? ` (did you mean --${near}?)` : ""}; allowed: ${allowed}`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (err.message.includes("does not take an argument")) return `${flag} takes no value`;
      if (err.message.includes("ambiguous"))
        return `${flag} needs a value (one starting with '-' is written ${flag}=VALUE)`;
      return `${flag} needs a value`;
    default:
      return err.message;
  }
}

const U64_MAX = (1n << 64n) - 1n;

/** An integer in decimal or 0x hex within [min, max]. */
export function parseInteger(flag: string, text: string, min: bigint, max: bigint): bigint {
  const ok = /^(0x[0-9a-f]+|[0-9]+)$/i.test(text);
  const value = ok ? BigInt(text) : undefined;
  if (value === undefined || value < min || value > max) {
    throw new UsageError(`invalid --${flag} '${text}': must be an integer in ${range(min, max)} (decimal or 0x hex)`);
  }
  return value;
}

function range(min: bigint, max: bigint): string {
  const show = (n: bigint) => (n > 0xffffffffn ? `0x${n.toString(16)}` : n.toString());
  return `${show(min)}..${show(max)}`;
}

/** A flag's integer value (or `fallback` when absent) as a number; for ranges within 2^53. */
export function intFlag(parsed: Parsed, flag: string, min: number, max: number, fallback: number): number {
  const text = parsed.values[flag];
  if (text === undefined) return fallback;
  return Number(parseInteger(flag, String(text), BigInt(min), BigInt(max)));
}

/** A flag's 64-bit value (or `fallback`). */
export function u64Flag(parsed: Parsed, flag: string, fallback: bigint): bigint {
  const text = parsed.values[flag];
  if (text === undefined) return fallback;
  return parseInteger(flag, String(text), 0n, U64_MAX);
}

export function boolFlag(parsed: Parsed, flag: string): boolean {
  return parsed.values[flag] === true;
}

/** Rejects flags that were given but mean nothing for this use. */
export function rejectFlags(parsed: Parsed, flags: readonly string[], reason: string): void {
  for (const flag of flags) {
    if (parsed.values[flag] !== undefined) throw new UsageError(`--${flag} ${reason}`);
  }
}

/** Hex text (whitespace and a 0x prefix allowed) of exactly `bytes` bytes. */
export function parseHexBytes(flag: string, text: string, bytes: number): Uint8Array {
  const digits = text.replace(/\s+/g, "").replace(/^0x/i, "");
  if (!/^[0-9a-f]*$/i.test(digits) || digits.length !== bytes * 2) {
    const what = /^[0-9a-f]*$/i.test(digits) ? `${digits.length} hex digits` : "non-hex characters";
    throw new UsageError(`invalid --${flag}: got ${what}, need exactly ${bytes * 2} hex digits (${bytes} bytes)`);
  }
  return Uint8Array.from({ length: bytes }, (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16));
}

/** The text of a file the user named; a file that cannot be read is a UsageError naming it. */
export function readInputFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
}
