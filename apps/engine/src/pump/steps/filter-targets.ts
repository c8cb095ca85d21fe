import type { Listener } from '../listener.ts';
import { reject } from '../pipeline-message.ts';
import type { Step } from '../pipeline-message.ts';

/** Why `listener`'s filter refused a payload: the same words at intake and in the composer's check. */
export const filterRefusal = (listener: Listener): string =>
  `listener ${JSON.stringify(listener.name)} takes only payloads matching ${listener.filter?.expression ?? ''}; this one does not`;

/**
 * Step 8: content routing. A target with a `filter` (XPath over the payload, namespaces removed) keeps a
 * message whose root is one of its request roots only when the expression is true of the payload:
 * a broadcast skips it, a message addressed to it is refused. Replies and errors addressed to it (other
 * roots of its contract) are not filtered. When no target is left, the message is refused
 * (FILTER_REJECTED) rather than dropped, so its producer hears why.
 */
export const filterTargets: Step = (m) => {
  const { targets, payloadXml, root } = m;
  if (!targets || !payloadXml || !root || !targets.some((t) => t.filter)) return m;
  const refused: Listener[] = [];
  const kept = targets.filter((t) => {
    const pass = !t.filter || !t.roots.includes(root) || t.filter.matches(payloadXml);
    if (!pass) refused.push(t);
    return pass;
  });
  if (kept.length > 0) {
    m.targets = kept;
    return m;
  }
  const problems = refused.map((t) => ({ message: filterRefusal(t) }));
  const message = m.to
    ? (problems[0]?.message ?? '')
    : `no listener takes this payload: the filters of ${refused.map((t) => JSON.stringify(t.name)).join(', ')} refuse it`;
  return reject(m, { code: 'FILTER_REJECTED', message, problems });
};
