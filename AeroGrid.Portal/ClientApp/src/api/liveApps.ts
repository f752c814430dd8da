import { ApiError, bffFetch, reportUnauthorized } from './client';
import type { App, AppList, WatchChange } from './model';
import { isNewer } from '../apps/appStatus';

/** 'live' once a snapshot arrived on the current connection: the list is complete and current. */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface LiveAppsListener {
  /** The whole list changed (a snapshot) or one app did (`name`); `app` is undefined when it was deleted. */
  (change: { name?: string; app?: App; deleted?: boolean }): void;
}

/**
 * The tenant's apps, kept current from `/bff/watch/apps` (Server-Sent Events: a snapshot, then changes). One
 * stream serves every screen: the list and the editor read the same objects.
 */
class LiveApps {
  private readonly apps = new Map<string, App>();
  private readonly listeners = new Set<LiveAppsListener>();
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  private source: EventSource | undefined;
  private retry: number | undefined;
  state: LiveState = 'connecting';
  /** True once the first snapshot arrived, so "no apps" can be told apart from "not loaded yet". */
  loaded = false;

  start(): void {
    if (this.source) return;
    const source = new EventSource('/bff/watch/apps');
    this.source = source;
    source.addEventListener('snapshot', (e) => this.snapshot(JSON.parse((e as MessageEvent<string>).data) as AppList));
    source.addEventListener('change', (e) => this.change(JSON.parse((e as MessageEvent<string>).data) as WatchChange));
    source.addEventListener('failure', () => {
      // The server says the person's token ended: stop, the session banner takes over.
      this.stop();
      reportUnauthorized();
    });
    source.addEventListener('error', () => {
      this.setState('reconnecting');
      // EventSource retries a dropped connection by itself, but gives up for good on an error status (a 401 after
      // the session ended, a 502 from a restart): find out which, then start over or hand over to the session.
      if (source.readyState === EventSource.CLOSED) {
        this.stop();
        void this.restartUnlessSignedOut();
      }
    });
  }

  stop(): void {
    this.source?.close();
    this.source = undefined;
    window.clearTimeout(this.retry);
  }

  get(name: string): App | undefined {
    return this.apps.get(name);
  }

  all(): App[] {
    return [...this.apps.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  subscribe(listener: LiveAppsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: (state: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Records an app this page just got from a call (create, save), so screens need not wait for the event. */
  put(app: App): void {
    const known = this.apps.get(app.metadata.name);
    if (known && !isNewer(app.metadata.resourceVersion, known.metadata.resourceVersion)) return;
    this.apps.set(app.metadata.name, app);
    this.emit({ name: app.metadata.name, app });
  }

  private snapshot(list: AppList): void {
    this.apps.clear();
    for (const app of list.items) this.apps.set(app.metadata.name, app);
    this.loaded = true;
    this.setState('live');
    this.emit({});
  }

  private change(change: WatchChange): void {
    const name = change.object.metadata.name;
    if (change.type === 'DELETED') {
      this.apps.delete(name);
      this.emit({ name, deleted: true });
      return;
    }
    this.put(change.object);
  }

  private async restartUnlessSignedOut(): Promise<void> {
    try {
      await bffFetch('/bff/me'); // A 401 here reports the ended session.
      this.retry = window.setTimeout(() => this.start(), 2000);
    } catch (e) {
      // Signed out (bffFetch has told the session), or the Portal is down for a moment: then try again.
      if (!(e instanceof ApiError && e.status === 401)) this.retry = window.setTimeout(() => this.start(), 5000);
    }
  }

  private setState(state: LiveState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private emit(change: Parameters<LiveAppsListener>[0]): void {
    for (const listener of this.listeners) listener(change);
  }
}

export const liveApps = new LiveApps();
