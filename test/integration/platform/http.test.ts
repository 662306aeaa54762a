import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPLORER_ASSETS } from '../../../src/platform/http/explorer.js';
import { startTestApp, type TestApp } from '../../support/app.js';

/** What Chromium sends for a page it navigates to. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8';

/** The server really listening on a port: what a front end talks to. */
describe('HTTP server', () => {
  let app: TestApp;
  let url: string;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    app = await startTestApp();
    url = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => app?.close());

  it('should sign in and answer me with a bearer token over HTTP', async () => {
    const login = await post({ query: `mutation { login(username: "manager1", password: "demo-password-1") { token } }` });
    expect(login.status).toBe(200);
    const { data } = (await login.json()) as { data: { login: { token: string } } };
    const me = await post({ query: `{ me { username roles } }` }, { authorization: `Bearer ${data.login.token}` });
    expect(await me.json()).toEqual({ data: { me: { username: 'manager1', roles: ['MANAGER'] } } });
  });

  it('should answer UNAUTHENTICATED for a bad bearer token', async () => {
    const res = await post({ query: `{ me { id } }` }, { authorization: 'Bearer nope' });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('should refuse a body above 1 MB with BAD_USER_INPUT before executing it', async () => {
    const padding = 'x'.repeat(1_100_000);
    const res = await post({ query: `mutation { login(username: "admin", password: "demo-password-1") { token } }`, variables: { padding } });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('should refuse invalid JSON with BAD_USER_INPUT', async () => {
    const res = await post('{"query": ');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('should refuse an operationName the document does not define, not run its other operation', async () => {
    const res = await post(JSON.stringify({ query: 'query A { __typename } query C { __typename }', operationName: 'B' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.message).toContain('Unknown operation named "B"');
    const single = await post(JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }));
    expect(single.status).toBe(400);
  });

  it('should answer GraphQL, never the explorer, to curl and API clients at / and /graphql', async () => {
    const origin = new URL(url).origin;
    for (const path of ['/', '/graphql']) {
      for (const accept of [undefined, '*/*', 'application/json', 'application/graphql-response+json, text/html;q=0.5']) {
        const res = await fetch(origin + path, { headers: accept ? { accept } : {} });
        // As before the explorer: a GET without a query is a GraphQL error (CSRF prevention first).
        expect(res.status, `${path} ${accept}`).toBe(400);
        expect(res.headers.get('content-type'), `${path} ${accept}`).toMatch(/^application\/(graphql-response\+)?json; charset=utf-8$/);
        expect(((await res.json()) as { errors: unknown[] }).errors).toHaveLength(1);
      }
    }
    const query = await fetch(`${origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: BROWSER_ACCEPT, 'apollo-require-preflight': 'true' },
    });
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('should give a browser the explorer at / and /graphql, with its files from this server only', async () => {
    const origin = new URL(url).origin;
    for (const path of ['/', '/graphql']) {
      const res = await fetch(origin + path, { headers: { accept: BROWSER_ACCEPT } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self' 'sha256-/);
      const html = await res.text();
      expect(html).toContain('id="ruru-root"');
      expect(html).toContain(`"${EXPLORER_ASSETS}ruru.js"`);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it('should serve the explorer’s files with their types, cached as immutable, and nothing else under /explorer/', async () => {
    const origin = new URL(url).origin;
    const js = await fetch(`${origin}${EXPLORER_ASSETS}ruru.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await js.text()).length).toBeGreaterThan(100_000);
    const css = await fetch(`${origin}${EXPLORER_ASSETS}ruru.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const again = await fetch(`${origin}${EXPLORER_ASSETS}ruru.css`, { headers: { 'if-none-match': css.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
    for (const path of ['ruru.js.map', 'nope.js', '..%2Fpackage.json', '%2e%2e/package.json', '.hidden', '']) {
      expect((await fetch(`${origin}${EXPLORER_ASSETS}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${origin}/explorer/ruru-0.0.0/ruru.js`)).status).toBe(404);
  });

  it('should answer /healthz with 200 while the database is reachable', async () => {
    const res = await fetch(url.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('HTTP health with the database gone', () => {
  it('should answer /healthz with 503 when the database does not answer', async () => {
    const app = await startTestApp({ seedDemo: false });
    const url = await app.listen(0, '127.0.0.1');
    try {
      await app.database.close();
      const res = await fetch(url.replace('/graphql', '/healthz'));
      expect(res.status).toBe(503);
    } finally {
      await app.close().catch(() => undefined);
    }
  });
});
