'use client';
import { engineCodeOf, errorProblems, describeError } from '@/lib/engine-error';
import { Button } from './ui/button';

/**
 * A list that could not be read, and why. When the address holds a page further down that the engine
 * refuses (a link kept from another engine, or edited by hand), a way back to the list's first page.
 */
export function ListError({ error, onFirstPage }: { error: unknown; onFirstPage?: () => void }) {
  const stalePage =
    onFirstPage !== undefined &&
    engineCodeOf(error) === 'INPUT_INVALID' &&
    errorProblems(error).some((p) => p.path === 'cursor');
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center gap-3 rounded-md border border-failed/40 bg-failed/5 p-3 text-sm"
    >
      <p className="min-w-0 flex-1">
        {stalePage
          ? 'This address points at a page of the list that the engine cannot find (a link from another engine, or edited).'
          : describeError(error)}
      </p>
      {stalePage && <Button onClick={onFirstPage}>Go to the first page</Button>}
    </div>
  );
}
