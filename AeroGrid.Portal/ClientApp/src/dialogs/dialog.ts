import { h, uid, type Child } from '../ui/dom';

export interface DialogOptions {
  title: string;
  body: Child | Child[];
  actions: HTMLElement[];
  testid?: string;
  wide?: boolean;
  onClose?: () => void;
}

export interface OpenDialog {
  element: HTMLDialogElement;
  close: () => void;
}

const focusable =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog on the native <dialog>: the page behind is inert, Esc closes it, Tab stays inside, and focus goes
 * back where it was when it closes.
 */
export function openDialog(options: DialogOptions): OpenDialog {
  const titleId = uid('dialog-title');
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const element = h(
    'dialog',
    { class: options.wide ? 'dialog dialog-wide' : 'dialog', 'aria-labelledby': titleId, testid: options.testid },
    h('h2', { id: titleId, class: 'dialog-title' }, options.title),
    h('div', { class: 'dialog-body' }, options.body),
    h('div', { class: 'dialog-actions' }, options.actions),
  );
  element.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const items = [...element.querySelectorAll<HTMLElement>(focusable)].filter((e) => e.offsetParent !== null);
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  element.addEventListener('close', () => {
    element.remove();
    options.onClose?.();
    opener?.focus();
  });
  document.body.append(element);
  element.showModal();
  return { element, close: () => element.close() };
}

export interface ConfirmOptions {
  title: string;
  message: Child | Child[];
  confirmLabel: string;
  danger?: boolean;
}

/** Asks before something that cannot be undone; resolves true only for the confirm button. */
export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let confirmed = false;
    const cancel = h('button', { type: 'button', class: 'button', testid: 'cancel' }, 'Cancel');
    const confirm = h(
      'button',
      { type: 'button', class: options.danger ? 'button button-danger' : 'button button-primary', testid: 'confirm' },
      options.confirmLabel,
    );
    const dialog = openDialog({
      title: options.title,
      body: h('p', {}, options.message),
      actions: [cancel, confirm],
      onClose: () => resolve(confirmed),
    });
    cancel.addEventListener('click', () => dialog.close());
    confirm.addEventListener('click', () => {
      confirmed = true;
      dialog.close();
    });
    // The safe choice has focus, so Enter does not destroy anything by accident.
    cancel.focus();
  });
}

export interface PromptOptions {
  title: string;
  label: string;
  value?: string;
  confirmLabel: string;
  /** A sentence saying what is wrong with the value, or undefined when it is fine. */
  validate: (value: string) => string | undefined;
}

/** Asks for one line of text, checked as it is typed; resolves undefined when cancelled. */
export function promptDialog(options: PromptOptions): Promise<string | undefined> {
  return new Promise((resolve) => {
    let result: string | undefined;
    const inputId = uid('prompt');
    const problemId = uid('prompt-problem');
    const input = h('input', {
      id: inputId,
      class: 'input',
      type: 'text',
      value: options.value ?? '',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': problemId,
      testid: 'prompt-input',
    });
    const problem = h('p', { id: problemId, class: 'field-problem', 'aria-live': 'polite' });
    const cancel = h('button', { type: 'button', class: 'button', testid: 'cancel' }, 'Cancel');
    const ok = h('button', { type: 'submit', class: 'button button-primary', testid: 'confirm' }, options.confirmLabel);
    const form = h('form', { class: 'form', id: uid('prompt-form') }, h('label', { for: inputId }, options.label), input, problem);
    const check = (): string | undefined => {
      const message = options.validate(input.value.trim());
      problem.textContent = message ?? '';
      input.setAttribute('aria-invalid', String(message !== undefined));
      return message;
    };
    input.addEventListener('input', check);
    const dialog = openDialog({ title: options.title, body: form, actions: [cancel, ok], onClose: () => resolve(result) });
    ok.setAttribute('form', form.id);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (check() !== undefined) {
        input.focus();
        return;
      }
      result = input.value.trim();
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    input.focus();
    input.select();
  });
}
