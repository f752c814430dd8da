// The shapes the Portal's server (/bff) speaks: the AeroGrid API's own objects (Kubernetes conventions), see
// AeroGrid.Portal/README.md. Only the fields the front end reads are typed; the rest passes through untouched.

export type Phase = 'Pending' | 'Building' | 'Deploying' | 'Running' | 'Failed' | 'Stopped';

export interface AppFile {
  path: string;
  content: string;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  [other: string]: unknown;
}

export interface AppSpec {
  files: AppFile[];
  entrypoint?: string;
  runtime?: string;
  replicas?: number;
  stopped?: boolean;
  env?: { name: string; value: string }[];
  resources?: { requests?: ResourceQuantities; limits?: ResourceQuantities };
}

/** Kubernetes quantities, e.g. cpu '500m', memory '256Mi'. */
export interface ResourceQuantities {
  cpu?: string;
  memory?: string;
}

export interface AppStatus {
  phase?: Phase;
  observedGeneration?: number;
  revision?: number;
  image?: string;
  url?: string;
  message?: string;
  failureLog?: string;
  conditions?: Condition[];
}

export interface App {
  apiVersion: string;
  kind: 'App';
  metadata: ObjectMeta;
  spec: AppSpec;
  status?: AppStatus;
}

export interface AppList {
  metadata: { resourceVersion?: string };
  items: App[];
}

export interface WatchChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: App;
}

/** A Kubernetes Status: every refusal, from the Portal or the API behind it. */
export interface Status {
  kind: 'Status';
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; causes?: { field?: string; message?: string; reason?: string }[] };
}

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

export interface Revision {
  metadata: { name: string; creationTimestamp?: string };
  spec: { app: string; revision: number; files: AppFile[]; entrypoint?: string };
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
