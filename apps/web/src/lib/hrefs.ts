/** A listener's page. */
export const listenerHref = (name: string): string => `/listeners/${encodeURIComponent(name)}`;

/** The messages sent to a listener (or producer), optionally in one state. */
export const messagesToHref = (name: string, state?: string): string =>
  `/messages?to=${encodeURIComponent(name)}${state ? `&state=${state}` : ''}`;
