import type { AppRouter } from '@organism/engine';
import type { inferRouterOutputs } from '@trpc/server';
import { formatCount } from '@/lib/format';

type Outputs = inferRouterOutputs<AppRouter>['config'];
/** What `config.diff` answers: problems, or the listeners added, removed and changed with the impact. */
export type DiffAnswer = Outputs['diff'];
export type SaveAnswer = Outputs['save'];

/** The last check of an edited text: the engine's answer, or why it could not be asked. */
export type CheckOutcome = { text: string } & ({ answer: DiffAnswer } | { error: unknown });

/** True when a sound diff changes nothing the engine would reload. */
export function changesNothing(answer: DiffAnswer): boolean {
  return answer.ok && !answer.diff.added.length && !answer.diff.removed.length && !answer.diff.changed.length;
}

/** One sentence for the save dialog: what the check found a save would change. */
export function summarize(answer: DiffAnswer): string {
  if (!answer.ok) return '';
  const { added, removed, changed, settings } = answer.diff;
  const later = settings.filter((x) => x.when === 'restart').map((x) => x.key);
  const now = settings.filter((x) => x.when === 'reload').map((x) => x.key);
  const parts = [
    added.length ? `adds ${added.join(', ')}` : '',
    changed.length || now.length ? `changes ${[...now, ...changed.map((c) => c.name)].join(', ')}` : '',
    removed.length ? `removes ${removed.join(', ')}` : '',
    later.length ? `changes ${later.join(', ')}, read at the next restart` : '',
  ].filter(Boolean);
  const unfinished = answer.impact.reduce((n, i) => n + i.unfinished, 0);
  const lost = unfinished
    ? ` ${formatCount(unfinished)} unfinished ${unfinished === 1 ? 'message becomes a dead letter' : 'messages become dead letters'}.`
    : '';
  return parts.length ? `It ${parts.join('; ')}.${lost}` : 'Nothing the engine reads changes.';
}
