import type { MessageProvenance } from '@organism/shared';
import { IdLink } from '@/components/id-link';
import { TimeAgo } from '@/components/time-ago';

const by = (who: string) => who.replace(/^console:/, '');

/**
 * Where a republished message came from, and what this one was republished as (Send again, Edit and
 * send). A dead letter sent again stays one until it is discarded: `failed` says so beside its copies.
 */
export function Provenance({ m, failed = false }: { m: MessageProvenance; failed?: boolean }) {
  if (!m.republishOf && m.republishedAs.length === 0) return null;
  return (
    <div className="mt-1 space-y-0.5 text-sm text-muted" data-testid="provenance">
      {m.republishOf && (
        <p>
          Republished from <IdLink id={m.republishOf.id} href={`/messages/${m.republishOf.id}`} /> by{' '}
          {by(m.republishOf.by)} <TimeAgo at={m.republishOf.at} />
        </p>
      )}
      {m.republishedAs.length > 0 && (
        <p className="flex flex-wrap items-center gap-x-1.5">
          Republished as
          {m.republishedAs.map((r, i) => (
            <span key={r.id}>
              <IdLink id={r.id} href={`/messages/${r.id}`} /> by {by(r.by)} <TimeAgo at={r.at} />
              {i < m.republishedAs.length - 1 ? ',' : ''}
            </span>
          ))}
          {failed && <span>· this dead letter stays until it is discarded, once its copy is delivered</span>}
        </p>
      )}
    </div>
  );
}
