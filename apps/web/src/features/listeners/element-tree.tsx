'use client';
import type { ElementNode } from '@organism/shared';
import { ChevronRight } from 'lucide-react';
import type { KeyboardEvent } from 'react';
import { useMemo, useRef, useState } from 'react';
import { splitRoot } from '@/lib/qname';
import { constraintParts } from './constraint-text';

/** One visible row of the tree: an element, or one of its attributes. */
interface Row {
  id: string;
  parentId: string | null;
  level: number;
  posinset: number;
  setsize: number;
  expandable: boolean;
  element?: ElementNode;
  attribute?: ElementNode['attributes'][number];
  /** The compositor of the parent that this element is a member of (shown on `choice`). */
  memberOf: ElementNode['compositor'];
}

/** `0..1`, `1..∞`: how often an element may occur. */
export function occurrence(min: number, max: number | 'unbounded'): string {
  return `${min}..${max === 'unbounded' ? '∞' : max}`;
}

function childrenOf(
  e: ElementNode,
  id: string,
): { id: string; row: Omit<Row, 'posinset' | 'setsize' | 'level' | 'parentId'> }[] {
  const attrs = e.attributes.map((a) => ({
    id: `${id}/@${a.name}`,
    row: { id: `${id}/@${a.name}`, expandable: false, attribute: a, memberOf: null },
  }));
  const kids = e.children.map((c, i) => {
    const cid = `${id}/${c.name}[${i}]`;
    return { id: cid, row: { id: cid, expandable: expandable(c), element: c, memberOf: e.compositor } };
  });
  return [...attrs, ...kids];
}

function expandable(e: ElementNode): boolean {
  return e.children.length > 0 || e.attributes.length > 0;
}

function countNodes(nodes: ElementNode[]): number {
  return nodes.reduce((n, e) => n + 1 + e.attributes.length + countNodes(e.children), 0);
}

/** Every id that can be expanded, down to `depth` levels (Infinity: all). */
function expandableIds(roots: ElementNode[], depth: number): Set<string> {
  const out = new Set<string>();
  const walk = (e: ElementNode, id: string, level: number) => {
    if (level > depth || !expandable(e)) return;
    out.add(id);
    e.children.forEach((c, i) => walk(c, `${id}/${c.name}[${i}]`, level + 1));
  };
  roots.forEach((r, i) => walk(r, `${r.name}[${i}]`, 1));
  return out;
}

/**
 * A contract's elements as a tree (WAI-ARIA tree pattern): name, type, occurrence, what its value is held
 * to (facets, default, fixed), documentation, and attributes (`@name`). Arrow keys move and open/close,
 * Home/End jump, Enter toggles; one tab stop.
 */
export function ElementTree({ roots, label }: { roots: ElementNode[]; label: string }) {
  // Small contracts open fully; large ones show their roots and first level.
  const [open, setOpen] = useState(() => expandableIds(roots, countNodes(roots) <= 80 ? Infinity : 1));
  const [focused, setFocused] = useState<string | null>(null);
  const items = useRef(new Map<string, HTMLDivElement>());

  const rows = useMemo(() => {
    const out: Row[] = [];
    const add = (
      list: { id: string; row: Omit<Row, 'posinset' | 'setsize' | 'level' | 'parentId'> }[],
      level: number,
      parentId: string | null,
    ) => {
      list.forEach(({ id, row }, i) => {
        out.push({ ...row, level, parentId, posinset: i + 1, setsize: list.length });
        if (row.element && open.has(id)) add(childrenOf(row.element, id), level + 1, id);
      });
    };
    add(
      roots.map((r, i) => {
        const id = `${r.name}[${i}]`;
        return { id, row: { id, expandable: expandable(r), element: r, memberOf: null } };
      }),
      1,
      null,
    );
    return out;
  }, [roots, open]);

  const current = rows.find((r) => r.id === focused) ?? rows[0];
  const move = (id: string | undefined) => {
    if (!id) return;
    setFocused(id);
    items.current.get(id)?.focus();
  };
  const toggle = (id: string, to?: boolean) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (to ?? !next.has(id)) next.add(id);
      else next.delete(id);
      return next;
    });

  const onKeyDown = (e: KeyboardEvent) => {
    if (!current) return;
    const i = rows.indexOf(current);
    const isOpen = open.has(current.id);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(rows[i + 1]?.id),
      ArrowUp: () => move(rows[i - 1]?.id),
      Home: () => move(rows[0]?.id),
      End: () => move(rows.at(-1)?.id),
      ArrowRight: () => {
        if (!current.expandable) return;
        if (!isOpen) toggle(current.id, true);
        else move(rows[i + 1]?.id);
      },
      ArrowLeft: () => {
        if (current.expandable && isOpen) toggle(current.id, false);
        else move(current.parentId ?? undefined);
      },
      Enter: () => current.expandable && toggle(current.id),
      ' ': () => current.expandable && toggle(current.id),
    };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  };

  if (roots.length === 0) return <p className="text-sm text-muted">This contract declares no elements.</p>;
  return (
    <div>
      <div className="mb-2 flex justify-end gap-3 text-xs">
        <button
          type="button"
          className="text-muted hover:text-text"
          onClick={() => setOpen(expandableIds(roots, Infinity))}
        >
          Expand all
        </button>
        <button type="button" className="text-muted hover:text-text" onClick={() => setOpen(new Set())}>
          Collapse all
        </button>
      </div>
      <div role="tree" aria-label={label} onKeyDown={onKeyDown} className="text-sm">
        {rows.map((r) => (
          <TreeRow
            key={r.id}
            row={r}
            open={open.has(r.id)}
            tabbable={r === current}
            onToggle={() => toggle(r.id)}
            onFocus={() => setFocused(r.id)}
            refFn={(el) => {
              if (el) items.current.set(r.id, el);
              else items.current.delete(r.id);
            }}
          />
        ))}
      </div>
    </div>
  );
}

