/** Marks refused input (amber diamond, as CONSOLE.md draws "rejected at ingress"), in words too. */
export function RefusedTag() {
  return (
    <span className="inline-flex items-center gap-1 text-xs font-medium whitespace-nowrap text-rejected">
      <span aria-hidden className="inline-block size-2 rotate-45 rounded-[1px] bg-current" />
      refused at intake
    </span>
  );
}
