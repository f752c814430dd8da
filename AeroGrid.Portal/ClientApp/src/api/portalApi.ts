import { bff } from './client';
import {
  appApiVersion,
  type App,
  type AppFile,
  type InvokeRequest,
  type InvokeResponse,
  type Me,
  type Revision,
  type Template,
} from './model';

// One function per /bff route (AeroGrid.Portal/README.md); names are the app's, the tenant is the session's.

const appPath = (name: string) => `/bff/apps/${encodeURIComponent(name)}`;

export const portalApi = {
  me: () => bff<Me>('GET', '/bff/me'),
  signOut: () => bff<{ redirect?: string }>('POST', '/bff/signout'),
  templates: () => bff<Template[]>('GET', '/bff/templates'),

  getApp: (name: string) => bff<App>('GET', appPath(name)),
  createApp: (name: string, files: AppFile[]) =>
    bff<App>('POST', '/bff/apps', { apiVersion: appApiVersion, kind: 'App', metadata: { name }, spec: { files } }),
  /** Saves `app.spec`; the server refuses (409) if the spec changed since `app.metadata.generation`. */
  updateApp: (app: App) => bff<App>('PUT', appPath(app.metadata.name), { ...app, status: undefined }),
  setStopped: (name: string, stopped: boolean) => bff<App>('PATCH', appPath(name), { spec: { stopped } }),
  deleteApp: (name: string) => bff<unknown>('DELETE', appPath(name)),

  revisions: (name: string) => bff<{ items: Revision[] }>('GET', `${appPath(name)}/revisions`),
  /** Makes revision `revision`'s code the app's again; refused (409) if the spec changed since `generation`. */
  rollback: (name: string, revision: number, generation: number | undefined) =>
    bff<App>('POST', `${appPath(name)}/rollback`, { revision, generation }),
  invoke: (name: string, request: InvokeRequest, signal?: AbortSignal) =>
    bff<InvokeResponse>('POST', `${appPath(name)}/invoke`, request, signal),

  buildLogUrl: (name: string) => `${appPath(name)}/buildlog?follow=true`,
  appLogUrl: (name: string) => `${appPath(name)}/log?follow=true&tailLines=200`,
};
