// Reading test vectors: numbers in JSON may be decimal or "0x" strings (64-bit safe).

/** A "0x..." string as a bigint. */
export function num64(text: string): bigint {
  return BigInt(text);
}

/** Request objects from vectors: small numbers as numbers, 0x strings as numbers unless the field is 64-bit. */
export function parseRequestNumbers(request: Record<string, unknown>): Record<string, unknown> {
  const wide = new Set(["slba", "prp1", "prp2"]);
  return Object.fromEntries(
    Object.entries(request).map(([k, v]) => {
      if (typeof v !== "string" || !v.startsWith("0x")) return [k, v];
      return [k, wide.has(k) ? BigInt(v) : Number(BigInt(v))];
    }),
  );
}

export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
