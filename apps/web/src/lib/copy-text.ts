import { toast } from 'sonner';

/**
 * Copies `text` to the clipboard and says so in a toast, or says why not: browsers offer the clipboard only
 * on https and localhost, and may refuse a write (no permission, the page not focused). Never throws; answers
 * whether the text was copied. `what` names it in the toast ("token copied").
 */
export async function copyText(text: string, what?: string): Promise<boolean> {
  const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
  if (!clipboard) {
    toast.error('This browser allows copying only on https or localhost: select the text and copy it.');
    return false;
  }
  try {
    await clipboard.writeText(text);
  } catch {
    toast.error('The browser refused to copy: select the text and copy it.');
    return false;
  }
  toast.success(what ? `${what} copied` : 'copied');
  return true;
}
