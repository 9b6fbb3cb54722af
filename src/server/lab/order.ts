// The order of the events of one step, as the trace carries them.

/**
 * Put the events of the process that acted in this step (released, or killed by the runner)
 * before the events of every other process, each group in the order of `t`. A gate lets one
 * process act per step; the others only react to it. The lab stamps `t` after a call returns
 * (and an exit when it is reaped), so a peer woken by the call (a read that sees the FIN of a
 * close or of an exit, an accept that sees a connect) can carry an earlier `t` than its cause;
 * a reader must see the cause first.
 */
export function causeFirst<E extends { kind: string; pid?: number }>(batch: E[], actorPid: number | null): void {
  if (actorPid === null) return;
  const actor = batch.filter((e) => e.pid === actorPid);
  const others = batch.filter((e) => e.pid !== actorPid);
  batch.splice(0, batch.length, ...actor, ...others);
}

/**
 * Put each `spawn` before the first event of the process it started. The reaper stamps the spawn
 * after fork returns in it; under load the program can make its first call (and write its event)
 * before the reaper runs again, so that call carries the earlier `t`.
 */
export function spawnFirst<E extends { kind: string; pid?: number }>(batch: E[]): void {
  for (let i = 0; i < batch.length; i++) {
    const spawn = batch[i]!;
    if (spawn.kind !== 'spawn') continue;
    const first = batch.findIndex((e) => e.pid === spawn.pid);
    if (first < i) batch.splice(first, 0, ...batch.splice(i, 1));
  }
}
