'use client';
import { changePasswordInputSchema } from '@organism/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/form-field';
import { describeError } from '@/lib/engine-error';
import type { FieldErrors } from '@/lib/form-errors';
import { engineFieldErrors, schemaErrors } from '@/lib/form-errors';
import { useTRPC } from '@/lib/trpc';

const EMPTY = { currentPassword: '', newPassword: '', repeat: '' };

/**
 * The signed-in user's own password. The engine checks the current one (a wrong one is refused at its
 * field, and counts toward the sign-in limits), then ends every other session; this one goes on.
 */
export function ChangePasswordForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        toast.success('Password changed. Your other sessions were signed out.');
        setForm(EMPTY);
        void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
      },
      onError: (err) => setErrors(engineFieldErrors(err)),
    }),
  );
  const submit = () => {
    const input = { currentPassword: form.currentPassword, newPassword: form.newPassword };
    const checked = changePasswordInputSchema.safeParse(input);
    const found = checked.success ? {} : schemaErrors(checked.error.issues);
    if (!found.newPassword && form.newPassword !== form.repeat) found.repeat = 'the two new passwords differ';
    setErrors(found);
    if (Object.keys(found).length === 0) change.mutate(input);
  };
  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) => {
    setForm({ ...form, [key]: e.target.value });
    setErrors({ ...errors, [key]: undefined });
  };
  return (
    <form
      aria-label="Change your password"
      className="max-w-sm space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <TextField
        label="Current password"
        type="password"
        value={form.currentPassword}
        onChange={set('currentPassword')}
        error={errors.currentPassword}
        autoComplete="current-password"
      />
      <TextField
        label="New password"
        type="password"
        value={form.newPassword}
        onChange={set('newPassword')}
        error={errors.newPassword}
        hint="at least 8 characters"
        autoComplete="new-password"
      />
      <TextField
        label="Repeat the new password"
        type="password"
        value={form.repeat}
        onChange={set('repeat')}
        error={errors.repeat}
        autoComplete="new-password"
      />
      {change.error && !Object.values(errors).some(Boolean) && (
        <p role="alert" className="text-sm text-failed">
          {describeError(change.error)}
        </p>
      )}
      <Button type="submit" variant="primary" disabled={change.isPending}>
        {change.isPending ? 'Changing…' : 'Change password'}
      </Button>
    </form>
  );
}
