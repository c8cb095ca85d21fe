/** The shape of `listeners.elements` (API contract of issue 8), until packages/shared exports it. */
export interface ElementNode {
  name: string;
  namespace: string | null;
  type: string | null;
  minOccurs: number;
  maxOccurs: number | 'unbounded';
  documentation: string | null;
  compositor: 'sequence' | 'choice' | 'all' | null;
  attributes: { name: string; type: string | null; required: boolean; documentation: string | null }[];
  children: ElementNode[];
  recursive: boolean;
}
