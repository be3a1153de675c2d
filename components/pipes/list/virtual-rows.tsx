'use client';

import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';
import type { Entry } from '@/lib/pipes/entry';
import { PipeRow } from './pipe-row';
import type { RowMark } from './row-marks';

const ROW_HEIGHT = 37;

/**
 * The rows near the viewport, between two spacer rows that keep the table its full height:
 * the page scrolls as usual and the header stays a real table header.
 */
export function VirtualRows({ rows, marks }: { rows: readonly Entry[]; marks: ReadonlyMap<string, RowMark> }) {
  const body = useRef<HTMLTableSectionElement>(null);
  const top = useListTop(body);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: top,
    getItemKey: (i) => rows[i]?.key ?? i,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const last = items.at(-1);
  const before = first ? first.start - top : 0;
  const after = last ? virtualizer.getTotalSize() - (last.end - top) : 0;
  return (
    <tbody ref={body}>
      {before > 0 && <tr aria-hidden style={{ height: before }} />}
      {items.map((item) => {
        const entry = rows[item.index];
        return entry && <PipeRow key={item.key} entry={entry} mark={marks.get(entry.key)?.kind} index={item.index} measureRef={virtualizer.measureElement} />;
      })}
      {after > 0 && <tr aria-hidden style={{ height: after }} />}
    </tbody>
  );
}

/** Where the list starts on the page, kept current as what is above it wraps or grows. */
function useListTop(ref: React.RefObject<HTMLElement | null>): number {
  const [top, setTop] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setTop(el.getBoundingClientRect().top + window.scrollY);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [ref]);
  return top;
}
