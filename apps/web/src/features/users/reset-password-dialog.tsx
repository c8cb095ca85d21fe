'use client';
import { setPasswordInputSchema } from '@organism/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, FormDialogFooter } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/form-field';
import type { FieldErrors } from '@/lib/form-errors';
import { engineFieldErrors, schemaErrors } from '@/lib/form-errors';
import { useTRPC } from '@/lib/trpc';

/** Sets a new password for another user; the engine ends their sessions, so whoever had them is out. */
export function ResetPasswordDialog({ name }: { name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const reset = useMutation(
    trpc.users.setPassword.mutationOptions({
      onSuccess: () => {
        toast.success(`New password set for ${name}; their sessions ended.`);
        void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
        setOpen(false);
      },
      onError: (err) => setErrors(engineFieldErrors(err)),
    }),
  );
  const submit = () => {
    const checked = setPasswordInputSchema.safeParse({ name, password });
    const found = checked.success ? {} : schemaErrors(checked.error.issues);
    if (!found.password && password !== repeat) found.repeat = 'the two passwords differ';
    setErrors(found);
    if (Object.keys(found).length === 0) reset.mutate({ name, password });
  };
  return (
    <Dialog
      title={`Reset the password of ${name}`}
      description={`${name} is signed out everywhere and signs in again with the new password.`}
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) {
          setPassword('');
          setRepeat('');
          setErrors({});
          reset.reset();
        }
      }}
      trigger={
        <Button variant="ghost" aria-label={`Reset password of ${name}`}>
          Reset password…
        </Button>
      }
    >
      <form
        className="space-y-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <TextField
          label="New password"
          type="password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setErrors({});
          }}
          error={errors.password}
          hint="at least 8 characters"
          autoComplete="new-password"
          autoFocus
        />
        <TextField
          label="Repeat the new password"
          type="password"
          value={repeat}
          onChange={(e) => {
            setRepeat(e.target.value);
            setErrors({ ...errors, repeat: undefined });
          }}
          error={errors.repeat}
          autoComplete="new-password"
        />
        <FormDialogFooter
          error={reset.error}
          fieldErrors={Object.values(errors).some(Boolean)}
          pending={reset.isPending}
          submit="Set the password"
          working="Setting…"
        />
      </form>
    </Dialog>
  );
}
