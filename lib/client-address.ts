// Who is on the other end of a request to the web app: the address the throttles count.
//
// Next.js does not give route handlers the socket. Its server fills X-Forwarded-For from the
// socket only when the request has none (`??=`), so a client that sends its own header chooses
// the address a throttle sees. The web app therefore runs behind its own front server
// (scripts/web-server.ts), which resolves the address from the real socket, takes
// X-Forwarded-For into account only when the socket's peer is one of TRUSTED_PROXIES, and
// overwrites CLIENT_ADDRESS_HEADER with the result on every request, so whatever a client put
// there is gone. The app reads that header only when the front server marked this process;
// anywhere else (`next dev`) the address is unknown and every client shares one key.
import { BlockList, isIP } from 'node:net';

export const CLIENT_ADDRESS_HEADER = 'x-kubelab-client-address';

const FRONT_SERVER_MARK = Symbol.for('kubelab.clientAddressHeader');

export interface TrustedProxies {
  /** The entries as configured (addresses and CIDR ranges). */
  readonly entries: readonly string[];
  has(address: string): boolean;
}

export class TrustedProxiesError extends Error {
  constructor(readonly entry: string) {
    super(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)`);
  }
}

/** Parses a list of addresses and CIDR ranges, separated by commas or spaces; empty: none. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const entries = (value ?? '').split(/[\s,]+/).filter(Boolean);
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) throw new TrustedProxiesError(entry);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new TrustedProxiesError(entry);
    list.addSubnet(address, bits, type);
  }
  return {
    entries,
    has(address: string) {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** An address as a key: IPv4-mapped IPv6 as plain IPv4, brackets and ports dropped. */
export function normalizeAddress(raw: string): string {
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  if (/^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(address)) address = address.slice(7);
  // Not an address at all (only a trusted proxy can have put it here): a bounded key all the same.
  return isIP(address) ? address.toLowerCase() : address.slice(0, 64);
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy; then
 * X-Forwarded-For is walked from the nearest hop outwards, and the first hop that is not a
 * trusted proxy is the client. Entries left of it were written by the client and are ignored.
 */
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  let address = peer ? normalizeAddress(peer) : 'unknown';
  if (!trusted.has(address)) return address;
  const hops = [forwardedFor ?? []].flat().join(',').split(',').map((hop) => hop.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    address = normalizeAddress(hops[i]!);
    if (!trusted.has(address)) return address;
  }
  return address;
}

/** Called by the front server before the app loads: CLIENT_ADDRESS_HEADER is its to set. */
export function markFrontServer(): void {
  (globalThis as Record<symbol, unknown>)[FRONT_SERVER_MARK] = true;
}

let warned = false;

/** The client's address as the front server resolved it; 'unknown' without a front server. */
export function clientAddressFrom(headers: { get(name: string): string | null }): string {
  if ((globalThis as Record<symbol, unknown>)[FRONT_SERVER_MARK] !== true) {
    if (!warned) {
      warned = true;
      console.warn('[web] no front server (scripts/web-server.ts): client addresses are unknown, per-address limits are shared by everyone');
    }
    return 'unknown';
  }
  return headers.get(CLIENT_ADDRESS_HEADER) ?? 'unknown';
}
