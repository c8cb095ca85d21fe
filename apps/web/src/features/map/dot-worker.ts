// The map's dots drawn off the page's main thread, on the canvas the map hands over (see map-dots.tsx).
import type { DotMessage } from './dot-painter';
import { DotPainter } from './dot-painter';

let painter: DotPainter | undefined;

addEventListener('message', (e: MessageEvent<DotMessage>) => {
  const m = e.data;
  if (m.type !== 'canvas') painter?.handle(m);
  else {
    const ctx = m.canvas.getContext('2d');
    if (ctx) painter = new DotPainter(ctx);
  }
});
