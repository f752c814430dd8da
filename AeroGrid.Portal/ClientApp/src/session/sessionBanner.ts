import { h } from '../ui/dom';
import { signIn } from './session';

/** Shown over the page when the session ends mid-work; the page stays as it was, text included. */
export function showSessionEnded(): void {
  if (document.querySelector('.session-banner')) return;
  const button = h('button', { type: 'button', class: 'button button-primary', testid: 'signin' }, 'Sign in again');
  button.addEventListener('click', () => signIn());
  document.body.prepend(
    h(
      'div',
      { class: 'session-banner', role: 'alert', testid: 'session-ended' },
      h('p', {}, h('strong', {}, 'Your session ended — sign in again.'), ' Unsaved text is kept in this browser and offered back after you sign in.'),
      button,
    ),
  );
  button.focus();
}
