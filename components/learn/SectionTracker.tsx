'use client';
// Keeps the reader's place: as they scroll, the section heading at the top of the viewport is
// written into the URL (?at=section-N, replaceState, no navigation), so the header's language
// switch returns to the same section in the other language; on arrival, ?at scrolls there.
import { useEffect } from 'react';

export function SectionTracker({ containerId }: { containerId: string }) {
  useEffect(() => {
    const container = document.getElementById(containerId);
    if (!container) return;
    const headings = Array.from(container.querySelectorAll<HTMLElement>('[data-section]'));
    const at = new URLSearchParams(window.location.search).get('at');
    if (at) {
      const target = document.getElementById(at);
      if (target && container.contains(target)) target.scrollIntoView({ block: 'start' });
    }
    let frame = 0;
    const onScroll = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        let current: HTMLElement | undefined;
        for (const h of headings) {
          if (h.getBoundingClientRect().top <= 80) current = h;
          else break;
        }
        const url = new URL(window.location.href);
        const value = current?.id ?? null;
        if ((url.searchParams.get('at') ?? null) === value) return;
        if (value) url.searchParams.set('at', value);
        else url.searchParams.delete('at');
        // null state: Next.js then syncs useSearchParams (its own state objects are skipped).
        window.history.replaceState(null, '', url);
      });
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      window.removeEventListener('scroll', onScroll);
      cancelAnimationFrame(frame);
    };
  }, [containerId]);
  return null;
}
