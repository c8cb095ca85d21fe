import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * True when `path` lies inside `folder` once every symlink in both is resolved: a link inside the folder
 * that leads out is outside. A path that does not exist is judged by its nearest existing parent, so a
 * linked folder that leads out is caught before the file is there. The one check for XSDs and handlers.
 */
export function isInsideFolder(folder: string, path: string): boolean {
  const rel = relative(realPath(resolve(folder)), realPath(resolve(folder, path)));
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** `path` with symlinks resolved as far as it exists; the missing rest is appended unchanged. */
function realPath(path: string): string {
  const missing: string[] = [];
  let head = path;
  for (;;) {
    try {
      return join(realpathSync.native(head), ...missing);
    } catch {
      // Missing, not a folder, or unreadable: step up and resolve what is there.
      const parent = dirname(head);
      if (parent === head) return path;
      missing.unshift(basename(head));
      head = parent;
    }
  }
}
