import type { Metadata } from 'next';
import { RoleGate } from '@/components/role-gate';
import { UsersPage } from '@/features/users/users-page';

export const metadata: Metadata = { title: 'Users' };

export default function Users() {
  return (
    <RoleGate role="admin" title="Users">
      <UsersPage />
    </RoleGate>
  );
}
