// The order of the events of one step, as the trace carries them.

/**
 * Put the events of the process that acted in this step (released, killed by the runner, or
 * spawned) before the events of every other process, each group in the order of `t`; and a
 * process's `spawn` before anything else it did. A gate lets one process act per step; the
 * others only react to it. The lab stamps `t` after a call returns (and an exit when it is
 * reaped), so a peer woken by the call (a read that sees the FIN of a close or of an exit, an
 * accept that sees a connect) can carry an earlier `t` than its cause; a reader must see the
 * cause first. A spawn is its process's cause, whatever the clocks say (the reaper stamps it
 * before fork; this does not rely on that).
 */
export function causeFirst<E extends { kind: string; pid?: number }>(batch: E[], actorPid: number | null): void {
  spawnsFirst(batch);
  if (actorPid === null) return;
  const actor = batch.filter((e) => e.pid === actorPid);
  const others = batch.filter((e) => e.pid !== actorPid);
  batch.splice(0, batch.length, ...actor, ...others);
}

/** Move each `spawn` to just before the first event of its process; everything else keeps its place. */
function spawnsFirst<E extends { kind: string; pid?: number }>(batch: E[]): void {
  for (let i = 0; i < batch.length; i++) {
    const e = batch[i]!;
    if (e.kind !== 'spawn') continue;
    const first = batch.findIndex((x) => x.pid === e.pid);
    if (first < i) batch.splice(first, 0, ...batch.splice(i, 1));
  }
}
