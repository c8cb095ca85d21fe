/** Durations and sizes as people write them in YAML: `500ms`, `5s`, `2m`, `1h`; `512KiB`, `1MiB`, `2MB`. */

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/;
const SIZE_BYTES: Record<string, number> = { B: 1, KB: 1e3, KiB: 1024, MB: 1e6, MiB: 1024 ** 2, GB: 1e9, GiB: 1024 ** 3 };

/** Milliseconds from a number (already ms) or a duration string; undefined when unreadable. */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  const m = DURATION.exec(v.trim());
  return m?.[1] && m[2] ? Math.round(Number(m[1]) * (DURATION_MS[m[2]] ?? 1)) : undefined;
}

/** Bytes from a number or a size string; undefined when unreadable. */
export function parseByteSize(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const m = SIZE.exec(v.trim());
  return m?.[1] ? Math.round(Number(m[1]) * (SIZE_BYTES[m[2] ?? 'B'] ?? 1)) : undefined;
}
