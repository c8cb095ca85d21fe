import { toast } from 'sonner';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyText } from './copy-text';

vi.mock('sonner', () => ({ toast: { success: vi.fn(), error: vi.fn() } }));

afterEach(() => {
  vi.unstubAllGlobals();
  vi.clearAllMocks();
});

describe('copyText', () => {
  it('copies and says what was copied', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    await expect(copyText('4ea7c370-aaaa', 'id')).resolves.toBe(true);
    expect(writeText).toHaveBeenCalledWith('4ea7c370-aaaa');
    expect(toast.success).toHaveBeenCalledWith('id copied');
  });

  it('says the browser refused, rather than throwing, when the write is refused', async () => {
    const writeText = vi.fn(() => Promise.reject(new DOMException('Write permission denied.')));
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    await expect(copyText('x')).resolves.toBe(false);
    expect(toast.error).toHaveBeenCalledWith('The browser refused to copy: select the text and copy it.');
    expect(toast.success).not.toHaveBeenCalled();
  });

  it('says to select the text where the browser offers no clipboard (http, not localhost)', async () => {
    vi.stubGlobal('navigator', {});
    await expect(copyText('x')).resolves.toBe(false);
    expect(toast.error).toHaveBeenCalledWith(
      'This browser allows copying only on https or localhost: select the text and copy it.',
    );
  });
});
