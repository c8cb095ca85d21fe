'use client';
import { createTokenInputSchema } from '@organism/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, FormDialogFooter } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/form-field';
import type { FieldErrors } from '@/lib/form-errors';
import { engineFieldErrors, schemaErrors } from '@/lib/form-errors';
import { useTRPC } from '@/lib/trpc';
import type { CreatedToken } from './token-once';
import { TokenOnce } from './token-once';

/** Names a new token (and, optionally, the producer names it may send as), then shows it once. */
export function CreateTokenDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [producers, setProducers] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<CreatedToken | null>(null);
  // A token not copied is not let go at the first Esc, click outside or Done: it cannot be shown again.
  const [copied, setCopied] = useState(false);
  const [warned, setWarned] = useState(false);
  const create = useMutation(
    trpc.users.createToken.mutationOptions({
      onSuccess: (res, input) => {
        setCreated({ ...res, name: input.name, producers: input.producers ?? null });
        void queryClient.invalidateQueries({ queryKey: trpc.users.tokens.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
      },
      onError: (err) => setErrors(engineFieldErrors(err)),
    }),
  );
  const list = producers
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const submit = () => {
    const input = { name: name.trim(), ...(list.length ? { producers: list } : {}) };
    const checked = createTokenInputSchema.safeParse(input);
    const found = checked.success ? {} : schemaErrors(checked.error.issues);
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate(input);
  };
  return (
    <Dialog
      title={created ? 'Token created' : 'Create an API token'}
      description={
        created
          ? undefined
          : 'Producers send messages to POST /messages with it, as Authorization: Bearer <token>.'
      }
      wide={created !== null}
      open={open}
      onOpenChange={(o) => {
        if (!o && created && !copied && !warned) {
          setWarned(true);
          return;
        }
        setOpen(o);
        setCopied(false);
        setWarned(false);
        // Closing forgets the token: it is never fetched again.
        setCreated(null);
        if (o) {
          setName('');
          setProducers('');
          setErrors({});
          create.reset();
        }
      }}
      trigger={
        <Button variant="primary">
          <KeyRound className="size-4" aria-hidden /> Create token
        </Button>
      }
    >
      {created ? (
        <>
          <TokenOnce created={created} onCopied={() => setCopied(true)} />
          {/* One button whose words change: the focus stays on it when the warning appears. */}
          <div className="mt-5 flex flex-wrap items-center justify-end gap-3">
            {warned && !copied && (
              <p role="alert" className="mr-auto text-sm text-failed">
                The token is not copied, and once this closes it cannot be shown again.
              </p>
            )}
            <DialogClose asChild>
              <Button variant={warned && !copied ? 'danger' : 'primary'}>
                {warned && !copied ? 'Close without copying' : 'Done'}
              </Button>
            </DialogClose>
          </div>
        </>
      ) : (
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
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setErrors({ ...errors, name: undefined });
            }}
            error={errors.name}
            hint="who uses it, for the list and the audit log: billing, shop-frontend"
            autoComplete="off"
            autoFocus
          />
          <TextField
            label="May send as (optional)"
            value={producers}
            onChange={(e) => {
              setProducers(e.target.value);
              setErrors({ ...errors, producers: undefined });
            }}
            error={errors.producers}
            hint="producer names for <from>, separated by commas; empty: any name that is not a listener's"
            autoComplete="off"
          />
          <FormDialogFooter
            error={create.error}
            fieldErrors={Object.values(errors).some(Boolean)}
            pending={create.isPending}
            submit="Create token"
            working="Creating…"
          />
        </form>
      )}
    </Dialog>
  );
}
