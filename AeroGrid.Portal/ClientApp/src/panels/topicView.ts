import { appData, LiveStream } from '../api/appData';
import { StreamStatus } from './streamStatus';
import { h } from '../ui/dom';
import { clockTime } from '../ui/time';

/** The newest messages a person reads in a panel; older ones leave. */
const maxMessages = 500;

/** One topic, live: each message as it is published, newest on top, added once per animation frame. */
export class TopicView {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly count: HTMLElement;
  private readonly status = new StreamStatus();
  private readonly stream: LiveStream;
  private received = 0;
  private pending: string[] = [];
  private frame: number | undefined;

  constructor(app: string, topic: string) {
    this.list = h('ol', { class: 'activity', testid: 'topic-log', role: 'log', 'aria-label': topic, reversed: true });
    this.count = h('span', { class: 'grid-count muted', testid: 'topic-count' }, 'Waiting for messages…');
    const clear = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Clear');
    clear.addEventListener('click', () => this.list.replaceChildren());
    this.element = h(
      'div',
      { class: 'topic-view' },
      h('div', { class: 'log-toolbar' }, this.count, this.status.badge, clear),
      this.status.problem,
      h('div', { class: 'grid-scroll', tabindex: 0 }, this.list),
    );
    this.stream = new LiveStream({
      url: appData.topicEventsUrl(app, topic),
      events: { message: (data) => this.onMessage(data) },
      onState: (state, problem) => this.status.show(state, problem),
      explain: () => appData.refusalOf(app, 'topics', topic),
    });
  }

  dispose(): void {
    this.stream.stop();
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
  }

  private onMessage(data: string): void {
    this.pending.push(data);
    if (this.pending.length > maxMessages) this.pending = this.pending.slice(-maxMessages);
    this.frame ??= requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    this.frame = undefined;
    const time = clockTime();
    const items = this.pending.reverse().map((data) => h('li', { class: 'activity-item topic-message' }, h('time', {}, time), h('code', {}, data)));
    this.received += this.pending.length;
    this.pending = [];
    this.list.prepend(...items);
    while (this.list.childElementCount > maxMessages) this.list.lastElementChild?.remove();
    this.count.textContent = `${this.received.toLocaleString('en-US')} ${this.received === 1 ? 'message' : 'messages'} received`;
  }

}
