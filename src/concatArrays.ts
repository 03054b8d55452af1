/**
 * Typed arrays that arrive in pieces (resampler output, streamed frames, scores and labels pooled
 * over variants) as one array of `type`; a single piece is returned as it is.
 */
export function concatArrays<T extends Float32Array | Uint8Array>(parts: readonly T[], type: new (length: number) => T): T {
  if (parts.length === 1) return parts[0]!;
  const out = new type(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
