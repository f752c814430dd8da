import { ApiError } from '../api/client';
import { followText } from '../api/textStream';
import { h } from '../ui/dom';

export interface LogViewOptions {
  testid: string;
  label: string;
  url: () => string;
  /** Shown when the server has no such log (404). */
  missing: string;
}

/** Enough for any log a person scrolls through in a panel; older text is dropped first. */
const maxChars = 200_000;

/**
 * A log followed live (fetch + ReadableStream) into a <pre> that stays scrolled to the end while the person is at
 * the end, and holds a bounded amount of text.
 */
export class LogView {
  readonly element: HTMLElement;
  private readonly pre: HTMLPreElement;
  private readonly status: HTMLElement;
  private readonly again: HTMLButtonElement;
  private controller: AbortController | undefined;
  private chars = 0;
  private started = false;

  constructor(private readonly options: LogViewOptions) {
    this.pre = h('pre', { class: 'log', testid: options.testid, tabindex: 0, 'aria-label': options.label, role: 'log' });
    this.status = h('span', { class: 'log-status', role: 'status' });
    this.again = h('button', { type: 'button', class: 'button button-small', hidden: true }, 'Follow again');
    this.again.addEventListener('click', () => this.follow());
    const clear = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Clear');
    clear.addEventListener('click', () => this.clear());
    this.element = h('div', { class: 'log-view' }, h('div', { class: 'log-toolbar' }, this.status, this.again, clear), this.pre);
  }

  /** Starts following unless it already did once (panels start their log when first shown). */
  ensureStarted(): void {
    if (!this.started) this.follow();
  }

  /** (Re)starts following from the beginning the server sends; `heading` marks the restart in the text. */
  follow(heading?: string): void {
    this.started = true;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.clear();
    if (heading) this.append(`── ${heading} ──\n`);
    this.setStatus('Following…', false);
    followText(this.options.url(), (text) => this.append(text), controller.signal).then(
      () => {
        if (!controller.signal.aborted) this.setStatus('The log ended.', true);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        if (e instanceof ApiError && e.status === 404) this.setStatus(this.options.missing, true);
        else if (e instanceof ApiError) this.setStatus(e.message, true);
        else this.setStatus('The connection was interrupted.', true);
      },
    );
  }

  /** Stops following; `reason` says why, with a button to follow again. */
  stop(reason?: string): void {
    this.controller?.abort();
    this.controller = undefined;
    if (reason) this.setStatus(reason, true);
  }

  private clear(): void {
    this.pre.replaceChildren();
    this.chars = 0;
  }

  private append(text: string): void {
    const atEnd = this.pre.scrollHeight - this.pre.scrollTop - this.pre.clientHeight < 24;
    this.pre.append(text);
    this.chars += text.length;
    while (this.chars > maxChars && this.pre.firstChild) {
      this.chars -= this.pre.firstChild.textContent?.length ?? 0;
      this.pre.firstChild.remove();
    }
    if (atEnd) this.pre.scrollTop = this.pre.scrollHeight;
  }

  private setStatus(text: string, ended: boolean): void {
    this.status.textContent = text;
    this.again.hidden = !ended;
  }
}
