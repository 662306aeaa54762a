import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';

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
