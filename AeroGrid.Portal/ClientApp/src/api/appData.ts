import { ApiError, bff } from './client';
import type { components } from './generated/gatewayApps';

// What an app publishes (grids and topics), read through the Portal as the person: the gateway's shapes, generated
// from openapi/gateway-apps.json.
type Schemas = components['schemas'];
export type Column = Schemas['Column'];
export type Row = Schemas['Row'];
export type GridSummary = Schemas['GridSummary'];
export type GridSnapshot = Schemas['GridSnapshot'];
export type GridUpsert = Schemas['GridUpsert'];
export type GridDelete = Schemas['GridDelete'];
export type TopicSummary = Schemas['TopicSummary'];

const dataPath = (app: string, kind: 'grids' | 'topics', name?: string) =>
  `/bff/apps/${encodeURIComponent(app)}/${kind}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

export const appData = {
  grids: (app: string) => bff<Schemas['GridList']>('GET', dataPath(app, 'grids')),
  topics: (app: string) => bff<Schemas['TopicList']>('GET', dataPath(app, 'topics')),
  gridEventsUrl: (app: string, grid: string) => `${dataPath(app, 'grids', grid)}/events`,
  topicEventsUrl: (app: string, topic: string) => `${dataPath(app, 'topics', topic)}/events`,
  /** Why a stream cannot be opened: the same read's refusal as a Status (a grid's snapshot, a topic's listing). */
  refusalOf: async (app: string, kind: 'grids' | 'topics', name: string): Promise<ApiError | undefined> => {
    try {
      if (kind === 'grids') await bff<GridSnapshot>('GET', dataPath(app, 'grids', name));
      else if (!(await appData.topics(app)).topics.some((t) => t.name === name))
        return new ApiError(404, 'NotFound', `${app} has no topic ${name}.`);
      return undefined;
    } catch (e) {
      return e instanceof ApiError ? e : undefined;
    }
  },
};

/** 'live' once the stream is open; 'reconnecting' after it dropped, until it is open again. */
export type StreamState = 'connecting' | 'live' | 'reconnecting';

export interface LiveStreamOptions {
  url: string;
  /** Handlers by event name; a topic's messages are `message`. */
  events: Record<string, (data: string) => void>;
  onState: (state: StreamState, problem?: string) => void;
  /** Asked when the server refused the stream (EventSource gives up on an error status): what to tell the person. */
  explain: () => Promise<ApiError | undefined>;
}

/**
 * An EventSource that does not give up. It reconnects by itself after a dropped stream (an app restart, a new
 * revision), sending Last-Event-ID so the app resumes or sends a fresh snapshot. An error status (the app is between
 * processes, 503) closes an EventSource for good, so this opens a new one after a pause, and says why meanwhile.
 */
export class LiveStream {
  private source: EventSource | undefined;
  private retry: number | undefined;
  private stopped = false;
  private opened = false;

  constructor(private readonly options: LiveStreamOptions) {
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.source?.close();
    window.clearTimeout(this.retry);
  }

  private open(): void {
    const source = new EventSource(this.options.url);
    this.source = source;
    this.options.onState(this.opened ? 'reconnecting' : 'connecting');
    this.opened = true;
    source.addEventListener('open', () => this.options.onState('live'));
    for (const [name, handler] of Object.entries(this.options.events)) {
      source.addEventListener(name, (e) => handler((e as MessageEvent<string>).data));
    }
    source.addEventListener('error', () => {
      if (this.stopped) return;
      this.options.onState('reconnecting');
      if (source.readyState !== EventSource.CLOSED) return;
      void this.options.explain().then((problem) => {
        if (this.stopped) return;
        if (problem?.status === 401) return; // The session ended: the banner takes over.
        this.options.onState('reconnecting', problem?.message);
        this.retry = window.setTimeout(() => this.open(), problem?.status === 404 ? 5000 : 2000);
      });
    });
  }
}
