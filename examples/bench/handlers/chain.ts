import type { HandlerContext, XmlValue } from '@organism/engine/handler';

export function sink(): void {}

const forwardTo =
  (next: string) =>
  (_payload: XmlValue, ctx: HandlerContext): void => {
    ctx.forward(next, ctx.payloadXml);
  };

export const hop1 = forwardTo('hop2');
export const hop2 = forwardTo('hop3');
export const hop3 = forwardTo('hop4');
