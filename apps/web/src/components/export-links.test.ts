import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXPORT_CHECK_HEADER } from '@/lib/export-check';
import { exportRefusal } from './export-links';

// A real HTTP server in the export route's place: a refusal with its sentence, the engine away as 502,
// and a long download whose body the check must not read.
let base = '';
let longBodyClosedEarly: Promise<boolean>;
const server = createServer((req, res) => {
  if (req.url === '/refused') {
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The messages could not be exported: sign in first\n');
  } else if (req.url === '/checked') {
    // Only the question is answered here: a request for the file itself is refused, so the test sees which.
    const asked = req.headers[EXPORT_CHECK_HEADER] === '1';
    res.writeHead(asked ? 204 : 409, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(asked ? undefined : 'asked for the file, not whether it would download\n');
  } else if (req.url === '/away') {
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end();
  } else {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write('{"first":"page"}\n');
    // Never ends by itself: only the client's going away ends it.
    longBodyClosedEarly = new Promise((resolve) => res.on('close', () => resolve(!res.writableEnded)));
  }
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

it('says why an export would not download, in the words of the route', async () => {
  expect(await exportRefusal(`${base}/refused`)).toBe('The messages could not be exported: sign in first');
  expect(await exportRefusal(`${base}/away`)).toBe('The export was refused (502).');
});

it('asks the export only whether it would download', async () => {
  expect(await exportRefusal(`${base}/checked`)).toBeNull();
});

it('lets a download that would start go ahead without reading it (a route that does not know the question)', async () => {
  expect(await exportRefusal(`${base}/download`)).toBeNull();
  expect(await longBodyClosedEarly).toBe(true);
});

it('says so when the console itself cannot be reached', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  expect(await exportRefusal(`http://127.0.0.1:${port}/x`)).toMatch(/^The console could not be reached/);
});
