// Text of wire structures for people and scripts: hex dumps (16 bytes a
// line with offsets), field tables, and JSON with 64-bit values as lowercase
// 0x strings (exact beyond 2^53).

export function hexdump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = Array.from(bytes.subarray(offset, offset + 16), (b) => b.toString(16).padStart(2, "0"));
    lines.push(`  ${offset.toString(16).padStart(2, "0")}: ${row.slice(0, 8).join(" ")}  ${row.slice(8).join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

export function hexString(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function hex64(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

/** JSON of a value with bigints as 0x strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? hex64(v) : v));
}

/** A field as people read it: flags 0/1, 64-bit values in hex, larger numbers in both bases. */
export function fieldText(value: number | bigint | boolean): string {
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "bigint") return hex64(value);
  return value > 9 ? `${value} (0x${value.toString(16)})` : String(value);
}

/** Aligned rows of name, value and an optional note. */
export function fieldTable(
  fields: readonly { name: string; value: number | bigint | boolean; note?: string }[],
): string {
  const width = Math.max(...fields.map((f) => f.name.length));
  const rows = fields.map((f) => {
    const value = fieldText(f.value);
    return `  ${f.name.padEnd(width)}  ${f.note ? `${value.padEnd(24)}${f.note}` : value}`.trimEnd();
  });
  return rows.join("\n") + "\n";
}
