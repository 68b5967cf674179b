'use client';
// Keeps the reader's place: the section heading at the top of the viewport, once the reader
// has stayed there a moment, is written into the URL (?at=section-N, replaceState, no
// navigation), so the header's language switch returns to the same section in the other
// language. The dwell time matters: scrolling up to reach the switch must not count as reading
// the top of the page. On arrival, ?at scrolls there.
import { useEffect } from 'react';

const DWELL_MS = 1000;

export function SectionTracker({ containerId }: { containerId: string }) {
  useEffect(() => {
    const container = document.getElementById(containerId);
    if (!container) return;
    const headings = Array.from(container.querySelectorAll<HTMLElement>('[data-section]'));
    const at = new URLSearchParams(window.location.search).get('at');
    let dwell: number | undefined;
    let tracking = false;
    const record = () => {
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
    };
    const target = at ? document.getElementById(at) : null;
    const restoreTarget = () => {
      if (target && container.contains(target)) target.scrollIntoView({ block: 'start' });
    };
    const onScroll = () => {
      // While settling, a jump back to the very top is the router's own scroll: undo it.
      if (!tracking) {
        if (window.scrollY === 0) restoreTarget();
        return;
      }
      window.clearTimeout(dwell);
      dwell = window.setTimeout(record, DWELL_MS);
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    // The router scrolls a new page to the top after this effect (parents' effects run after
    // children's, and a slow machine may run it later still): restore the place now and after
    // it, and only then start tracking.
    restoreTarget();
    const restore = window.setTimeout(restoreTarget, 60);
    const settled = window.setTimeout(() => {
      tracking = true;
    }, target ? 1500 : 0);
    return () => {
      window.clearTimeout(restore);
      window.clearTimeout(settled);
      window.clearTimeout(dwell);
      window.removeEventListener('scroll', onScroll);
    };
  }, [containerId]);
  return null;
}
