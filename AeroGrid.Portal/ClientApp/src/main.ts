import './styles/base.css';
import './styles/layout.css';
import './styles/editor.css';
import { appsPage } from './apps/appsPage';
import { liveApps } from './api/liveApps';
import type { Me } from './api/model';
import { editorPage } from './editor/editorPage';
import { link, startRouter, type Route } from './router';
import { showSessionEnded } from './session/sessionBanner';
import { signedOutPage } from './session/signedOut';
import { watchSession, whenSessionEnds, whoAmI } from './session/session';
import { h, replace } from './ui/dom';
import { topBar } from './ui/topBar';

const root = document.getElementById('app') as HTMLElement;

async function start(): Promise<void> {
  let me: Me | undefined;
  try {
    me = await whoAmI();
  } catch (e) {
    replace(root, h('main', { class: 'signed-out', id: 'main' }, h('div', { class: 'signed-out-card', role: 'alert', testid: 'error' },
      h('h1', {}, 'The Portal cannot be reached'),
      h('p', {}, e instanceof Error ? e.message : String(e)),
      h('a', { class: 'button button-primary', href: location.pathname }, 'Try again'),
    )));
    return;
  }
  if (!me) {
    signedOutPage(root);
    return;
  }
  const person = me;
  watchSession();
  whenSessionEnds(() => {
    liveApps.stop();
    showSessionEnded();
  });
  liveApps.start();
  let leave: (() => void) | undefined;
  startRouter((route: Route) => {
    leave?.();
    leave = undefined;
    if (route.page === 'apps') leave = appsPage(person, root);
    else if (route.page === 'editor') leave = editorPage(person, root, route.app);
    else notFound(person);
    document.title = route.page === 'editor' ? `${route.app} · AeroGrid` : 'AeroGrid';
  });
}

function notFound(me: Me): void {
  replace(
    root,
    topBar(me, h('span', {}, 'Not found')),
    h('main', { class: 'apps-page', id: 'main' }, h('div', { class: 'empty-state' },
      h('h2', {}, 'There is no such page'),
      link('/', { class: 'button button-primary' }, 'Go to the apps'),
    )),
  );
}

void start();
