/** Access tokens: JWT, HS256, signed with the configured secret (jose). */
// Subpaths, not the index: the index loads all of jose (62 modules) at start; HS256 JWTs need a few.
import * as errors from 'jose/errors';
import { jwtVerify } from 'jose/jwt/verify';
import { SignJWT } from 'jose/jwt/sign';
import type { Clock } from '../clock.js';
import { UnauthenticatedError } from '../errors.js';

const ISSUER = 'custodian-crm';

export interface TokenService {
  sign(userId: string): Promise<{ token: string; expiresAt: Date }>;
  /** The user id in a valid token; UnauthenticatedError for an expired, tampered or foreign one. */
  verify(token: string): Promise<string>;
}

/** Tokens verified once are remembered (bounded): the signature of the same string cannot change. */
const VERIFIED_MAX = 10_000;

export function createTokenService(secret: string, ttlSeconds: number, clock: Clock): TokenService {
  const key = new TextEncoder().encode(secret);
  // token → its subject and expiry (ms). A hit still checks the expiry against the clock.
  const verified = new Map<string, { sub: string; expMs: number }>();
  const remember = (token: string, sub: string, exp: number | undefined) => {
    if (exp === undefined) return;
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value ?? '');
    verified.set(token, { sub, expMs: exp * 1000 });
  };
  return {
    async sign(userId) {
      const now = Math.floor(clock().getTime() / 1000);
      const exp = now + ttlSeconds;
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    async verify(token) {
      const known = verified.get(token);
      if (known && known.expMs > clock().getTime()) return known.sub;
      if (known) verified.delete(token);
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          currentDate: clock(),
        });
        if (typeof payload.sub !== 'string') throw new UnauthenticatedError('Invalid token');
        remember(token, payload.sub, payload.exp);
        return payload.sub;
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new UnauthenticatedError('Token expired: sign in again');
        if (err instanceof UnauthenticatedError) throw err;
        throw new UnauthenticatedError('Invalid token');
      }
    },
  };
}
