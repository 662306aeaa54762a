/**
 * Issue 16 §4: GraphQL subscriptions over WebSocket (graphql-ws) at /graphql — authenticated by
 * the token in the connection parameters, refused without one, disconnected when the user is
 * deactivated; events arrive after commit, and on PostgreSQL from another API process too
 * (LISTEN/NOTIFY).
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, TEST_JWT_SECRET, type TestApp } from '../../support/app.js';
import { actorFor, createCustomer, protectedCustomer, sendCustomer } from '../../support/customers.js';
import type { StartCommand, SweeperMessage } from '../../support/sweeper-process.js';

let app: TestApp;
let url: string;
const clients: Client[] = [];

beforeAll(async () => {
  app = await startTestApp({ subscriptionRecheckMs: 100 });
  url = (await app.listen(0, '127.0.0.1')).replace(/^http/, 'ws');
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await app?.close();
});

/** A graphql-ws client of `wsUrl` signed in with `token` (none: no connection parameters); `closed` resolves with the close code. */
function connect(wsUrl: string, token?: string) {
  let closedWith: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (closedWith = resolve));
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
    // A refused connection is what some tests expect: told through `closed`, not logged.
    onNonLazyError: () => undefined,
    on: { closed: (event) => closedWith((event as { code: number }).code) },
  });
  clients.push(client);
  return { client, closed };
}

/** Subscribes and collects what arrives; `next(n)` waits for the n-th result. */
function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: Record<string, any>[] = [];
  const errors: unknown[] = [];
  let waiters: (() => void)[] = [];
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (r) => {
        results.push(r as Record<string, any>);
        waiters.forEach((w) => w());
        waiters = [];
      },
      error: (e) => errors.push(e),
      complete: () => undefined,
    },
  );
  const next = async (n: number) => {
    while (results.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return results[n - 1]!;
  };
  return { results, errors, next, dispose };
}

const NOTIFICATION = `subscription { notificationAdded { id kind subjectType subjectId textZh } }`;
/** Lets a subscription reach the server before the test causes its event. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('subscriptions over WebSocket (issue 16 §4)', () => {
  it('should refuse a connection without a token, or with a bad one (4403)', async () => {
    expect(await connect(url).closed).toBe(4403);
    expect(await connect(url, 'not-a-token').closed).toBe(4403);
  });

  it('should push an auditor the notification of a new application, after commit (N1)', async () => {
    const { client } = connect(url, await app.login('auditor1'));
    const sub = subscribe(client, NOTIFICATION);
    const queue = subscribe(client, `subscription { applicationQueueChanged { application { id state customer { name } } } }`);
    await settle();
    const customer = await createCustomer(app, 'sales1', { name: '宁波推送测试贸易有限公司' });
    const { data } = await sub.next(1);
    expect(data.notificationAdded).toMatchObject({ kind: 'APPLICATION_SUBMITTED', subjectType: 'application' });
    expect(data.notificationAdded.textZh).toContain('宁波推送测试贸易有限公司');
    const change = await queue.next(1);
    expect(change.data.applicationQueueChanged.application).toMatchObject({ state: 'pending', customer: { name: '宁波推送测试贸易有限公司' } });
    void customer;
  });

  it('should not push one person’s notification to another', async () => {
    const { client } = connect(url, await app.login('sales2'));
    const sub = subscribe(client, NOTIFICATION);
    await settle();
    await createCustomer(app, 'sales1');
    await settle();
    expect(sub.results).toEqual([]);
  });

  it('should push a customer’s new state, version and custodian to a subscriber of that customer (P9)', async () => {
    const customer = await protectedCustomer(app, 'sales1');
    const { client } = connect(url, await app.login('manager1'));
    const sub = subscribe(client, `subscription($id: ID!) { customerChanged(id: $id) { id state version custodian { username } } }`, { id: customer.id });
    await settle();
    const manager = await actorFor(app, 'manager1');
    const sales3 = (await app.ok(`{ users(first: 100) { edges { node { id username } } } }`, {}, await app.login('manager1'))).users.edges.find(
      (e: { node: { username: string } }) => e.node.username === 'sales3',
    ).node.id;
    await sendCustomer(app, customer.id, { type: 'TRANSFER', toUserId: sales3, reason: '区域调整' }, manager);
    const { data } = await sub.next(1);
    expect(data.customerChanged).toMatchObject({ id: customer.id, version: customer.version + 1, custodian: { username: 'sales3' } });
  });

  it('should disconnect a user who is deactivated while subscribed', async () => {
    const admin = await app.login('admin');
    const token = await app.login('sales3');
    const { client, closed } = connect(url, token);
    subscribe(client, NOTIFICATION);
    await settle();
    const id = (await app.ok(`{ me { id } }`, {}, token)).me.id;
    await app.ok(`mutation($id: ID!) { updateUser(id: $id, input: { active: false }) { id active } }`, { id }, admin);
    expect(await closed).toBe(4403);
    await app.ok(`mutation($id: ID!) { updateUser(id: $id, input: { active: true }) { id } }`, { id }, admin);
  });
});

describe.runIf(onPostgres)('across API processes on one PostgreSQL (LISTEN/NOTIFY)', () => {
  it('should push to a subscriber of another process an event this process committed', async () => {
    const script = join(dirname(fileURLToPath(import.meta.url)), '../../support/sweeper-process.ts');
    const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      const otherUrl = await new Promise<string>((resolve, reject) => {
        child.on('message', (m: SweeperMessage) => {
          if (m.type === 'loaded') {
            const start: StartCommand = {
              cmd: 'start',
              databaseUrl: app.databaseUrl!,
              jwtSecret: TEST_JWT_SECRET,
              sweepIntervalMs: 3_600_000,
              sweepBatchSize: 100,
              listen: true,
            };
            child.send(start);
          } else if (m.type === 'ready' && m.url) resolve(m.url.replace(/^http/, 'ws'));
          else if (m.type === 'failed') reject(new Error(m.message));
        });
        child.once('exit', (code) => reject(new Error(`the other API process exited (${code})`)));
      });
      // The other process runs on the real clock: a token from this app's test clock would be expired there.
      app.clock.set(new Date());
      const { client } = connect(otherUrl, await app.login('auditor1'));
      const sub = subscribe(client, NOTIFICATION);
      await settle();
      await createCustomer(app, 'sales2', { name: '温州跨进程推送有限公司' });
      const { data } = await sub.next(1);
      expect(data.notificationAdded.textZh).toContain('温州跨进程推送有限公司');
    } finally {
      child.disconnect();
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 120_000);
});
