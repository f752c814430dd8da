import { ApiError } from '../api/client';
import { liveApps } from '../api/liveApps';
import { portalApi } from '../api/portalApi';
import type { Template } from '../api/model';
import { openDialog } from '../dialogs/dialog';
import { appHref, navigate } from '../router';
import { h, replace, uid } from '../ui/dom';
import { nameProblem } from './appStatus';

let templates: Promise<Template[]> | undefined;

/** Name, template, Create: then straight into the editor. The server's refusals (409, 422) are shown in place. */
export function openNewAppDialog(): void {
  templates ??= portalApi.templates().catch((e: unknown) => {
    templates = undefined; // Try again next time the dialog opens.
    throw e;
  });
  const nameId = uid('app-name');
  const problemId = uid('app-name-problem');
  const name = h('input', {
    id: nameId,
    class: 'input',
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: 63,
    placeholder: 'e.g. orders',
    'aria-describedby': problemId,
    testid: 'app-name',
  });
  const problem = h('p', { id: problemId, class: 'field-problem', 'aria-live': 'polite' });
  const choices = h('div', { class: 'template-choices', role: 'radiogroup', 'aria-label': 'Template' }, h('p', { class: 'muted' }, 'Loading templates…'));
  const failure = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'form', id: uid('new-app-form'), novalidate: true },
    h('label', { for: nameId }, 'Name'),
    name,
    h('p', { class: 'hint' }, "Lowercase letters, digits and '-'. It becomes part of the app's URL."),
    problem,
    h('fieldset', { class: 'fieldset' }, h('legend', {}, 'Start from'), choices),
    failure,
  );
  const cancel = h('button', { type: 'button', class: 'button', testid: 'cancel' }, 'Cancel');
  const create = h('button', { type: 'submit', class: 'button button-primary', testid: 'create', form: form.id }, 'Create');
  const dialog = openDialog({ title: 'New app', body: form, actions: [cancel, create], testid: 'new-app-dialog' });
  cancel.addEventListener('click', () => dialog.close());
  name.focus();

  let touched = false;
  const check = () => {
    const message = touched ? nameProblem(name.value.trim()) : undefined;
    problem.textContent = message ?? '';
    name.setAttribute('aria-invalid', String(message !== undefined));
    return message;
  };
  name.addEventListener('input', () => {
    touched = true;
    failure.hidden = true;
    check();
  });

  let available: Template[] = [];
  templates.then(
    (list) => {
      available = list;
      replace(choices, list.map((t, i) => templateChoice(t, i === 0)));
    },
    (e: unknown) => replace(choices, h('p', { class: 'form-error' }, `Templates cannot be loaded: ${e instanceof Error ? e.message : String(e)}`)),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    touched = true;
    if (check() !== undefined) {
      name.focus();
      return;
    }
    const chosen = new FormData(form).get('template');
    const template = available.find((t) => t.name === chosen);
    if (!template) {
      failure.hidden = false;
      failure.textContent = 'Choose a template to start from.';
      return;
    }
    const appName = name.value.trim();
    create.disabled = true;
    create.textContent = 'Creating…';
    portalApi
      .createApp(appName, template.files)
      .then((app) => {
        liveApps.put(app);
        dialog.close();
        void navigate(appHref(appName));
      })
      .catch((e: unknown) => {
        create.disabled = false;
        create.textContent = 'Create';
        failure.hidden = false;
        failure.textContent = e instanceof ApiError ? e.detail : String(e);
        if (e instanceof ApiError && (e.status === 409 || e.status === 422)) name.focus();
      });
  });
}

function templateChoice(template: Template, checked: boolean): HTMLElement {
  const id = uid('template');
  return h(
    'label',
    { class: 'template-choice', for: id, testid: `template-${template.name}` },
    h('input', { type: 'radio', name: 'template', value: template.name, id, checked }),
    h('span', { class: 'template-title' }, template.title),
    h('span', { class: 'template-description' }, template.description),
    h('span', { class: 'template-files mono' }, template.files.map((f) => f.path).join(' · ')),
  );
}