function TreeRow({
  row,
  open,
  tabbable,
  onToggle,
  onFocus,
  refFn,
}: {
  row: Row;
  open: boolean;
  tabbable: boolean;
  onToggle: () => void;
  onFocus: () => void;
  refFn: (el: HTMLDivElement | null) => void;
}) {
  const e = row.element;
  const a = row.attribute;
  const name = e ? e.name : `@${a?.name ?? ''}`;
  const type = e ? e.type : (a?.type ?? null);
  const occurs = e ? occurrence(e.minOccurs, e.maxOccurs) : a?.required ? '1..1' : '0..1';
  const doc = e ? e.documentation : (a?.documentation ?? null);
  const held = (e ? e.constraints : a?.constraints) ?? null;
  const ns = e?.namespace;
  return (
    <div
      ref={refFn}
      role="treeitem"
      aria-level={row.level}
      aria-posinset={row.posinset}
      aria-setsize={row.setsize}
      aria-expanded={row.expandable ? open : undefined}
      aria-selected={tabbable}
      tabIndex={tabbable ? 0 : -1}
      onFocus={onFocus}
      onClick={(ev) => {
        ev.stopPropagation();
        onFocus();
        if (row.expandable) onToggle();
      }}
      className="group flex min-h-7 cursor-default items-start gap-1.5 rounded px-1 py-1 outline-none hover:bg-panel-2 focus-visible:bg-panel-2 focus-visible:ring-2 focus-visible:ring-accent"
      style={{ paddingLeft: `${(row.level - 1) * 16 + 4}px` }}
    >
      <span className="mt-0.5 flex size-4 shrink-0 items-center justify-center text-muted" aria-hidden>
        {row.expandable && (
          <ChevronRight className={`size-3.5 transition-transform ${open ? 'rotate-90' : ''}`} />
        )}
      </span>
      <span className="min-w-0 flex-1">
        <span className="flex min-w-0 items-baseline gap-2">
          <span
            className={`font-mono text-[13px] ${a ? 'text-muted' : 'font-medium'}`}
            title={ns ? `{${ns}}${name}` : undefined}
          >
            {name}
          </span>
          {row.memberOf === 'choice' && <Tag>choice</Tag>}
          {e?.compositor && e.compositor !== 'sequence' && <Tag>{e.compositor} of</Tag>}
          {type && (
            <span className="truncate font-mono text-xs text-muted" title={type}>
              {splitRoot(type).local}
            </span>
          )}
          {e?.recursive && <Tag>recursive</Tag>}
          <span
            className={`ml-auto shrink-0 pl-2 font-mono text-xs tabular ${occurs === '1..1' ? 'text-muted' : 'text-text'}`}
            title={a ? (a.required ? 'required attribute' : 'optional attribute') : 'occurs (min..max)'}
          >
            {occurs}
          </span>
        </span>
        {held && (
          <span className="mt-0.5 block text-xs text-muted">
            {constraintParts(held).map((p, i) => (
              <span key={i} className="break-words" title={p.title}>
                {i > 0 && <span aria-hidden> · </span>}
                {i > 0 && <span className="sr-only">; </span>}
                {p.label}
                {p.code !== undefined && (
                  <>
                    {' '}
                    <code className="font-mono text-text">{p.code}</code>
                  </>
                )}
              </span>
            ))}
          </span>
        )}
        {doc && <span className="mt-0.5 block text-xs text-muted">{doc}</span>}
      </span>
    </div>
  );
}

function Tag({ children }: { children: React.ReactNode }) {
  return <span className="shrink-0 rounded bg-panel-2 px-1 text-[11px] text-muted">{children}</span>;
}
