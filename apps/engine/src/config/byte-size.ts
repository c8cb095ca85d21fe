const SIZE = /^(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?$/i;
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  gb: 1e9,
  gib: 1024 ** 3,
};

/**
 * Bytes from a whole number or a size string: `2048`, `512KiB`, `1MiB`, `2MB` (KB/MB/GB are powers of
 * 1000, KiB/MiB/GiB of 1024). Undefined when unreadable, negative or a fraction of a byte.
 */
export function parseByteSize(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  const m = SIZE.exec(v.trim());
  if (!m?.[1]) return undefined;
  const unit = UNIT_BYTES[(m[2] ?? 'b').toLowerCase()] ?? 1;
  // Rounding absorbs float noise ("1.1KB" is 1100.0000000000002); a bare "1.5" byte count stays unreadable.
  if (unit === 1 && !Number.isInteger(Number(m[1]))) return undefined;
  return Math.round(Number(m[1]) * unit);
}
