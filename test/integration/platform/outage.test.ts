import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { DEMO_PASSWORD } from '../../../src/demo/seed.js';
import { createTestDatabase, onPostgres, TEST_JWT_SECRET } from '../../support/app.js';

/** A TCP proxy in front of PostgreSQL that can be cut (connections refused, open ones reset) and restored. */
class Outage {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

/**
 * Issue 15 §3: while PostgreSQL is unreachable, requests fail fast with SERVICE_UNAVAILABLE and
 * HTTP 503, /healthz answers 503 within a second, nothing is half-applied, and the API serves
 * again as soon as the database is back. The outage is a proxy cut, so other suites sharing the
 * server are not disturbed.
 */
describe.skipIf(!onPostgres)('database outage (PostgreSQL)', () => {
  let app: App;
  let url: string;
  let drop: () => Promise<void>;
  let outage: Outage;
  const post = async (query: string, token?: string, variables: Record<string, unknown> = {}) => {
    const started = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ms: performance.now() - started, body: (await res.json()) as { data?: any; errors?: { extensions: { code: string } }[] } };
  };
  const health = async () => {
    const started = performance.now();
    const res = await fetch(url.replace('/graphql', '/healthz'));
    return { status: res.status, ms: performance.now() - started };
  };

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const real = new URL(database.url);
    outage = new Outage({ host: real.hostname, port: Number(real.port || 5432) });
    await outage.up();
    real.hostname = '127.0.0.1';
    real.port = String(outage.port);
    app = await createApp({
      databaseUrl: real.toString(),
      jwtSecret: TEST_JWT_SECRET,
      seedDemo: true,
      seedDemoCustomers: false,
      sweepIntervalMs: 0,
      dbTimeoutSeconds: 2,
    });
    url = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('should answer 503 SERVICE_UNAVAILABLE fast while the database is gone, change nothing, and serve again when it is back', async () => {
    const token = (await post(`mutation { login(username: "admin", password: "${DEMO_PASSWORD}") { token } }`)).body.data.login.token as string;
    expect((await health()).status).toBe(200);

    await outage.down();
    const read = await post(`{ me { username } }`, token);
    expect(read.status).toBe(503);
    expect(read.body.errors?.[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(read.ms).toBeLessThan(5_000);
    const write = await post(`mutation { createProduct(input: { name: "停机时的产品", unit: "台", code: "OUTAGE-1", listPrice: "1.00" }) { id } }`, token);
    expect(write.status).toBe(503);
    const probe = await health();
    expect(probe.status).toBe(503);
    expect(probe.ms).toBeLessThan(2_000);

    await outage.up();
    const back = await post(`{ me { username } }`, token);
    expect(back).toMatchObject({ status: 200, body: { data: { me: { username: 'admin' } } } });
    expect((await health()).status).toBe(200);
    const products = await post(`{ products(first: 100) { edges { node { name } } } }`, token);
    expect(JSON.stringify(products.body.data)).not.toContain('停机时的产品');
  });
});
