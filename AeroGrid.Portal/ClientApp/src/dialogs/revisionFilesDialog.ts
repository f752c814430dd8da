import type { Revision } from '../api/model';
import { languageOf, type Monaco } from '../editor/monacoLoader';
import { h } from '../ui/dom';
import { openDialog } from './dialog';

/** A revision's files, read-only, one at a time in a Monaco editor. */
export function openRevisionFiles(monaco: Monaco, revision: Revision): void {
  const files = revision.spec.files;
  const host = h('div', { class: 'revision-editor' });
  const picker = h('div', { class: 'revision-files', role: 'toolbar', 'aria-label': 'Files of this revision' });
  const close = h('button', { type: 'button', class: 'button', testid: 'cancel' }, 'Close');
  const models = files.map((f) => monaco.editor.createModel(f.content, languageOf(f.path)));
  let editor: ReturnType<Monaco['editor']['create']> | undefined;
  const dialog = openDialog({
    title: `Revision ${revision.spec.revision}`,
    body: [picker, host],
    actions: [close],
    wide: true,
    testid: 'revision-dialog',
    onClose: () => {
      editor?.dispose();
      for (const model of models) model.dispose();
    },
  });
  editor = monaco.editor.create(host, {
    model: models[0] ?? null,
    readOnly: true,
    theme: 'vs-dark',
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 13,
  });
  const buttons = files.map((file, i) => {
    const button = h('button', { type: 'button', class: 'tab-select', 'aria-pressed': String(i === 0) }, file.path);
    button.addEventListener('click', () => {
      editor?.setModel(models[i] ?? null);
      buttons.forEach((b, j) => b.setAttribute('aria-pressed', String(i === j)));
    });
    return button;
  });
  picker.append(...buttons);
  close.addEventListener('click', () => dialog.close());
  close.focus();
}
