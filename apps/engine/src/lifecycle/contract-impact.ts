import { qualifiedName } from '../xml/dom.ts';
import { parseUntrusted } from '../xml/index.ts';
import type { Contract } from './organism-loader.ts';

/** A changed contract tried on a listener's newest messages before it is saved: who would be refused. */
export interface ContractImpact {
  listener: string;
  /** Messages checked (the newest addressed to the listener, at most 50). */
  checked: number;
  /** How many of them the new contract refuses. */
  refused: number;
  /** The first few refused, with why. */
  examples: { id: string; problem: string }[];
}

const EXAMPLES = 3;

/**
 * Checks each payload as the pipeline would check a new one: its root must be one the contract accepts and
 * it must be valid against the schema. Journaled payloads were canonical and valid under the old contract.
 */
export function checkRecent(
  listener: string,
  contract: Contract,
  messages: { id: string; payloadXml: string }[],
  maxBytes: number,
): ContractImpact {
  const impact: ContractImpact = { listener, checked: messages.length, refused: 0, examples: [] };
  for (const m of messages) {
    const problem = refusal(contract, m.payloadXml, maxBytes);
    if (problem === undefined) continue;
    impact.refused++;
    if (impact.examples.length < EXAMPLES) impact.examples.push({ id: m.id, problem });
  }
  return impact;
}

function refusal(contract: Contract, payloadXml: string, maxBytes: number): string | undefined {
  const parsed = parseUntrusted(payloadXml, { maxBytes });
  if (!parsed.ok) return parsed.message;
  try {
    const root = qualifiedName(parsed.doc.root);
    if (!contract.roots.includes(root))
      return `its root ${root} is not one the new contract accepts (${contract.roots.join(', ')})`;
    const problems = contract.schema.validate(parsed.doc.root);
    const first = problems[0];
    if (!first) return undefined;
    return first.line !== undefined ? `line ${first.line}: ${first.message}` : first.message;
  } finally {
    parsed.doc.dispose();
  }
}
