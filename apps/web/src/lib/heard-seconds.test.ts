import { describe, expect, it } from 'vitest';
import { HeardSeconds } from './heard-seconds.ts';

const at = (second: number, ms = 0) => second * 1000 + ms;

describe('HeardSeconds', () => {
  it('decides every second since the last tick, however late the tick ran', () => {
    const h = new HeardSeconds(at(100, 300));
    h.decide(100, true);
    // Away from 101 on; a hidden tab's timer then fires every two seconds.
    h.decide(102, false);
    h.decide(104, false);
    h.decide(107, false);
    expect([...h.unheard].sort()).toEqual([101, 102, 103, 104, 105, 106, 107]);
    h.decide(109, true);
    expect(h.unheard.has(108)).toBe(false);
  });

  it('counts a second the stream left live in as unheard, and one it came back in too', () => {
    const h = new HeardSeconds(at(100));
    h.decide(102, true);
    // Dropped 0.4 s into 104: 103 ended live, 104 did not.
    h.changed(at(104, 400), true);
    h.decide(104, false);
    expect([...h.unheard]).toEqual([104]);
    // Back 0.2 s into 107: 105 to 107 were (at least partly) unheard, 108 is heard.
    h.changed(at(107, 200), false);
    h.decide(108, true);
    expect([...h.unheard].sort()).toEqual([104, 105, 106, 107]);
  });

  it('never decides a second twice, nor one before the tab opened', () => {
    const h = new HeardSeconds(at(100, 900));
    h.decide(101, true);
    h.decide(101, false);
    expect(h.unheard.size).toBe(0);
    const late = new HeardSeconds(at(200));
    late.decide(202, false);
    expect([...late.unheard].sort()).toEqual([200, 201, 202]);
  });

  it('marks seconds after the fact and forgets old ones', () => {
    const h = new HeardSeconds(at(100));
    h.decide(110, true);
    h.mark(105);
    h.mark(109);
    h.forgetBefore(106);
    expect([...h.unheard]).toEqual([109]);
  });
});
