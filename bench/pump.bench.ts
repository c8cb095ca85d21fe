/**
 * Messages per second through the pump without a journal: one hop and a four-hop chain, 1 KB payloads,
 * printed beside libxml2-wasm's own parse + validate rate measured here in the same process.
 * Run: pnpm bench   (or: cd bench && pnpm pump)
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { barePump } from './lib/bare-pump.ts';
import { envelopeXml, recordXml, row, LIMITS } from './lib/figures.ts';

const ORGANISM = fileURLToPath(new URL('../examples/bench/organism.yaml', import.meta.url));
const SCHEMA = fileURLToPath(new URL('../examples/bench/schemas/record.xsd', import.meta.url));
const N = Number(process.env.BENCH_MESSAGES ?? 20_000);

function libxmlLimit(): number {
  const xsd = XmlDocument.fromString(readFileSync(SCHEMA, 'utf8'));
  const validator = XsdValidator.fromDoc(xsd);
  xsd.dispose();
  const docs = Array.from({ length: 1000 }, (_, i) => recordXml(i));
  const run = (n: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const doc = XmlDocument.fromString(docs[i % docs.length] ?? '');
      try {
        validator.validate(doc);
      } finally {
        doc.dispose();
      }
    }
    return (n / (performance.now() - t0)) * 1000;
  };
  run(5_000);
  const rate = run(N);
  validator.dispose();
  return rate;
}

async function throughput(to: string): Promise<number> {
  const pump = await barePump(ORGANISM);
  const messages = Array.from({ length: 1000 }, (_, i) => envelopeXml(to, i));
  const run = async (n: number): Promise<number> => {
    const t0 = performance.now();
    let next = 0;
    const producer = async (): Promise<void> => {
      while (next < n) {
        const res = await pump.submit(messages[next++ % messages.length] ?? '');
        if (!res.ok) throw new Error(res.error.message);
      }
    };
    await Promise.all(Array.from({ length: 64 }, producer));
    await pump.whenQuiet();
    return (n / (performance.now() - t0)) * 1000;
  };
  await run(2_000);
  const rate = await run(N);
  pump.stop();
  return rate;
}

console.log(
  `pump without journal — ${N} messages of ${Buffer.byteLength(recordXml(0))} bytes, node ${process.version}`,
);
const limit = libxmlLimit();
row('libxml2-wasm parse + validate (this machine)', limit, 'docs/s', {
  name: 'TOOLCHAIN.md figure',
  value: LIMITS.libxmlParseValidate1k,
});
const ref = { name: 'the libxml2 limit above', value: limit };
const one = await throughput('sink');
row('one hop', one, 'msg/s', ref);
const four = await throughput('hop1');
row('4-hop chain', four, 'msg/s', ref);
row('4-hop chain, hops', four * 4, 'hops/s', ref);
console.log(`aim: one hop at ≥ 50% of the libxml2 limit (${Math.round(limit / 2)} msg/s)`);
