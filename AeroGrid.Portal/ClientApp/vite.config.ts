import { defineConfig } from 'vite';

// Type-checked by Vite when it loads this file, not by `tsc` (tsconfig.json covers src/ only, which needs no Node types).
export default defineConfig({
  // Monaco runs as its prebuilt AMD bundle from /vs (see src/editor/monacoLoader.ts): Vite copies the public
  // directory verbatim, which puts node_modules/monaco-editor/min/vs at dist/vs without bundling 14 MB of it.
  publicDir: 'node_modules/monaco-editor/min',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
