/**
 * The request header a page sends to ask an export whether it would download (`exportRefusal`): the
 * export then reads one entry from the engine, not its first page, and answers 204 or its refusal.
 */
export const EXPORT_CHECK_HEADER = 'x-export-check';
