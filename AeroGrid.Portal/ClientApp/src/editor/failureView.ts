import { isReady } from '../apps/appStatus';
import type { App } from '../api/model';
import { h, replace } from '../ui/dom';
import type { LineProblem } from './codeEditor';

/**
 * Where Python's traceback points inside the app's own files: the innermost `File "…app.py", line N` frame, with
 * the error's last line as the message. Paths in a traceback are absolute (the revision's folder), so they are
 * matched by their ending.
 */
export function problemIn(failureLog: string | undefined, paths: readonly string[]): LineProblem | undefined {
  if (!failureLog) return undefined;
  const lines = failureLog.split('\n').map((l) => l.trimEnd());
  const message = lines.filter((l) => l.trim().length > 0).at(-1)?.trim() ?? 'The app failed here.';
  let found: LineProblem | undefined;
  for (const match of failureLog.matchAll(/File "([^"]+)", line (\d+)/g)) {
    const file = match[1] ?? '';
    const path = paths.find((p) => file === p || file.endsWith(`/${p}`));
    if (path) found = { path, line: Number(match[2]), message };
  }
  return found;
}

/** Next to the code: why the last change failed, and which revision still answers meanwhile. */
export class FailureView {
  readonly element: HTMLElement;

  constructor(private readonly goTo: (problem: LineProblem) => void) {
    this.element = h('section', { class: 'failure', testid: 'failure', 'aria-label': 'Why the last change failed', hidden: true });
  }

  update(app: App, problem: LineProblem | undefined): void {
    const failed = app.status?.phase === 'Failed';
    this.element.hidden = !failed;
    if (!failed) return;
    const serving = isReady(app) ? app.status?.revision : undefined;
    replace(
      this.element,
      h(
        'div',
        { class: 'failure-heading' },
        h('strong', {}, 'The last change failed'),
        serving !== undefined
          ? h('span', { class: 'badge badge-ok', testid: 'still-serving' }, `Revision ${serving} keeps serving`)
          : h('span', { class: 'badge badge-danger' }, 'Nothing is serving'),
      ),
      h('p', { class: 'failure-message', testid: 'failure-message' }, app.status?.message ?? 'No reason was reported.'),
      problem
        ? h(
            'button',
            { type: 'button', class: 'button button-small', testid: 'failure-goto', on: { click: () => this.goTo(problem) } },
            `Go to ${problem.path}, line ${problem.line}`,
          )
        : null,
      app.status?.failureLog ? h('pre', { class: 'failure-log', testid: 'failure-log', tabindex: 0 }, app.status.failureLog) : null,
    );
    // The reason is at the end of a log (pip's ERROR, Python's exception): show the end first.
    const log = this.element.querySelector('.failure-log');
    if (log) log.scrollTop = log.scrollHeight;
  }
}
