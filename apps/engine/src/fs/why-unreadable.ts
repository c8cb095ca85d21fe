/**
 * Why a file could not be read, in words that leave the path out: the caller names the file as its
 * reader knows it (`file not found: schemas/a.xsd`), where node:fs's message names it again, absolute
 * (`ENOENT: no such file or directory, open '/home/…/schemas/a.xsd'`).
 */
export function whyUnreadable(err: unknown): string {
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return 'file not found';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links (a link that leads to itself?)';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder';
    case 'ENAMETOOLONG':
      return 'its name is too long';
  }
  const message = err instanceof Error ? err.message : String(err);
  // node:fs words the rest "CODE: what happened, syscall 'path'".
  return message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
}
