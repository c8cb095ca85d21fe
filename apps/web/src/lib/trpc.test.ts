import { expect, it } from 'vitest';
import { makeTrpcClient } from './trpc';

it('asks a payload search in a request of its own, and the rest of the tick in one batch', async () => {
  const asked: string[] = [];
  const client = makeTrpcClient({
    url: 'http://console.test/trpc',
    // What the engine would answer, for each procedure the request names: a batch answers an array.
    fetch: (input: string | URL | Request) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const path = url.pathname.replace('/trpc/', '');
      asked.push(path);
      const calls = path.split(',').map(() => ({ result: { data: null } }));
      const body = url.searchParams.has('batch') ? calls : calls[0];
      return Promise.resolve(
        new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }),
      );
    },
  });
  await Promise.all([
    client.organism.status.query(),
    client.messages.search.query({ text: 'order' }),
    client.journal.stats.query(),
  ]);
  expect(asked.sort()).toEqual(['messages.search', 'organism.status,journal.stats']);
});
