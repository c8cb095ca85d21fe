import type Database from 'better-sqlite3';
import type { MessageId, QName, ThreadId } from '@organism/shared';
import type { Delivery, DeliveryKind } from '../../pump/delivery.ts';
import { JournalError } from '../journal-error.ts';

/**
 * A delivery boot recovery handed back, whose payload stays in the journal until the delivery first
 * runs: 100,000 unfinished entries are re-queued without 78 MB of payloads on the heap (0.9–1.1 s
 * instead of 1.4–1.6 s on the development machine; bench/README.md). `load` reads it once the start is
 * committed (queued-journal.ts), where a failure leaves the entry unfinished for the next run; reading
 * `payloadXml` before that reads it then. A class, so that its getter is shared: a getter per object
 * would give each delivery a shape of its own.
 */
export class RecoveredDelivery implements Delivery {
  readonly id: MessageId;
  readonly threadId: ThreadId;
  readonly from: string;
  readonly to: string;
  readonly chain: readonly string[];
  readonly root: QName;
  readonly kind: DeliveryKind;
  readonly parentId?: MessageId;
  attempt: number;
  readonly createdAt: number;
  private payload: string | undefined;

  constructor(
    fields: Omit<Delivery, 'payloadXml' | 'envelopeXml' | 'egress'>,
    /** The entry's rowid, which its payload is read by. */
    private readonly row: number,
    private readonly payloads: Database.Statement,
  ) {
    this.id = fields.id;
    this.threadId = fields.threadId;
    this.from = fields.from;
    this.to = fields.to;
    this.chain = fields.chain;
    this.root = fields.root;
    this.kind = fields.kind;
    if (fields.parentId) this.parentId = fields.parentId;
    this.attempt = fields.attempt;
    this.createdAt = fields.createdAt;
  }

  get payloadXml(): string {
    return this.payload ?? this.load();
  }

  /** Reads the payload (once). */
  load(): string {
    if (this.payload !== undefined) return this.payload;
    const payload = this.payloads.get(this.row) as string | null | undefined;
    if (typeof payload !== 'string')
      throw new JournalError('NOT_FOUND', `journal entry ${this.id} is gone: its payload cannot be read`);
    this.payload = payload;
    return payload;
  }
}

/** A delivery whose payload is read when it first runs (`RecoveredDelivery`). */
export function loadPayload(d: Delivery): void {
  if (d instanceof RecoveredDelivery) d.load();
}
