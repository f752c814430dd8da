import { h, replace } from '../ui/dom';
import { signIn } from './session';

/** The page for someone not signed in: what AeroGrid is, and the way in. */
export function signedOutPage(root: HTMLElement): void {
  const button = h('button', { type: 'button', class: 'button button-primary button-large', testid: 'signin' }, 'Sign in');
  button.addEventListener('click', () => signIn());
  replace(
    root,
    h(
      'main',
      { class: 'signed-out', id: 'main' },
      h(
        'div',
        { class: 'signed-out-card' },
        h('div', { class: 'brand brand-large' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'AeroGrid'),
        h('h1', {}, 'Write a Python app in your browser. Save. It runs.'),
        h('p', { class: 'muted' }, "Edit app.py, press save, and a moment later your app answers your team's tools, with its own URL, logs and history."),
        button,
      ),
    ),
  );
  button.focus();
}
