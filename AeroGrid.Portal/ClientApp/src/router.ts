import { h, type Child, type Props } from './ui/dom';

// Two client-side routes; the server answers index.html for both (AeroGrid.Portal/Hosting/FrontEnd.cs).

export type Route = { page: 'apps' } | { page: 'editor'; app: string } | { page: 'notFound' };

export function routeOf(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'apps' };
  const editor = /^\/apps\/([^/]+)\/?$/.exec(pathname);
  if (editor?.[1]) return { page: 'editor', app: decodeURIComponent(editor[1]) };
  return { page: 'notFound' };
}

export const appHref = (name: string) => `/apps/${encodeURIComponent(name)}`;

type Guard = () => Promise<boolean>;
let guard: Guard | undefined;
let listener: ((route: Route) => void) | undefined;
let current = location.pathname;

/** A page with unsaved work asks before it is left; the guard answers whether leaving is fine. */
export function setLeaveGuard(next: Guard | undefined): void {
  guard = next;
}

export function startRouter(onRoute: (route: Route) => void): void {
  listener = onRoute;
  window.addEventListener('popstate', () => {
    void (async () => {
      const target = location.pathname;
      if (guard && !(await guard())) {
        // The person stays: put the address back to the page they are on.
        history.pushState(null, '', current);
        return;
      }
      current = target;
      onRoute(routeOf(target));
    })();
  });
  onRoute(routeOf(location.pathname));
}

export async function navigate(path: string): Promise<void> {
  if (path === location.pathname) return;
  if (guard && !(await guard())) return;
  history.pushState(null, '', path);
  current = path;
  listener?.(routeOf(path));
}

/** A real link (it opens in a new tab with Ctrl+click) that navigates inside the page on a plain click. */
export function link(href: string, props: Props, ...children: Child[]): HTMLAnchorElement {
  const anchor = h('a', { ...props, href }, ...children);
  anchor.addEventListener('click', (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void navigate(href);
  });
  return anchor;
}
