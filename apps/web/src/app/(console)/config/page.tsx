import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RoleGate } from '@/components/role-gate';
import { ConfigPage } from '@/features/config/config-page';

export const metadata: Metadata = { title: 'Configuration' };

export default function Config() {
  return (
    <RoleGate role="operator" title="Configuration">
      <Suspense>
        <ConfigPage />
      </Suspense>
    </RoleGate>
  );
}
