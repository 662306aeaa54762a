/**
 * Issue 16 §5: webhooks. Deliveries are outbox rows written in the transaction of their cause and
 * sent after it by the worker — signed, with an Idempotency-Key, retried with backoff up to the
 * configured attempts, then FAILED; a slow or failing endpoint delays no other. A local HTTP
 * receiver plays the endpoints (loopback, hence WEBHOOK_ALLOW_PRIVATE in this app).
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitions, webhookDeliveries } from '../../../src/platform/db/schema.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer, pendingApplication, viewerFor } from '../../support/customers.js';

const SECRET = 'whsec-0123456789abcdef';
let app: TestApp;
let receiver: Server;
let base: string;
/** What the receiver got, by path. */
const received: Record<string, { headers: IncomingMessage['headers']; body: string }[]> = {};

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const path = req.url ?? '/';
      (received[path] ??= []).push({ headers: req.headers, body });
      if (path === '/slow') setTimeout(() => res.end('late'), 6_000);
      else {
        res.statusCode = path === '/fail' ? 500 : 200;
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  app = await startTestApp({
    webhooks: { allowPrivate: true, maxAttempts: 3, firstRetryMs: 1, maxRetryMs: 2, timeoutMs: 2_000 },
    webhookPollMs: 0,
  });
});

