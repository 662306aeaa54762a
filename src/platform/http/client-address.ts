/**
 * Issue 15: the address a request comes from, as sign-in throttling counts it. The socket's peer,
 * or with TRUST_PROXY the last X-Forwarded-For entry (the one the reverse proxy in front added;
 * entries before it are whatever the client sent). IPv4-mapped IPv6 addresses count as IPv4, and an
 * IPv6 client counts by its /64 network: one host usually has a whole /64 to pick addresses from.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The eight groups of an IPv6 address (without zone), or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const [head = '', tail, more] = address.split('::');
  if (more !== undefined) return undefined;
  const part = (text: string) => (text === '' ? [] : text.split(':'));
  let left = part(head);
  let right = tail === undefined ? [] : part(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const last = (right.length > 0 ? right : left).at(-1) ?? '';
  if (last.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    const groups = [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    if (right.length > 0) right = [...right.slice(0, -1), ...groups];
    else left = [...left.slice(0, -1), ...groups];
  }
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => parseInt(g, 16));
}

/** The throttling key of an IP address: IPv4 as is, IPv6 as its /64 prefix; undefined when not an address. */
export function normaliseAddress(raw: string): string | undefined {
  const address = raw.trim().replace(/%.*$/, '');
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return undefined;
  const groups = ipv6Groups(address.toLowerCase());
  if (!groups) return undefined;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6] ?? 0, groups[7] ?? 0].flatMap((g) => [g >> 8, g & 0xff]).join('.');
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The client address of a request (see above), or undefined when none can be told. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const entries = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
    const forwarded = normaliseAddress(entries.at(-1) ?? '');
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress === undefined ? undefined : normaliseAddress(req.socket.remoteAddress);
}
