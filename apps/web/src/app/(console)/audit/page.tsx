import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RoleGate } from '@/components/role-gate';
import { AuditPage } from '@/features/audit/audit-page';

export const metadata: Metadata = { title: 'Audit log' };

export default function Audit() {
  return (
    <RoleGate role="admin" title="Audit log">
      <Suspense>
        <AuditPage />
      </Suspense>
    </RoleGate>
  );
}
