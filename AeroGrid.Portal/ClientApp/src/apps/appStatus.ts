import type { App, AppFile, Phase } from '../api/model';

/** Ready=True: some revision serves traffic (status.revision), even while a newer one fails. */
export function isReady(app: App): boolean {
  return app.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The revision that answers requests, or undefined when none does. */
export function servingRevision(app: App): number | undefined {
  return isReady(app) ? app.status?.revision : undefined;
}

export function phaseOf(app: App): Phase | 'Unknown' {
  return app.status?.phase ?? (app.spec.stopped ? 'Stopped' : 'Pending');
}

/** When the app last changed state: the newest condition transition, else its creation. */
export function lastChange(app: App): string | undefined {
  const times = (app.status?.conditions ?? [])
    .map((c) => c.lastTransitionTime)
    .filter((t): t is string => typeof t === 'string')
    .sort();
  return times.at(-1) ?? app.metadata.creationTimestamp;
}

/**
 * Whether resourceVersion `a` is newer than `b`. Versions are opaque in the Kubernetes conventions, but the
 * control plane (and etcd) hand out rising integers; comparing them keeps a late event from undoing a newer answer.
 * Anything else counts as newer, so a change is never dropped.
 */
export function isNewer(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a !== undefined;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return a !== b;
}

export function sameFiles(a: readonly AppFile[], b: readonly AppFile[]): boolean {
  if (a.length !== b.length) return false;
  const byPath = new Map(b.map((f) => [f.path, f.content]));
  return a.every((f) => byPath.get(f.path) === f.content);
}

/** A DNS-1035 label, as the API requires of an app's name; undefined when valid, else a sentence saying what to fix. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Give the app a name, e.g. orders.';
  if (name.length > 63) return `A name may have at most 63 characters (this one has ${name.length}).`;
  if (/[A-Z]/.test(name)) return 'Use lowercase letters: names are DNS labels.';
  if (!/^[a-z0-9-]+$/.test(name)) return "Use only lowercase letters, digits and '-'.";
  if (!/^[a-z]/.test(name)) return 'Start the name with a letter: it names the app\'s Service.';
  if (!/[a-z0-9]$/.test(name)) return 'End the name with a letter or digit.';
  return undefined;
}

/** A file path as the API accepts it; undefined when valid, else a sentence saying what to fix. */
export function pathProblem(path: string, existing: readonly string[]): string | undefined {
  if (path.length === 0) return 'Give the file a name, e.g. util.py.';
  if (path.length > 255) return 'A path may have at most 255 characters.';
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) {
    return 'Use a path relative to the app, e.g. lib/util.py.';
  }
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    return "A path may not contain '..', '.' or empty parts.";
  }
  // The characters the API allows (AppLimits.FilePathPattern): in a cluster each file is a ConfigMap key.
  if (!/^[-._a-zA-Z0-9/]+$/.test(path)) return "Use only letters, digits, '-', '_', '.' and '/' in a file name.";
  if (existing.includes(path)) return `There is already a file named ${path}.`;
  return undefined;
}
