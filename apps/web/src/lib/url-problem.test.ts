import { expect, it } from 'vitest';
import { auditExportProblem } from '@/features/audit/audit-filters';
import { exportUrlProblem } from '@/features/messages/message-export';

const params = (query: string) => new URLSearchParams(query);

it('refuses a key given twice, which a loader would read as one of the two', () => {
  expect(exportUrlProblem(params('format=xml&format=jsonl'))).toBe(
    'format: given more than once; the export takes one',
  );
  expect(exportUrlProblem(params('to=a&to=b'))).toBe('to: given more than once; the export takes one');
});

it("checks the audit log's export as the messages' export is checked", () => {
  expect(auditExportProblem(params('format=csv&actor=ada&outcome=error'))).toBeUndefined();
  expect(auditExportProblem(params(''))).toBeUndefined();
  expect(auditExportProblem(params('format=json'))).toBe('format: "json" is not a valid value');
  expect(auditExportProblem(params('outcome=maybe'))).toBe('outcome: "maybe" is not a valid value');
  expect(auditExportProblem(params('limit=-1'))).toBe(
    'unknown parameter limit: the export takes actor, action, outcome, since, until, format',
  );
  expect(auditExportProblem(params('since=yesterday'))).toBe('since: "yesterday" is not a valid value');
});
