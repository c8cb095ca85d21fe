/** The envelope namespace, shared with xml-pipeline so its clients interoperate. */
export const ENVELOPE_NS = 'https://xml-pipeline.org/ns/envelope/v1';

/** Namespace of engine-generated payloads (SystemError, Boot). Every listener accepts these. */
export const SYSTEM_NS = 'https://xml-pipeline.org/ns/system/v1';

/** A namespace-qualified element name in Clark notation: `{ns}local`, or `local` without a namespace. */
export type QName = string;

export function qname(namespaceUri: string, localName: string): QName {
  return namespaceUri ? `{${namespaceUri}}${localName}` : localName;
}

export function splitQName(name: QName): { namespaceUri: string; localName: string } {
  if (!name.startsWith('{')) return { namespaceUri: '', localName: name };
  const end = name.indexOf('}');
  return { namespaceUri: name.slice(1, end), localName: name.slice(end + 1) };
}

/** The payload a sender receives when something it sent failed. It never names the listener that failed. */
export interface SystemErrorPayload {
  code: string;
  message: string;
  retryAllowed: boolean;
}
