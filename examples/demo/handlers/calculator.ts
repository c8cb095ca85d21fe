import { HandlerError, xml } from '@organism/engine/handler';
import type { XmlValue } from '@organism/engine/handler';

interface Calculate {
  a: string;
  op: 'add' | 'sub' | 'mul' | 'div';
  b: string;
}

/** Answers <result>, or fails cleanly: dividing by zero is not retried and the caller gets a SystemError. */
export function calculate(payload: XmlValue): string {
  const { a, op, b } = payload as unknown as Calculate;
  const x = Number(a);
  const y = Number(b);
  if (op === 'div' && y === 0) throw new HandlerError(`cannot divide ${a} by zero`, { retryable: false });
  const value = op === 'add' ? x + y : op === 'sub' ? x - y : op === 'mul' ? x * y : x / y;
  return xml`<result><value>${Number(value.toFixed(6))}</value></result>`;
}
