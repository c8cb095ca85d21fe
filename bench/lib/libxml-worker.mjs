// One libxml2-wasm instance on this thread: parses and XSD-validates the given documents in turn for
// `seconds` after `warmupSeconds`, then posts how many it did and in how long (limits.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';

const { xsd, docs, seconds, warmupSeconds } = workerData;
const schema = XmlDocument.fromString(xsd);
const validator = XsdValidator.fromDoc(schema);
schema.dispose();

function run(ms) {
  const t0 = performance.now();
  let n = 0;
  // Checks the clock every 100 documents (about 2 ms): cheap beside the work.
  while (performance.now() - t0 < ms) {
    for (let k = 0; k < 100; k++, n++) {
      const doc = XmlDocument.fromString(docs[n % docs.length]);
      try {
        validator.validate(doc);
      } finally {
        doc.dispose();
      }
    }
  }
  return { docs: n, ms: performance.now() - t0 };
}

run(warmupSeconds * 1000);
// Every worker starts measuring at the same moment, so all cores are busy together.
parentPort.once('message', () => {
  const result = run(seconds * 1000);
  validator.dispose();
  parentPort.postMessage(result);
});
parentPort.postMessage('ready');
