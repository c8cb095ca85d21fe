// The raw HTTP limit: a node:http server whose handler reads the body and answers 202 with a small JSON
// body, as POST /messages does, and nothing else. Prints its port on stdout (limits.ts).
import { createServer } from 'node:http';

const body = JSON.stringify({
  messageId: '00000000-0000-0000-0000-000000000000',
  threadId: '00000000-0000-0000-0000-000000000000',
});
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(202, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(String(server.address().port));
});
process.on('SIGTERM', () => process.exit(0));
