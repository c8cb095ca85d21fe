import { z } from 'zod';
import { adminProcedure, router } from '../trpc.ts';

export const auditRouter = router({
  list: adminProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(500).default(50),
        cursor: z.string().optional(),
        actor: z.string().optional(),
        action: z.string().optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.store.listAudit(input)),
});
