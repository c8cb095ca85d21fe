'use client';
import type { Role } from '@organism/shared';
import { addUserInputSchema } from '@organism/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { UserPlus } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, FormDialogFooter } from '@/components/ui/dialog';
import { SelectField, TextField } from '@/components/ui/form-field';
import { engineCodeOf } from '@/lib/engine-error';
import type { FieldErrors } from '@/lib/form-errors';
import { engineFieldErrors, schemaErrors } from '@/lib/form-errors';
import { useTRPC } from '@/lib/trpc';
import { ROLE_DOES, ROLES } from './roles';

const EMPTY = { name: '', role: 'viewer' as Role, password: '', repeat: '' };

/** Adds a user: name, role and a first password (checked with the engine's own rules before sending). */
export function AddUserDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const add = useMutation(
    trpc.users.add.mutationOptions({
      onSuccess: (user) => {
        toast.success(
          `Added ${user.name} (${user.role}). Give them their password; they can change it on Your account.`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
        setOpen(false);
      },
      onError: (err) => {
        if (engineCodeOf(err) === 'CONFLICT')
          setErrors({ name: `${form.name} is taken: choose another name` });
        else setErrors(engineFieldErrors(err));
      },
    }),
  );
  const submit = () => {
    const input = { name: form.name.trim(), role: form.role, password: form.password };
    const checked = addUserInputSchema.safeParse(input);
    const found = checked.success ? {} : schemaErrors(checked.error.issues);
    if (!found.password && form.password !== form.repeat) found.repeat = 'the two passwords differ';
    setErrors(found);
    if (Object.keys(found).length === 0) add.mutate(input);
  };
  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) => {
    setForm({ ...form, [key]: e.target.value });
    setErrors({ ...errors, [key]: undefined });
  };
  const fieldErrors = Object.values(errors).some(Boolean);
  return (
    <Dialog
      title="Add a user"
      description="They sign in with this name and password, and can change the password themselves."
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) {
          setForm(EMPTY);
          setErrors({});
          add.reset();
        }
      }}
      trigger={
        <Button variant="primary">
          <UserPlus className="size-4" aria-hidden /> Add user
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
          label="Name"
          value={form.name}
          onChange={set('name')}
          error={errors.name}
          hint="letters, digits and . _ - @"
          autoComplete="off"
          autoFocus
        />
        <SelectField label="Role" value={form.role} onChange={set('role')} hint={ROLE_DOES[form.role]}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Password"
          type="password"
          value={form.password}
          onChange={set('password')}
          error={errors.password}
          hint="at least 8 characters"
          autoComplete="new-password"
        />
        <TextField
          label="Repeat the password"
          type="password"
          value={form.repeat}
          onChange={set('repeat')}
          error={errors.repeat}
          autoComplete="new-password"
        />
        <FormDialogFooter
          error={add.error}
          fieldErrors={fieldErrors}
          pending={add.isPending}
          submit="Add user"
          working="Adding…"
        />
      </form>
    </Dialog>
  );
}
