import { ApiError } from '../api/client';
import { portalApi } from '../api/portalApi';
import type { InvokeResponse } from '../api/model';
import { h, isPrimaryShortcut, replace, uid } from '../ui/dom';

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Calls the app the way its clients do: through the gateway, as the signed-in person (the Portal adds their token).
 * Shows status, time, headers and the body, pretty-printed when it is JSON.
 */
export class RequestPanel {
  readonly element: HTMLElement;
  private readonly method: HTMLSelectElement;
  private readonly path: HTMLInputElement;
  private readonly headers: HTMLTextAreaElement;
  private readonly body: HTMLTextAreaElement;
  private readonly send: HTMLButtonElement;
  private readonly result: HTMLElement;
  private readonly target = h('p', { class: 'hint' });
  private controller: AbortController | undefined;

  constructor(
    private readonly app: string,
    canInvoke: boolean,
  ) {
    const ids = { method: uid('method'), path: uid('path'), headers: uid('headers'), body: uid('body') };
    this.method = h('select', { id: ids.method, class: 'input', testid: 'request-method' }, methods.map((m) => h('option', { value: m }, m)));
    this.path = h('input', { id: ids.path, class: 'input mono', type: 'text', value: '/', spellcheck: 'false', autocomplete: 'off', testid: 'request-path' });
    this.headers = h('textarea', {
      id: ids.headers,
      class: 'input mono',
      rows: 2,
      spellcheck: 'false',
      placeholder: 'Accept: application/json',
      testid: 'request-headers',
    });
    this.body = h('textarea', {
      id: ids.body,
      class: 'input mono',
      rows: 4,
      spellcheck: 'false',
      placeholder: '{"customer": "Ada", "quantity": 2}',
      testid: 'request-body',
    });
    this.send = h('button', { type: 'submit', class: 'button button-primary', testid: 'request-send', disabled: !canInvoke }, 'Send');
    this.result = h('div', { class: 'response', 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'request-form' },
      this.target,
      h(
        'div',
        { class: 'request-line' },
        h('label', { for: ids.method, class: 'visually-hidden' }, 'Method'),
        this.method,
        h('label', { for: ids.path, class: 'visually-hidden' }, 'Path'),
        this.path,
        this.send,
      ),
      h('label', { for: ids.headers }, 'Headers ', h('span', { class: 'label-note' }, 'optional · one per line, Name: value')),
      this.headers,
      h('label', { for: ids.body }, 'JSON body ', h('span', { class: 'label-note' }, 'optional · Ctrl+Enter sends')),
      this.body,
      canInvoke ? null : h('p', { class: 'hint' }, 'You may not call apps (no apps:invoke permission).'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.call();
    });
    this.body.addEventListener('keydown', (event) => {
      if (isPrimaryShortcut(event, 'enter')) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    this.element = h('div', { class: 'request-panel' }, form, this.result);
  }

  /** Says where the request goes: the app's URL on the gateway, which the path is added to. */
  setUrl(url: string | undefined): void {
    replace(this.target, 'Calls ', h('code', {}, url ?? this.app), ' + path through the gateway, as you.');
  }

  dispose(): void {
    this.controller?.abort();
  }

  private async call(): Promise<void> {
    const path = this.path.value.trim() || '/';
    const body = this.body.value.trim();
    const headers = parseHeaders(this.headers.value);
    if (typeof headers === 'string') {
      replace(this.result, h('p', { class: 'form-error', role: 'alert', testid: 'request-panel-error' }, headers));
      return;
    }
    if (body.length > 0) {
      try {
        JSON.parse(body);
      } catch (e) {
        replace(this.result, h('p', { class: 'form-error', role: 'alert' }, `The body is not valid JSON: ${(e as Error).message}`));
        return;
      }
    }
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.send.disabled = true;
    replace(this.result, h('p', { class: 'muted' }, 'Calling…'));
    try {
      const answer = await portalApi.invoke(
        this.app,
        { method: this.method.value, path: path.startsWith('/') ? path : `/${path}`, headers, body: body.length > 0 ? body : undefined },
        controller.signal,
      );
      replace(this.result, responseView(answer));
    } catch (e) {
      if (controller.signal.aborted) return;
      replace(this.result, h('p', { class: 'form-error', role: 'alert', testid: 'request-panel-error' }, e instanceof ApiError ? e.detail : String(e)));
    } finally {
      this.send.disabled = false;
    }
  }
}

/** `Name: value` lines as a header map, or a sentence saying which line is not one. */
function parseHeaders(text: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0)) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return `"${line}" is not a header: write Name: value.`;
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

function responseView(answer: InvokeResponse): HTMLElement {
  const kind = answer.status < 300 ? 'ok' : answer.status < 400 ? 'info' : answer.status < 500 ? 'warn' : 'danger';
  const contentType = answer.headers['content-type'] ?? '';
  return h(
    'div',
    { class: 'response-view' },
    h(
      'div',
      { class: 'response-line' },
      h('span', { class: `badge badge-${kind}`, testid: 'response-status' }, `${answer.status} ${answer.reason}`),
      h('span', { class: 'muted', testid: 'response-time' }, `${answer.elapsedMs.toFixed(0)} ms`),
      contentType ? h('span', { class: 'muted mono' }, contentType) : null,
    ),
    h(
      'details',
      { class: 'response-headers' },
      h('summary', {}, `Headers (${Object.keys(answer.headers).length})`),
      h('dl', {}, Object.entries(answer.headers).flatMap(([name, value]) => [h('dt', {}, name), h('dd', { class: 'mono' }, value)])),
    ),
    h('pre', { class: 'response-body', testid: 'response-body', tabindex: 0 }, pretty(answer.body, contentType) || h('span', { class: 'muted' }, '(empty body)')),
    answer.truncated ? h('p', { class: 'hint' }, 'The body was cut short (too long, or a stream that does not end).') : null,
  );
}

function pretty(body: string, contentType: string): string {
  if (!contentType.includes('json')) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
