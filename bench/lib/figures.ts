/** Shared printing for the benchmarks: every figure beside the physical limit it is measured against. */

/** Limits from ../shared/TOOLCHAIN.md, measured on these 2-core machines (per second, one core). */
export const LIMITS = {
  libxmlParseValidate1k: 28_000,
  sqliteInsertTxnNormal: 39_000,
  sqliteInsertTxnFull: 5_900,
  sqliteInsertBatchNormal: 141_000,
  sqliteInsertBatchFull: 112_000,
  naivePipelineNormal: 9_200,
  naivePipelineFull: 1_600,
} as const;

export function row(
  name: string,
  value: number,
  unit: string,
  limit?: { name: string; value: number },
): void {
  const ratio = limit
    ? `  ${((value / limit.value) * 100).toFixed(0)}% of ${limit.name} (${fmt(limit.value)}/s)`
    : '';
  console.log(`${name.padEnd(44)} ${fmt(value).padStart(10)} ${unit}${ratio}`);
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A ~1 KB record payload (urn:organism:bench), numbered so each message differs. */
export function recordXml(i: number): string {
  const items = Array.from(
    { length: 9 },
    (_, k) =>
      `<item><sku>sku-${k}</sku><qty>${k + 1}</qty><note>note for item ${k} of record ${i}</note></item>`,
  ).join('');
  return `<record xmlns="urn:organism:bench"><id>${i + 1}</id>${items}</record>`;
}

export function envelopeXml(to: string, i: number): string {
  return `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>bench</from><to>${to}</to></meta>${recordXml(i)}</message>`;
}
