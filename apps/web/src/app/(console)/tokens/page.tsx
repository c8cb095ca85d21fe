import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RoleGate } from '@/components/role-gate';
import { TokensPage } from '@/features/tokens/tokens-page';

export const metadata: Metadata = { title: 'API tokens' };

export default function Tokens() {
  return (
    <RoleGate role="admin" title="API tokens">
      <Suspense>
        <TokensPage />
      </Suspense>
    </RoleGate>
  );
}
