// The shapes the front end works with. The API's objects come from the types openapi-typescript generates at build
// from the checked-in OpenAPI documents (../../openapi/, see ../../ClientApp.targets), so a schema change that breaks
// the front end fails tsc. What is written here is only (1) what the API guarantees beyond its schema: an object it
// returns has a name and its spec's files, and (2) the Portal server's own shapes (/bff/me, templates, invoke),
// which no OpenAPI document describes.
import type { components } from './generated/aerogrid';

type Schemas = components['schemas'];
type ApiApp = Schemas['io.aerogrid.v1alpha1.App'];
type ApiSpec = NonNullable<ApiApp['spec']>;

export type AppFile = Required<NonNullable<ApiSpec['files']>[number]>;
export type AppStatus = NonNullable<ApiApp['status']>;
export type Phase = NonNullable<AppStatus['phase']>;
export type Condition = NonNullable<AppStatus['conditions']>[number];
export type ObjectMeta = Schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'] & { name: string };
export type Status = Schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status'];

export type App = Omit<ApiApp, 'metadata' | 'spec'> & {
  metadata: ObjectMeta;
  spec: Omit<ApiSpec, 'files'> & { files: AppFile[] };
};

export type AppList = Omit<Schemas['io.aerogrid.v1alpha1.AppList'], 'items'> & { items: App[] };

export type WatchChange = Omit<Schemas['io.aerogrid.v1alpha1.AppWatchEvent'], 'object'> & { object: App };

type ApiRevision = Schemas['io.aerogrid.v1alpha1.Revision'];
export type Revision = Omit<ApiRevision, 'metadata' | 'spec'> & {
  metadata: ObjectMeta;
  spec: Omit<NonNullable<ApiRevision['spec']>, 'files' | 'revision'> & { files: AppFile[]; revision: number };
};

export interface Me {
  subject: string;
  tenant: string;
  permissions: string[];
  canWrite: boolean;
  canInvoke: boolean;
}

export interface Template {
  name: string;
  title: string;
  description: string;
  files: AppFile[];
}

export interface InvokeRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface InvokeResponse {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
  elapsedMs: number;
}

export const appApiVersion = 'aerogrid.io/v1alpha1';
