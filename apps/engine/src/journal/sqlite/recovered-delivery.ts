import type Database from 'better-sqlite3';
import type { MessageId, QName, ThreadId } from '@organism/shared';
import type { Delivery, DeliveryKind } from '../../pump/delivery.ts';
import { JournalError } from '../journal-error.ts';

/** A row of boot recovery's read of the unfinished entries, in its columns' order. */
export type UnfinishedRow = [
  id: string,
  threadId: string,
  parentId: string | null,
  from: string | null,
  to: string | null,
  root: string | null,
  kind: DeliveryKind,
  chain: string,
  row: number,
  state: string,
  attempts: number,
  nextAttemptAt: number | null,
  createdAt: number,
];

/**
 * A delivery boot recovery handed back, whose payload stays in the journal until the delivery first
 * runs: 100,000 unfinished entries are re-queued without 78 MB of payloads on the heap (0.9–1.1 s
 * instead of 1.4–1.6 s on the development machine; bench/NOTES.md). `load` reads it once the start is
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
  /** The entry's rowid, which its payload is read by. */
  private readonly row: number;
  private payload: string | undefined;

  /** `r`: a row of boot recovery's read (`SqliteQueries.unfinished`), without its payload. */
  constructor(
    r: UnfinishedRow,
    private readonly payloads: Database.Statement,
  ) {
    this.id = r[0] as MessageId;
    this.threadId = r[1] as ThreadId;
    if (r[2]) this.parentId = r[2] as MessageId;
    this.from = r[3] ?? '';
    this.to = r[4] ?? '';
    this.root = r[5] ?? '';
    this.kind = r[6];
    this.chain = JSON.parse(r[7]) as string[];
    this.row = r[8];
    this.attempt = r[10] + 1;
    this.createdAt = r[12];
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
