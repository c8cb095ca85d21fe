import { formatProblem } from '@organism/shared';
import { basename, extname, relative } from 'node:path';
import { moduleFiles } from '../lifecycle/extensions/extension-host.ts';
import { loadOrganism } from '../lifecycle/organism-loader.ts';

/** `organism check`: load, compile every XSD, resolve every handler; print problems or a summary. */
export async function check(path: string): Promise<number> {
  const loaded = await loadOrganism(path);
  if (!loaded.ok) {
    for (const p of loaded.problems) console.error(formatProblem(p));
    console.error(`${loaded.problems.length} problem(s) in ${path}`);
    return 1;
  }
  const { config, listeners, registry } = loaded.organism;
  const schemas = new Set(listeners.map((l) => l.schema.file)).size;
  console.log(
    `organism ${config.name}: ${listeners.length} listeners, ${schemas} schemas compiled, ${listeners.length} handlers resolved`,
  );
  const declared = new Map(config.listeners.map((c) => [c.name, c.definedIn]));
  const main = basename(config.file);
  for (const l of listeners) {
    const from = declared.get(l.name);
    console.log(
      `  ${l.name.padEnd(24)} ${l.roots.join(' ')}${l.filter ? `  where ${l.filter.expression}` : ''}${l.agent ? `  agent → ${l.peers.join(', ')}` : ''}${from && from !== main ? `  (${from})` : ''}`,
    );
  }
  for (const file of config.includes) console.log(`  included ${relative(config.baseDir, file)}`);
  // Found, not imported: an extension's code runs only in the engine (docs/extensions.md).
  for (const file of moduleFiles(config.baseDir, config.extensions))
    console.log(`  ${basename(file, extname(file)).padEnd(24)} extension ${relative(config.baseDir, file)}`);
  registry.dispose();
  return 0;
}
