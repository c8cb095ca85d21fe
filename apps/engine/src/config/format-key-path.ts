/** `['listeners', 2, 'payload', 'schema']` → `listeners[2].payload.schema` (how problems name a YAML key). */
export function formatKeyPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${key}` : key;
  }, '');
}
