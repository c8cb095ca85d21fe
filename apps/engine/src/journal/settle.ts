/** Runs a journal read or write as a promise: a throw becomes a rejection, never a synchronous throw. */
export function settle<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(fn()));
}
