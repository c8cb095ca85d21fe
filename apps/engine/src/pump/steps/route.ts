import { reject } from '../pipeline-message.ts';
import type { Step } from '../pipeline-message.ts';
import { UNDECLARED_ROOTS } from '../system/system-payloads.ts';

/**
 * Step 6: `to` + the payload's qualified root picks the listener, which must declare that root in its
 * contract (its `payload.root`, or another global element of its XSD: the replies it expects).
 * Without `to`, every listener whose `payload.root` is that root receives it (broadcast). Outsiders cannot address `system.*` listeners.
 * The call chain may not grow past `maxDepth`. Egress (a reply to an outside producer) is not routed.
 */
export const route: Step = (m, ctx) => {
  const root = m.root;
  if (!root) return m;
  const depth = m.chain?.length ?? 0;
  if (depth > ctx.maxDepth) {
    const message = `call chain is ${depth} hops deep; the limit is ${ctx.maxDepth}`;
    return reject(m, { code: 'DEPTH_EXCEEDED', message, problems: [{ message }] });
  }
  if (m.intake.origin === 'internal' && m.intake.egress) {
    m.targets = [];
    return m;
  }
  const external = m.intake.origin === 'external';
  if (m.to) {
    const target = ctx.routing.get(m.to);
    if (!target || (external && target.name.startsWith('system.'))) {
      const message = target
        ? `listener ${JSON.stringify(m.to)} is the engine's own: only the engine and handlers address system.* listeners`
        : `no listener named ${JSON.stringify(m.to)}`;
      return reject(m, { code: 'UNKNOWN_ROUTE', message, problems: [{ message, path: '/*/*[1]/*[2]' }] });
    }
    if (
      !UNDECLARED_ROOTS.has(root) &&
      !target.acceptsAnyReply &&
      !target.roots.includes(root) &&
      !target.schema.globalElements.includes(root)
    ) {
      const message = `listener ${JSON.stringify(m.to)} does not accept ${root}`;
      return reject(m, { code: 'UNKNOWN_ROUTE', message, problems: [{ message }] });
    }
    m.targets = [target];
    return m;
  }
  const targets = ctx.routing.accepting(root).filter((l) => !(external && l.name.startsWith('system.')));
  if (targets.length === 0) {
    const message = `no listener accepts ${root}`;
    return reject(m, { code: 'UNKNOWN_ROUTE', message, problems: [{ message }] });
  }
  m.targets = [...targets];
  return m;
};
