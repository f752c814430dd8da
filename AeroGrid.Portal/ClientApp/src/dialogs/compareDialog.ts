import type { AppFile } from '../api/model';
import { languageOf, type Monaco } from '../editor/monacoLoader';
import { h } from '../ui/dom';
import { openDialog } from './dialog';

/** Their saved files beside the person's text, file by file, before choosing which to keep. */
export function openCompare(monaco: Monaco, theirs: readonly AppFile[], mine: readonly AppFile[]): void {
  const theirText = new Map(theirs.map((f) => [f.path, f.content]));
  const myText = new Map(mine.map((f) => [f.path, f.content]));
  const paths = [...new Set([...theirText.keys(), ...myText.keys()])]
    .filter((p) => theirText.get(p) !== myText.get(p))
    .sort();
  const host = h('div', { class: 'revision-editor' });
  const picker = h('div', { class: 'revision-files', role: 'toolbar', 'aria-label': 'Files that differ' });
  const close = h('button', { type: 'button', class: 'button', testid: 'cancel' }, 'Close');
  const pairs = paths.map((path) => ({
    original: monaco.editor.createModel(theirText.get(path) ?? '', languageOf(path)),
    modified: monaco.editor.createModel(myText.get(path) ?? '', languageOf(path)),
  }));
  let diff: ReturnType<Monaco['editor']['createDiffEditor']> | undefined;
  const dialog = openDialog({
    title: 'Their version (left) and yours (right)',
    body: [
      paths.length === 0 ? h('p', {}, 'The files are the same.') : null,
      picker,
      host,
    ],
    actions: [close],
    wide: true,
    testid: 'compare-dialog',
    onClose: () => {
      diff?.dispose();
      for (const pair of pairs) {
        pair.original.dispose();
        pair.modified.dispose();
      }
    },
  });
  diff = monaco.editor.createDiffEditor(host, {
    readOnly: true,
    originalEditable: false,
    theme: 'vs-dark',
    automaticLayout: true,
    renderSideBySide: window.innerWidth >= 800,
    minimap: { enabled: false },
  });
  const first = pairs[0];
  if (first) diff.setModel(first);
  const buttons = paths.map((path, i) => {
    const button = h('button', { type: 'button', class: 'tab-select', 'aria-pressed': String(i === 0) }, path);
    button.addEventListener('click', () => {
      const pair = pairs[i];
      if (pair) diff?.setModel(pair);
      buttons.forEach((b, j) => b.setAttribute('aria-pressed', String(i === j)));
    });
    return button;
  });
  picker.append(...buttons);
  close.addEventListener('click', () => dialog.close());
  close.focus();
}
