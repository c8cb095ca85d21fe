/** A promise that `fire` resolves, replaced by a fresh one each time: every waiter wakes once. */
export function signal(): { promise: Promise<void>; fire(): void } {
  let resolve: () => void = () => undefined;
  const s = {
    promise: new Promise<void>((r) => (resolve = r)),
    fire(): void {
      const done = resolve;
      s.promise = new Promise<void>((r) => (resolve = r));
      done();
    },
  };
  return s;
}
