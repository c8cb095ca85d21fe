/** Whether `x` is a promise or acts as one: what a handler or an event subscriber may return. */
export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof (x as PromiseLike<unknown> | null | undefined)?.then === 'function';
}
