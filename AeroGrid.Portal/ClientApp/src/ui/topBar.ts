import type { Me } from '../api/model';
import { link } from '../router';
import { signOut } from '../session/session';
import { h } from './dom';
import { showFailure } from './toast';

/** AeroGrid, where you are, who you are, and the way out. */
export function topBar(me: Me, crumbs: HTMLElement): HTMLElement {
  const signOutButton = h('button', { type: 'button', class: 'button button-quiet', testid: 'signout' }, 'Sign out');
  signOutButton.addEventListener('click', () => {
    signOutButton.disabled = true;
    signOut().catch((e: unknown) => {
      signOutButton.disabled = false;
      showFailure(e);
    });
  });
  return h(
    'header',
    { class: 'top-bar' },
    link('/', { class: 'brand', 'aria-label': 'AeroGrid: all apps' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'AeroGrid'),
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, crumbs),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'tenant', title: 'Your tenant: you see and change only its apps' }, h('span', { class: 'muted' }, 'tenant '), h('strong', { testid: 'tenant' }, me.tenant)),
      h('span', { class: 'user', testid: 'user' }, me.subject),
      me.canWrite
        ? null
        : h('span', { class: 'badge badge-viewer', testid: 'readonly-badge', title: 'You can look at apps and call them, not change them' }, 'Viewer (read-only)'),
      signOutButton,
    ),
  );
}
