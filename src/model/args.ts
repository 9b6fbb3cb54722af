// Addresses in trace events ("a.b.c.d:port", "[v6]:port"): their port and host.

export { hostOf, portOf, WILDCARD_HOSTS } from '../trace/address.ts';
