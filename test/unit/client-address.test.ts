/** Issue 15 §2: the client address that sign-in throttling counts. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, normaliseAddress } from '../../src/platform/http/client-address.js';

const request = (remoteAddress: string | undefined, forwardedFor?: string | string[]) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('client address', () => {
  it('should keep IPv4, unwrap IPv4-mapped IPv6, and count IPv6 by its /64', () => {
    expect(normaliseAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(normaliseAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(normaliseAddress('::FFFF:cb00:7107')).toBe('203.0.113.7');
    expect(normaliseAddress('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('2001:db8:1:2::ffff')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('2001:DB8::1%eth0')).toBe('2001:db8:0:0::/64');
    expect(normaliseAddress('::1')).toBe('0:0:0:0::/64');
    expect(normaliseAddress('not an address')).toBeUndefined();
    expect(normaliseAddress('')).toBeUndefined();
  });

  it('should use the socket’s peer and ignore X-Forwarded-For unless told to trust a proxy', () => {
    expect(clientAddress(request('::ffff:127.0.0.1', '198.51.100.1'), false)).toBe('127.0.0.1');
    expect(clientAddress(request(undefined), false)).toBeUndefined();
  });

  it('should take the last X-Forwarded-For entry (the proxy’s) with TRUST_PROXY, and the socket when there is none', () => {
    expect(clientAddress(request('10.0.0.2', '1.2.3.4, 198.51.100.1'), true)).toBe('198.51.100.1');
    expect(clientAddress(request('10.0.0.2', ['1.2.3.4', '198.51.100.2']), true)).toBe('198.51.100.2');
    expect(clientAddress(request('10.0.0.2', 'garbage'), true)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.2'), true)).toBe('10.0.0.2');
  });
});
