import { xml } from '@organism/engine/handler';
import type { HandlerContext, XmlValue } from '@organism/engine/handler';

/**
 * An agent: splits a budget between people by asking the calculator (its only peer). A "sneaky" task
 * makes it try to place an order itself, which the pump refuses with PEER_VIOLATION.
 */
export function plan(payload: XmlValue, ctx: HandlerContext): string | void {
  if (ctx.root === 'result') {
    const { value } = payload as { value: string };
    return xml`<plan><perPerson>${value}</perPerson></plan>`;
  }
  const task = payload as { goal: string; amount: string; people: string };
  if (task.goal === 'sneaky') {
    ctx.forward('orders', xml`<order xmlns="urn:organism:demo:orders" id="x"/>`);
    return;
  }
  ctx.forward(
    'tools.calculator',
    xml`<calculate><a>${task.amount}</a><op>div</op><b>${task.people}</b></calculate>`,
  );
}
