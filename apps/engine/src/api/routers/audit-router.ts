import { auditListInputSchema } from '@organism/shared';
import { adminProcedure, router } from '../trpc.ts';

export const auditRouter = router({
  list: adminProcedure.input(auditListInputSchema).query(({ ctx, input }) => ctx.store.listAudit(input)),
});
