import { describe, expect, it } from 'vitest';
import { WholeChunkTextEncoderStream } from './text-encoder-stream.ts';

/** Pipes `chunks` through `stream` and returns every byte it produced. */
async function encode(stream: TransformStream<string, Uint8Array>, chunks: string[]): Promise<number[]> {
  const source = new ReadableStream<string>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  const out: number[] = [];
  const reader = source.pipeThrough(stream).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(...r.value);
  return out;
}

describe('WholeChunkTextEncoderStream', () => {
  const cases: [string, string[]][] = [
    ['plain text', ['data: {"a":1}\n', '\n\n']],
    ['multi-byte characters', ['é→', '日本', '']],
    ['a surrogate pair whole', ['x😀y']],
    ['a surrogate pair split across chunks', ['x\ud83d', '\ude00y']],
    ['a lone high surrogate before other text', ['x\ud83d', 'y']],
    ['a lone high surrogate at the very end', ['x\ud83d']],
    ['a lone low surrogate', ['\ude00x']],
    ['a high surrogate split off alone, then another', ['\ud83d', '\ud83d', '\ude00']],
  ];
  it.each(cases)('encodes %s byte for byte as Node’s own does', async (_, chunks) => {
    const ours = await encode(new WholeChunkTextEncoderStream(), chunks);
    const node = await encode(new TextEncoderStream(), chunks);
    expect(ours).toEqual(node);
  });

  it('encodes a 40 KB chunk as one encode call would', async () => {
    const big = JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ seq: i, threadId: `t-${i}-é` })));
    expect(await encode(new WholeChunkTextEncoderStream(), [big])).toEqual([
      ...new TextEncoder().encode(big),
    ]);
  });
});
