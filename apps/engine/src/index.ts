export { Engine } from './engine.ts';
export type { EngineStatus } from './engine.ts';
export type { ListenerInfo } from './lifecycle/listener-info.ts';
export { createEngine } from './main.ts';
export type { Handler, HandlerContext, Listener } from './pump/listener.ts';
export type { Delivery } from './pump/delivery.ts';
export type { DispatchHooks } from './pump/dispatch-hooks.ts';
export type { AppRouter } from './api/app-router.ts';
