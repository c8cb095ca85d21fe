/** The shape of one route of `listeners.routes` (API contract of issue 8), until packages/shared exports it. */
export interface RouteStats {
  from: string;
  to: string;
  count: number;
  failed: number;
  /** Over the last 10 s. */
  perSecond: number;
  lastAt: number;
}
