import type * as MonacoApi from 'monaco-editor';
import type { AppFile } from '../api/model';
import { languageOf, type Monaco } from './monacoLoader';

type Model = MonacoApi.editor.ITextModel;

/**
 * The files being edited: one Monaco model per file, and the saved text each started from, so the page knows
 * what is unsaved (per file and in all). Adding, renaming and deleting files are changes too until saved.
 */
export class Workspace {
  private readonly models = new Map<string, Model>();
  private saved = new Map<string, string>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly monaco: Monaco,
    private readonly app: string,
    readonly entrypoint: string,
  ) {}

  /**
   * Makes `files` the text of the workspace and its saved state. Files that stay keep their model and take the new
   * text as an undoable edit, so whoever loads another version can still step back to the text they had.
   */
  load(files: readonly AppFile[]): void {
    const incoming = new Set(files.map((f) => f.path));
    for (const path of [...this.models.keys()]) if (!incoming.has(path)) this.dispose(path);
    for (const file of files) {
      if (this.models.has(file.path)) this.setText(file.path, file.content);
      else this.create(file.path, file.content);
    }
    this.markSaved(files);
  }

  /** `files` (what a save sent) is now what the server holds; text typed since stays unsaved. */
  markSaved(files: readonly AppFile[]): void {
    this.saved = new Map(files.map((f) => [f.path, f.content]));
    this.emit();
  }

  paths(): string[] {
    return [...this.models.keys()].sort((a, b) =>
      a === this.entrypoint ? -1 : b === this.entrypoint ? 1 : a.localeCompare(b),
    );
  }

  has(path: string): boolean {
    return this.models.has(path);
  }

  model(path: string): Model | undefined {
    return this.models.get(path);
  }

  files(): AppFile[] {
    return this.paths().map((path) => ({ path, content: this.models.get(path)?.getValue() ?? '' }));
  }

  isNew(path: string): boolean {
    return !this.saved.has(path);
  }

  isModified(path: string): boolean {
    const model = this.models.get(path);
    return model !== undefined && this.saved.get(path) !== model.getValue();
  }

  isDirty(): boolean {
    if (this.saved.size !== this.models.size) return true;
    return [...this.models.keys()].some((path) => this.isModified(path));
  }

  /** The unsaved files, for a draft. */
  changedFiles(): AppFile[] {
    return this.files().filter((f) => this.saved.get(f.path) !== f.content);
  }

  add(path: string, content = ''): void {
    this.create(path, content);
    this.emit();
  }

  rename(from: string, to: string): void {
    const model = this.models.get(from);
    if (!model) return;
    // A model's URI cannot change: a new model takes the text (and the language of the new name).
    this.create(to, model.getValue());
    this.dispose(from);
    this.emit();
  }

  remove(path: string): void {
    this.dispose(path);
    this.emit();
  }

  /** Replaces a file's text as one undoable edit, so the person can step back to what they had. */
  setText(path: string, text: string): void {
    const model = this.models.get(path);
    if (!model) {
      this.add(path, text);
      return;
    }
    if (model.getValue() === text) return;
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  disposeAll(): void {
    for (const path of [...this.models.keys()]) this.dispose(path);
    this.listeners.clear();
  }

  private create(path: string, content: string): void {
    const uri = this.monaco.Uri.from({ scheme: 'aerogrid', path: `/${this.app}/${path}` });
    // A model left from an earlier visit to the same app would clash with the new one.
    this.monaco.editor.getModel(uri)?.dispose();
    const model = this.monaco.editor.createModel(content, languageOf(path), uri);
    model.updateOptions({ tabSize: 4, insertSpaces: true });
    // Disposing the model ends this subscription too.
    model.onDidChangeContent(() => this.emit());
    this.models.set(path, model);
  }

  private dispose(path: string): void {
    this.models.get(path)?.dispose();
    this.models.delete(path);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
