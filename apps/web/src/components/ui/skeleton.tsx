/** A placeholder in the final layout's shape while data loads. */
export function Skeleton({ className = '' }: { className?: string }) {
  return <div aria-hidden className={`animate-pulse rounded bg-panel-2 ${className}`} />;
}
