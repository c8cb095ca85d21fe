/**
 * Payload roots travel in Clark notation, `{namespace}local`. Lists show the local name and keep the
 * namespace for a tooltip.
 */
export function splitRoot(root: string): { local: string; namespace: string | null } {
  const m = /^\{([^}]*)\}(.+)$/.exec(root);
  return m ? { namespace: m[1] ?? null, local: m[2] ?? root } : { namespace: null, local: root };
}
