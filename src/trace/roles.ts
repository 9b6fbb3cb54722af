// How processes are named in a trace: 'parent' (the server), 'child#1', 'child#2' … (the server's
// children, in fork order), 'client#1' …, and a restarted server 'parent#2' …. The lab programs
// name themselves this way in their events (src/lab/lab.c); the runner names a child the same
// way before it has spoken, and the model when it sees the fork.

/** The role of the n-th child a server forked. */
export function childRole(n: number): string {
  return `child#${n}`;
}
