import type { AppFile } from '../api/model';

// Unsaved text kept in this browser when the session ends mid-edit, one entry per tenant, app and file, and offered
// back when the person opens the app again after signing in.

const prefix = 'aerogrid.draft:';

interface StoredDraft {
  content: string;
  savedAt: string;
}

export interface Draft extends AppFile {
  savedAt: string;
}

const keyOf = (tenant: string, app: string, path: string) =>
  `${prefix}${JSON.stringify([tenant, app, path])}`;

function parseKey(key: string): [string, string, string] | undefined {
  if (!key.startsWith(prefix)) return undefined;
  try {
    const parts = JSON.parse(key.slice(prefix.length)) as unknown;
    return Array.isArray(parts) && parts.length === 3 && parts.every((p) => typeof p === 'string')
      ? (parts as [string, string, string])
      : undefined;
  } catch {
    return undefined;
  }
}

export function saveDrafts(tenant: string, app: string, files: readonly AppFile[]): void {
  const savedAt = new Date().toISOString();
  for (const file of files) {
    try {
      localStorage.setItem(keyOf(tenant, app, file.path), JSON.stringify({ content: file.content, savedAt } satisfies StoredDraft));
    } catch {
      // Storage full or disabled: nothing more this page can do; the text is still in the open editor.
    }
  }
}

export function draftsOf(tenant: string, app: string): Draft[] {
  const drafts: Draft[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    const parts = key ? parseKey(key) : undefined;
    if (!key || !parts || parts[0] !== tenant || parts[1] !== app) continue;
    try {
      const stored = JSON.parse(localStorage.getItem(key) ?? '') as StoredDraft;
      drafts.push({ path: parts[2], content: stored.content, savedAt: stored.savedAt });
    } catch {
      localStorage.removeItem(key);
    }
  }
  return drafts.sort((a, b) => a.path.localeCompare(b.path));
}

export function clearDrafts(tenant: string, app: string): void {
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    const parts = key ? parseKey(key) : undefined;
    if (key && parts && parts[0] === tenant && parts[1] === app) keys.push(key);
  }
  for (const key of keys) localStorage.removeItem(key);
}