afterAll(async () => {
  await app?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

const CREATE = `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id url events active version } }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(webhookId: $id, first: 50) { totalCount edges { node { id event eventId status attempts lastStatusCode lastError body } } } }`;

async function webhook(path: string, events: string[]): Promise<string> {
  const { createWebhook } = await app.ok(CREATE, { i: { url: `${base}${path}`, events, secret: SECRET } }, await app.login('admin'));
  return createWebhook.id;
}

const deliveries = async (id: string) =>
  (await app.ok(DELIVERIES, { id }, await app.login('admin'))).webhookDeliveries.edges.map((e: { node: unknown }) => e.node);

describe('webhooks (issue 16 §5)', () => {
  it('should deliver a signed event with an Idempotency-Key after its transaction committed', async () => {
    const id = await webhook('/ok', ['APPLICATION_SUBMITTED']);
    const customer = await createCustomer(app, 'sales1', { name: '苏州钩子测试有限公司' });
    const application = await pendingApplication(app, customer.id);
    // Written with its cause: the outbox row names the CREATE history row of the application.
    const [written] = await app.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id));
    const [cause] = await app.database.db.select().from(transitions).where(eq(transitions.id, written!.transitionId!));
    expect(cause).toMatchObject({ entityId: application.id, event: 'CREATE' });
    await app.services.webhookWorker.drain();
    const [got] = received['/ok']!;
    const body = JSON.parse(got!.body);
    expect(body).toMatchObject({ event: 'APPLICATION_SUBMITTED', data: { entityType: 'application', entityId: application.id, machineEvent: 'CREATE' } });
    expect(new Date(body.occurredAt).toISOString()).toBe(body.occurredAt);
    expect(got!.headers['x-custodian-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(got!.body).digest('hex')}`);
    expect(got!.headers['idempotency-key']).toBe(body.id);
    expect(await deliveries(id)).toMatchObject([{ status: 'DELIVERED', attempts: 1, lastStatusCode: 200, eventId: body.id }]);
  });

  it('should write no delivery for an event nobody subscribed to, nor for a refused transition', async () => {
    const id = await webhook('/ok2', ['APPLICATION_DECIDED']);
    const customer = await createCustomer(app, 'sales2');
    const application = await pendingApplication(app, customer.id);
    await expect(app.services.applicationDecisions.approve(await viewerFor(app, 'sales2'), application.id, 'self')).rejects.toThrow();
    expect(await deliveries(id)).toEqual([]);
    await app.services.applicationDecisions.approve(await viewerFor(app, 'auditor1'), application.id, 'ok');
    expect((await deliveries(id)).map((d: { event: string }) => d.event)).toEqual(['APPLICATION_DECIDED']);
  });

  it('should retry a failing endpoint with backoff, then mark the delivery FAILED, while other endpoints get theirs at once', async () => {
    const failing = await webhook('/fail', ['CUSTOMER_STATE_CHANGED']);
    const slow = await webhook('/slow', ['CUSTOMER_STATE_CHANGED']);
    const healthy = await webhook('/ok3', ['CUSTOMER_STATE_CHANGED']);
    const customer = await createCustomer(app, 'sales3');
    await app.services.applicationDecisions.approve(await viewerFor(app, 'auditor1'), (await pendingApplication(app, customer.id)).id, 'ok');
    // Retries wait 1 ms, then 2 (the test clock moves only when told).
    for (let i = 0; i < 5; i++) {
      await app.services.webhookWorker.drain();
      app.clock.advance(10);
    }
    const [ok] = await deliveries(healthy);
    expect(ok).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    const failed = await deliveries(failing);
    expect(failed.every((d: { status: string }) => d.status === 'FAILED')).toBe(true);
    expect(failed[0]).toMatchObject({ attempts: 3, lastStatusCode: 500, lastError: 'answered 500' });
    expect(received['/fail']!.length).toBe(3 * failed.length);
    // Every attempt of a redelivered event carries the same Idempotency-Key.
    expect(new Set(received['/fail']!.map((r) => r.headers['idempotency-key'])).size).toBe(failed.length);
    const [timedOut] = await deliveries(slow);
    expect(timedOut).toMatchObject({ status: 'FAILED', attempts: 3, lastStatusCode: null });
    expect(timedOut.lastError).toMatch(/Timeout|abort/i);
  });
});

describe('webhook administration (issue 16 §5)', () => {
  it('should refuse bad input per field and write nothing', async () => {
    const admin = await app.login('admin');
    const before = (await app.ok(`{ webhooks(first: 100) { totalCount } }`, {}, admin)).webhooks.totalCount;
    const error = await app.fails(CREATE, { i: { url: 'ftp://example.com/x', events: [], secret: 'short' } }, admin);
    expect(error.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.url': expect.stringContaining('http'), 'input.events': expect.any(String), 'input.secret': expect.stringContaining('16') },
    });
    expect((await app.fails(CREATE, { i: { url: `${base}/x`, events: ['NO_SUCH_EVENT'], secret: SECRET } }, admin)).extensions?.code).toBe('BAD_USER_INPUT');
    expect((await app.fails(CREATE, { i: { url: `${base}/x`, events: ['PAYMENT_RECORDED'], secret: 'x'.repeat(257) } }, admin)).extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await app.ok(`{ webhooks(first: 100) { totalCount } }`, {}, admin)).webhooks.totalCount).toBe(before);
  });

  it('should be for administrators only', async () => {
    const error = await app.fails(CREATE, { i: { url: `${base}/x`, events: ['PAYMENT_RECORDED'], secret: SECRET } }, await app.login('manager1'));
    expect(error.extensions?.code).toBe('FORBIDDEN');
    expect((await app.fails(`{ webhooks(first: 1) { totalCount } }`, {}, await app.login('sales1'))).extensions?.code).toBe('FORBIDDEN');
  });

  it('should disable a webhook: kept, with its deliveries, and given no new ones', async () => {
    const id = await webhook('/ok4', ['APPLICATION_SUBMITTED']);
    const { disableWebhook } = await app.ok(`mutation($id: ID!) { disableWebhook(id: $id) { active version } }`, { id }, await app.login('admin'));
    expect(disableWebhook).toEqual({ active: false, version: 2 });
    await createCustomer(app, 'sales1');
    expect(await app.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id))).toEqual([]);
  });
});

describe('where a webhook may point (issue 16 §5)', () => {
  it('should refuse loopback, private, link-local and metadata addresses unless WEBHOOK_ALLOW_PRIVATE is set', async () => {
    const strict = await startTestApp({ seedDemoCustomers: false });
    try {
      const admin = await strict.login('admin');
      for (const url of [
        'http://127.0.0.1:8080/x',
        'http://localhost/x',
        'http://10.1.2.3/x',
        'http://192.168.1.1/x',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/x',
        'http://metadata.google.internal/x',
      ]) {
        const error = await strict.fails(CREATE, { i: { url, events: ['PAYMENT_RECORDED'], secret: SECRET } }, admin);
        expect(error.extensions, url).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'input.url': expect.any(String) } });
      }
      const { createWebhook } = await strict.ok(CREATE, { i: { url: 'https://93.184.215.14/hook', events: ['PAYMENT_RECORDED'], secret: SECRET } }, admin);
      expect(createWebhook.active).toBe(true);
    } finally {
      await strict.close();
    }
  });
});
