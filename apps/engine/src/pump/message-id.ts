import { randomUUID } from 'node:crypto';
import type { MessageId } from '@organism/shared';

/** 2^32: the first 32 bits of an id count microseconds modulo this, about 71.6 minutes. */
const CYCLE = 4_294_967_296;

/** The last microsecond handed out by this thread, so that each id's start is above the one before. */
let last = 0;

/**
 * A new journal entry's id: an RFC 9562 UUID, version 8, whose first 32 bits (its first 8 hex digits,
 * the console's short id) are the microsecond it was made in modulo 2^32, one more than the previous
 * id's when the clock has not moved on, and whose other 90 bits are random (`randomUUID`). The index on
 * the entries' ids then takes new ids next to one another, where random ids (UUIDv4) each took a page
 * somewhere in it per entry and commit (docs/journal.md, "Entry ids start with the microsecond"). The
 * short ids this thread makes within 71 minutes all differ; those of messages made close together
 * share their first digits.
 */
export function newMessageId(): MessageId {
  const now = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  last = now > last ? now : last + 1;
  const random = randomUUID();
  return `${(last % CYCLE).toString(16).padStart(8, '0')}${random.slice(8, 14)}8${random.slice(15)}` as MessageId;
}
