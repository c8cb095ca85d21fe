/**
 * Counts the turns of the event loop from now on: a task that asks for every turn, as the pump and the
 * server's sockets do. Work that never gives the loop a turn leaves the count where it was.
 */
export function countTurns(): { readonly turns: number; stop(): void } {
  let turns = 0;
  let ticking = true;
  const tick = (): void => {
    turns++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turns() {
      return turns;
    },
    stop: () => {
      ticking = false;
    },
  };
}
