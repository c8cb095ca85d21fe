/**
 * Vitest global setup: one temporary folder for the whole run, as TMPDIR, removed afterwards. The suites
 * make their journals, organisms and CLI homes with `mkdtemp(tmpdir())` and leave them, like the engines
 * and CLIs they spawn (which inherit TMPDIR): hundreds of folders and about a gigabyte a run otherwise.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'organism-tests-'));
  // As root, the throwaway PostgreSQL runs as Debian's `postgres` user: it must reach its folder in here.
  chmodSync(dir, 0o755);
  process.env.TMPDIR = dir;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    rmSync(dir, { recursive: true, force: true });
  };
}
