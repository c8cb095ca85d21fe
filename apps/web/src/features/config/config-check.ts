import type { AppRouter } from '@organism/engine';
import type { inferRouterOutputs } from '@trpc/server';

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
