/**
 * What extension authors import (docs/extensions.md): `defineExtension` for an extension module's
 * default export, `router` for a feature's group of handlers, and their types.
 */
export { defineExtension, router, TRACTS } from './lifecycle/extensions/extension-api.ts';
export type {
  DeliveryRecord,
  DispatchEvent,
  Extension,
  ExtensionApi,
  ExtensionContext,
  ExtensionEvent,
  ExtensionHandler,
  ExtensionOptions,
  ExtensionRouter,
  HandlerOptions,
  Tract,
} from './lifecycle/extensions/extension-api.ts';
export type { EngineEvent } from '@organism/shared';
