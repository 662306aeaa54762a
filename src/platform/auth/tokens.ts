/** Access tokens: JWT, HS256, signed with the configured secret (jose). */
// Subpaths, not the index: the index loads all of jose (62 modules) at start; HS256 JWTs need a few.
import * as errors from 'jose/errors';
import { jwtVerify } from 'jose/jwt/verify';
import { SignJWT } from 'jose/jwt/sign';
import type { JWTPayload } from 'jose';
import type { Clock } from '../clock.js';
import { UnauthenticatedError } from '../errors.js';

const ISSUER = 'custodian-crm';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a valid token says: whose it is and the user's token generation it was signed under. */
export interface TokenClaims {
  userId: string;
  /** Issue 15: the token counts only while this is still the user's generation (see users.token_generation). */
  generation: number;
}

export interface TokenService {
  sign(userId: string, generation: number): Promise<{ token: string; expiresAt: Date }>;
  /**
   * The claims of a valid token; UnauthenticatedError for an expired, tampered or foreign one, and
   * for any token whose claims are not exactly of our shape: `iss` ours, `sub` a UUID, `iat` and
   * `exp` whole seconds with `exp` after `iat` by at most the configured lifetime, `gen` a whole
   * number ≥ 0.
   */
  verify(token: string): Promise<TokenClaims>;
}

/** Tokens verified once are remembered (bounded): the signature of the same string cannot change. */
const VERIFIED_MAX = 10_000;

const isWhole = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The claims of a payload whose signature, issuer and expiry jose has checked, or undefined when its shape is wrong. */
function claimsOf(payload: JWTPayload, ttlSeconds: number): TokenClaims | undefined {
  const { sub, iat, exp, gen } = payload;
  if (typeof sub !== 'string' || !UUID.test(sub)) return undefined;
  if (!isWhole(iat) || !isWhole(exp) || exp <= iat || exp - iat > ttlSeconds) return undefined;
  if (!isWhole(gen)) return undefined;
  return { userId: sub.toLowerCase(), generation: gen };
}

export function createTokenService(secret: string, ttlSeconds: number, clock: Clock): TokenService {
  const key = new TextEncoder().encode(secret);
  // token → its claims and expiry (ms). A hit still checks the expiry against the clock.
  const verified = new Map<string, { claims: TokenClaims; expMs: number }>();
  const remember = (token: string, claims: TokenClaims, exp: number) => {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value ?? '');
    verified.set(token, { claims, expMs: exp * 1000 });
  };
  return {
    async sign(userId, generation) {
      const now = Math.floor(clock().getTime() / 1000);
      const exp = now + ttlSeconds;
      const token = await new SignJWT({ gen: generation })
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
      if (known && known.expMs > clock().getTime()) return known.claims;
      if (known) verified.delete(token);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          requiredClaims: ['iss', 'sub', 'iat', 'exp'],
          currentDate: clock(),
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new UnauthenticatedError('Token expired: sign in again');
        throw new UnauthenticatedError('Invalid token');
      }
      const claims = claimsOf(payload, ttlSeconds);
      if (!claims || payload.exp === undefined) throw new UnauthenticatedError('Invalid token');
      remember(token, claims, payload.exp);
      return claims;
    },
  };
}
