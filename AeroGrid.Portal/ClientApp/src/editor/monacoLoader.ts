import type * as MonacoApi from 'monaco-editor';

export type Monaco = typeof MonacoApi;

interface AmdRequire {
  (modules: string[], onLoad: () => void, onError: (error: unknown) => void): void;
  config(options: { paths: Record<string, string> }): void;
}

declare global {
  interface Window {
    require?: AmdRequire;
    monaco?: Monaco;
  }
}

let loading: Promise<Monaco> | undefined;

/**
 * Loads Monaco's prebuilt AMD bundle from /vs (copied there by the build) once.
 *
 * Why not bundle the ESM build with Vite: the AMD bundle is what monaco-editor ships ready to run, its language
 * workers need no bundler plugin, and it is loaded only when an editor opens. It works under the Portal's CSP
 * (scripts from 'self', workers from 'self'): no eval, no inline script.
 */
export function loadMonaco(): Promise<Monaco> {
  loading ??= new Promise<Monaco>((resolve, reject) => {
    // Monaco cancels its own pending work (hovers, decorations, sticky lines) when a model or editor changes, and
    // leaves the rejected promise unhandled with an error named "Canceled": that is its bookkeeping, not a failure.
    window.addEventListener('unhandledrejection', (event) => {
      if (event.reason instanceof Error && event.reason.name === 'Canceled') event.preventDefault();
    });
    // The worker is a same-origin file, which worker-src 'self' allows.
    self.MonacoEnvironment = { getWorkerUrl: () => '/vs/base/worker/workerMain.js' };
    const script = document.createElement('script');
    script.src = '/vs/loader.js';
    script.addEventListener('error', () => reject(new Error('The code editor could not be loaded (/vs/loader.js).')));
    script.addEventListener('load', () => {
      const require = window.require;
      if (!require) {
        reject(new Error('The code editor loader did not start.'));
        return;
      }
      require.config({ paths: { vs: '/vs' } });
      require(
        ['vs/editor/editor.main'],
        () => (window.monaco ? resolve(window.monaco) : reject(new Error('The code editor did not start.'))),
        (error) => reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
    document.head.append(script);
  }).catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

const languages: Record<string, string> = {
  py: 'python',
  json: 'json',
  md: 'markdown',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'ini',
  ini: 'ini',
  cfg: 'ini',
  html: 'html',
  css: 'css',
  js: 'javascript',
  ts: 'typescript',
  sql: 'sql',
  sh: 'shell',
};

/** Monaco's language for a file name; requirements.txt and the like stay plain text. */
export function languageOf(path: string): string {
  const extension = path.includes('.') ? path.slice(path.lastIndexOf('.') + 1).toLowerCase() : '';
  return languages[extension] ?? 'plaintext';
}
