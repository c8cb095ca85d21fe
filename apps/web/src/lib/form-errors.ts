import { engineCodeOf, errorProblems } from './engine-error';

/** Field → what is wrong with it, for a form to show beside each field. */
export type FieldErrors = Partial<Record<string, string>>;

/**
 * `['producers', 1]` → field `producers`, and the message as it is: a list item's message names the item
 * ("greeter is a listener of this organism: …"), as the engine's schemas word them, which tells a person
 * more than its place in the list would.
 */
function place(path: readonly PropertyKey[], message: string): [string, string] {
  const [field = '', ...rest] = path;
  const where = rest
    .filter((k) => typeof k !== 'number')
    .map(String)
    .join('.');
  return [String(field), where ? `${where}: ${message}` : message];
}

/**
 * The first problem per field of a failed check with the engine's own input schema (from
 * @organism/shared), so a form refuses what the engine would refuse, with the same words, before sending.
 */
export function schemaErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const [field, message] = place(i.path, i.message);
    out[field] ??= message;
  }
  return out;
}

/** The engine's problems per field when it refused the input (`INPUT_INVALID`); empty otherwise. */
export function engineFieldErrors(err: unknown): FieldErrors {
  if (engineCodeOf(err) !== 'INPUT_INVALID') return {};
  const out: FieldErrors = {};
  for (const p of errorProblems(err)) {
    if (!p.path) continue;
    // `producers[1]` → producers
    const keys = p.path
      .split(/\.|\[|\]/)
      .filter(Boolean)
      .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const [field, message] = place(keys, p.message);
    out[field] ??= message;
  }
  return out;
}
