'use client';
import { uploadOrganismFileInputSchema } from '@organism/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Upload } from 'lucide-react';
import { useId, useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, FormDialogFooter } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/form-field';
import { errorProblems } from '@/lib/engine-error';
import type { FieldErrors } from '@/lib/form-errors';
import { engineFieldErrors, schemaErrors } from '@/lib/form-errors';
import { useTRPC } from '@/lib/trpc';
import type { AppRouter } from '@organism/engine';
import type { inferRouterOutputs } from '@trpc/server';
import { ProblemList } from './config-changes';

export type Uploaded = inferRouterOutputs<AppRouter>['config']['upload'];

/**
 * Upload an XSD or a handler module into the organism folder (admin). The engine compiles the XSD or
 * parses the module first and writes it only when sound; refused, every problem is shown with its line.
 */
export function UploadDialog({
  kind,
  onUploaded,
}: {
  kind: 'xsd' | 'handler';
  onUploaded: (result: Uploaded) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState('');
  const [content, setContent] = useState<string | null>(null);
  const [overwrite, setOverwrite] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const fileId = useId();
  const what = kind === 'xsd' ? 'an XSD' : 'a handler module';
  const folder = kind === 'xsd' ? 'schemas' : 'handlers';
  const upload = useMutation(
    trpc.config.upload.mutationOptions({
      onSuccess: (result) => {
        toast.success(`${result.path} written to the organism folder.`);
        void queryClient.invalidateQueries({ queryKey: trpc.config.files.queryKey() });
        setOpen(false);
        onUploaded(result);
      },
      // The engine names the field at fault (`path`, `content`) whatever its code (CONFLICT, INPUT_INVALID).
      onError: (err) =>
        setErrors({
          ...engineFieldErrors(err),
          ...Object.fromEntries(
            errorProblems(err)
              .filter((p) => p.path === 'path' || p.path === 'content')
              .map((p): [string, string] => [p.path ?? '', p.message]),
          ),
        }),
    }),
  );
  const submit = () => {
    const input = { path, content: content ?? '', overwrite };
    const checked = uploadOrganismFileInputSchema.safeParse(input);
    const found = checked.success ? {} : schemaErrors(checked.error.issues);
    if (content === null) found.content = 'choose a file';
    setErrors(found);
    if (Object.keys(found).length === 0) upload.mutate(input);
  };
  const problems = errorProblems(upload.error).filter((p) => p.path !== 'path' && p.path !== 'content');
  return (
    <Dialog
      title={`Upload ${what}`}
      description={`Written into the organism folder once the engine finds it sound (${kind === 'xsd' ? 'it compiles' : 'it parses and exports a function'}). Nothing running changes until a save uses it.`}
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) {
          setPath('');
          setContent(null);
          setOverwrite(false);
          setErrors({});
          upload.reset();
        }
      }}
      trigger={
        <Button>
          <Upload className="size-4" aria-hidden /> Upload {kind === 'xsd' ? 'an XSD' : 'a module'}…
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
        <div className="space-y-1">
          <label htmlFor={fileId} className="block text-sm font-medium">
            File
          </label>
          <input
            id={fileId}
            type="file"
            accept={kind === 'xsd' ? '.xsd' : '.ts,.mts,.js,.mjs'}
            className="block w-full text-sm"
            aria-invalid={errors.content ? true : undefined}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              void file.text().then((text) => {
                setContent(text);
                setPath((p) => p || `${folder}/${file.name}`);
                setErrors({});
              });
            }}
          />
          {errors.content && <p className="text-xs text-failed">{errors.content}</p>}
        </div>
        <TextField
          label="Path in the organism folder"
          value={path}
          onChange={(e) => {
            setPath(e.target.value);
            setErrors({});
          }}
          error={errors.path}
          hint={`relative, with / between folders, e.g. ${folder}/${kind === 'xsd' ? 'echo.xsd' : 'echo.ts'}`}
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
          Replace a file already there
        </label>
        {problems.length > 0 && (
          <div className="max-h-48 overflow-y-auto rounded-md border border-failed/40 p-2">
            <ProblemList problems={problems} configFile="" />
          </div>
        )}
        <FormDialogFooter
          error={upload.error}
          fieldErrors={Object.keys(errors).length > 0 && problems.length === 0}
          pending={upload.isPending}
          submit="Check and upload"
          working="Checking…"
        />
      </form>
    </Dialog>
  );
}
