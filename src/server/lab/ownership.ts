// Which TCP sockets are this run's. The lab shares the machine's network with every other
// program, and port numbers are no proof of ownership: the kernel hands a client's ephemeral
// port out again for a connection elsewhere, and another address (127.0.0.2) may listen on the
// server's port number. So a socket is the run's by what the run owns, never by a port alone:
//
//   - a socket a descriptor names (inode ≠ 0) is the run's when a lab process holds it: the
//     listener, connected sockets, a socket created and not yet bound;
//   - a socket no descriptor names (inode 0) is the run's when it is an end of one of the run's
//     connections, by full 4-tuple: a connection still in the accept queue (Figure 4.14), an
//     orphan finishing its close (FIN_WAIT_2, LAST_ACK …), a TIME_WAIT, a request socket in
//     SYN_RECEIVED whose client, held by a lab process, is still in SYN_SENT.
//
// The events say which ends are the run's: accept's return (`local`, `peer`) names the server's
// end; connect's call (`addr`) and return (`local`) name the client's end, and, when `addr` is
// an address a lab process bound, the server's end too, reversed — that is how a connection in
// the accept queue is known before any accept names it. A connection an outside program makes
// to the lab's server becomes the run's when the lab's accept takes it, and then only its server
// end: the outside program's end is not the run's.

import type { Scalar } from '../../trace/types.ts';
import { portOf } from '../../trace/address.ts';

/** The fields of a lab event that say which connections the run has (call and return events). */
export interface OwnershipFacts {
  kind: string;
  pid?: number;
  fn?: string;
  args?: Record<string, Scalar>;
  ret?: number;
  local?: string;
  peer?: string;
}

/** The parts of an observed socket the selection looks at. */
export interface SocketEnds {
  inode: number;
  local: string;
  remote: string;
  state?: string;
}

const endKey = (local: string, remote: string) => `${local} ${remote}`;

export class Ownership {
  /** Ends of the run's connections, as the kernel lists a socket: "local remote". */
  private readonly ends = new Set<string>();
  /** Addresses a lab process bound: a connection to one of them has its server end in the run. */
  private readonly bound = new Set<string>();
  /** The `addr` of a bind or connect whose return has not been read yet, by "pid fn". */
  private readonly calls = new Map<string, string>();

  /** Learn from one lab event (call or return); any other event is ignored. */
  note(e: OwnershipFacts): void {
    if (e.pid === undefined || (e.fn !== 'bind' && e.fn !== 'connect' && e.fn !== 'accept')) return;
    const key = `${e.pid} ${e.fn}`;
    if (e.kind === 'call') {
      if (typeof e.args?.addr === 'string') this.calls.set(key, e.args.addr);
      return;
    }
    if (e.kind !== 'return') return;
    const addr = this.calls.get(key);
    this.calls.delete(key);
    if (e.ret === undefined || e.ret < 0) return;
    if (e.fn === 'bind' && addr !== undefined) this.bound.add(addr);
    if (e.fn === 'connect' && addr !== undefined && e.local !== undefined) {
      this.ends.add(endKey(e.local, addr)); // the client's end
      if (this.boundTo(addr)) this.ends.add(endKey(addr, e.local)); // the server's end, queued until accept takes it
    }
    if (e.fn === 'accept' && e.local !== undefined && e.peer !== undefined) this.ends.add(endKey(e.local, e.peer));
  }

  /** A lab process bound this address, or the wildcard address on its port. */
  private boundTo(addr: string): boolean {
    const port = portOf(addr);
    return this.bound.has(addr) || this.bound.has(`0.0.0.0:${port}`) || this.bound.has(`[::]:${port}`);
  }

  /** Is (local, remote) an end of one of the run's connections? */
  isEnd(local: string, remote: string): boolean {
    return this.ends.has(endKey(local, remote));
  }

  /**
   * The run's sockets among those observed: held by a lab process (`held`: the inodes its
   * descriptors name), or, named by no descriptor, an end of one of the run's connections.
   */
  select<S extends SocketEnds>(observed: readonly S[], held: ReadonlySet<number>): S[] {
    // A connect still waiting for its SYN-ACK (one a drop lost: docs/drops.md) has no return yet to
    // name its ends; its socket, which a lab process holds, does: the server's end is a request
    // socket in SYN_RECEIVED (inode 0) when the address is one the run bound.
    for (const s of observed) {
      if (s.state === 'SYN_SENT' && s.inode !== 0 && held.has(s.inode) && this.boundTo(s.remote)) this.ends.add(endKey(s.remote, s.local));
    }
    return observed.filter((s) => (s.inode !== 0 ? held.has(s.inode) : this.isEnd(s.local, s.remote)));
  }
}
