import { ApiError, onUnauthorized } from '../api/client';
import { portalApi } from '../api/portalApi';
import type { Me } from '../api/model';

// Sign-in happens on the server (code flow + PKCE, AeroGrid.Portal/SignIn): the page only navigates there and
// back. The browser never holds a token, only the HttpOnly session cookie.

/** Who is signed in, or undefined when nobody is (the /bff API answers 401). */
export async function whoAmI(): Promise<Me | undefined> {
  try {
    return await portalApi.me();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return undefined;
    throw e;
  }
}

export function signIn(returnUrl = location.pathname + location.search): void {
  location.assign(`/signin?returnUrl=${encodeURIComponent(returnUrl)}`);
}

export async function signOut(): Promise<void> {
  const answer = await portalApi.signOut();
  location.assign(answer.redirect ?? '/');
}

const endedListeners = new Set<() => void>();
let ended = false;

/**
 * Runs `listener` once when the session ends while the page is open (a /bff call answered 401): the editor keeps
 * its unsaved text as a draft, the banner asks to sign in again.
 */
export function whenSessionEnds(listener: () => void): () => void {
  endedListeners.add(listener);
  return () => endedListeners.delete(listener);
}

export function sessionHasEnded(): boolean {
  return ended;
}

/** Starts watching for the end of the session; called once the person is known to be signed in. */
export function watchSession(): void {
  onUnauthorized(() => {
    if (ended) return;
    ended = true;
    for (const listener of endedListeners) listener();
  });
}
