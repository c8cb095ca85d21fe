import { xml } from '@organism/engine/handler';
import type { XmlValue } from '@organism/engine/handler';

interface Line {
  sku: string;
  quantity: string;
  price: string;
}

/** Answers a receipt with the order's total. The payload's namespace is fixed by its contract. */
export function acceptOrder(payload: XmlValue): string {
  const order = payload as unknown as { '@id': string; line: Line | Line[] };
  const lines = Array.isArray(order.line) ? order.line : [order.line];
  const cents = lines.reduce((sum, l) => sum + Math.round(Number(l.price) * 100) * Number(l.quantity), 0);
  return xml`<receipt xmlns="urn:organism:demo:orders"><order>${order['@id']}</order><total>${(cents / 100).toFixed(2)}</total></receipt>`;
}

/**
 * Content routing: `big-orders` has a filter, so a broadcast <order> reaches it only when a line asks
 * for more than 20 of something (`orders` takes every one). It answers nothing; the journal keeps it.
 */
export function flagBigOrder(): void {}
