import type { EngineErrorCode } from '@organism/shared';

/** Codes given at intake (the message never reached a listener): shown amber, as "rejected". */
const REJECTION_CODES: ReadonlySet<string> = new Set<EngineErrorCode>([
  'PAYLOAD_TOO_LARGE',
  'MALFORMED_XML',
  'DOCTYPE_FORBIDDEN',
  'ENVELOPE_INVALID',
  'NO_PAYLOAD',
  'MULTIPLE_PAYLOADS',
  'MISSING_FROM',
  'UNKNOWN_ROUTE',
  'SCHEMA_VIOLATION',
  'SENDER_RESERVED',
  'QUEUE_FULL',
  'DRAINING',
  'NOT_RUNNING',
]);

export function isRejection(code: string | null | undefined): boolean {
  return !!code && REJECTION_CODES.has(code);
}
