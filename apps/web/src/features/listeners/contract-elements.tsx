'use client';

/** The contract's element tree (listeners.elements): wired once the engine serves it (branch console-api). */
export function ContractElements({ name }: { name: string }) {
  return (
    <p className="text-sm text-muted">The element tree of {name} appears here once the engine serves it.</p>
  );
}
