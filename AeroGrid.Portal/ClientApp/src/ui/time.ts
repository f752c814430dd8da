import { h } from './dom';

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' });
const clock = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 60 * 45) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 3600 * 22) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

/** A <time> showing "3 minutes ago", kept current while it is on the page, with the exact time as a tooltip. */
export function relativeTime(iso: string | undefined): HTMLElement {
  if (!iso) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: iso, title: absolute.format(new Date(iso)), 'data-relative': '' }, timeAgo(iso));
}

export function clockTime(date = new Date()): string {
  return clock.format(date);
}

// One timer for every relative time on the page.
window.setInterval(() => {
  const now = Date.now();
  for (const element of document.querySelectorAll<HTMLTimeElement>('time[data-relative]')) {
    element.textContent = timeAgo(element.dateTime, now);
  }
}, 30_000);
