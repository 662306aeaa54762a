/**
 * Issue 16 §6: the explorer a browser gets at / works with no other host reachable. Debian's
 * Chromium (`apt-get install chromium`), driven by playwright-core, which downloads no browser.
 * Every request of the page, its workers and its sockets is routed through the test: one to any
 * host but the test server's is recorded and aborted, and the test expects that record empty.
 * Without Chromium the suite fails under CI=true (CI installs it: .ci/run) and is skipped otherwise.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../src/demo/seed.js';
import { onPostgres, startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer, pendingApplication, viewerFor } from '../../support/customers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium && process.env.CI === 'true') {
  describe('GraphQL explorer in a browser', () => {
    it('needs Chromium', () => {
      throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install -y --no-install-recommends chromium) or set CHROMIUM_PATH`);
    });
  });
}

/** The page and its workers' requests and sockets: those to the server, and any other attempted. */
interface Traffic {
  own: string[];
  foreign: string[];
  /** Console errors and uncaught exceptions (a CSP refusal shows up here). */
  errors: string[];
}

async function launch(serverHost: string, userDataDir: string): Promise<{ context: BrowserContext; page: Page; traffic: Traffic }> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Belt and braces: no name but the server's address resolves, whatever the routes miss.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const traffic: Traffic = { own: [], foreign: [], errors: [] };
  const isOwn = (url: string) => {
    const parsed = new URL(url);
    // data: and blob: URLs are made in the page; they reach no host.
    return parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.host === serverHost;
  };
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isOwn(url)) {
      traffic.own.push(url);
      await route.continue();
    } else {
      traffic.foreign.push(url);
      await route.abort('blockedbyclient');
    }
  });
  await context.routeWebSocket(/.*/, (socket) => {
    if (isOwn(socket.url())) {
      traffic.own.push(socket.url());
      socket.connectToServer();
    } else {
      traffic.foreign.push(socket.url());
      socket.close();
    }
  });
  // What the routes see is also what the browser asked: recorded here too, to miss nothing.
  context.on('request', (request) => {
    if (!isOwn(request.url()) && !traffic.foreign.includes(request.url())) traffic.foreign.push(request.url());
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') traffic.errors.push(message.text());
  });
  page.on('pageerror', (error) => traffic.errors.push(error.message));
  return { context, page, traffic };
}

/** What a test reads of the page's globals in page.evaluate (tsconfig has no DOM library). */
interface PageGlobals {
  document: { addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void };
  location: { host: string };
}

const QUERY_EDITOR = '.graphiql-query-editor .monaco-editor';
const HEADERS_EDITOR = '.graphiql-editor-tool .monaco-editor[data-uri$="headers.json"]';

/** Replaces the text of the (Monaco) editor `selector` with `text`, as if typed. */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  const editor = page.locator(selector).first();
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // One input event for the whole text: key by key, the editor would close brackets and quotes itself.
  await page.keyboard.insertText(text);
}

/**
 * Types a named operation in the query editor and waits until the explorer has taken it in: its
 * tab is named after it. (It sends the operation name it last parsed; run at once, a stale one.)
 */
async function typeOperation(page: Page, name: string, text: string): Promise<void> {
  await typeInto(page, QUERY_EDITOR, text);
  await expect.poll(async () => page.locator('.graphiql-tab-active').first().textContent(), { timeout: 10_000 }).toContain(name);
  await page.locator(QUERY_EDITOR).first().click();
}

/** Waits until the response pane shows `expected` (the pane is an editor: its lines as shown, wrapped). */
async function responseContaining(page: Page, expected: string): Promise<void> {
  const pane = page.locator('.graphiql-response .monaco-editor .view-lines').first();
  await expect.poll(async () => ((await pane.textContent()) ?? '').replace(/\u00a0/g, ' '), { timeout: 30_000 }).toContain(expected);
}

describe.skipIf(!haveChromium || onPostgres)('GraphQL explorer in a browser (no other host reachable)', () => {
  let app: TestApp;
  let origin: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  let traffic: Traffic;

  beforeAll(async () => {
    app = await startTestApp();
    origin = new URL(await app.listen(0, '127.0.0.1')).origin;
    // A new, empty profile: no cache, no stored explorer state.
    userDataDir = mkdtempSync(join(tmpdir(), 'custodian-explorer-'));
    ({ context, page, traffic } = await launch(new URL(origin).host, userDataDir));
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await app?.close();
  });

  it('should load the explorer at / from this server alone, under its Content-Security-Policy', async () => {
    const response = await page.goto(`${origin}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.locator(QUERY_EDITOR).first().waitFor();
    await page.locator('.graphiql-execute-button').waitFor();
    expect(traffic.own.some((url) => url.startsWith(`${origin}/explorer/`))).toBe(true);
    expect(traffic.foreign).toEqual([]);
    expect(traffic.errors).toEqual([]);
  });

  it('should run a login mutation typed in the editor, and a query with its token in the headers editor', async () => {
    await typeOperation(page, 'Login', `mutation Login { login(username: "sales1", password: "${DEMO_PASSWORD}") { token } }`);
    // The token as the explorer received it: the pane wraps long lines, so it is read from the wire.
    const answered = page.waitForResponse((r) => r.url() === `${origin}/graphql` && (r.request().postData() ?? '').includes('mutation Login'));
    await page.keyboard.press('ControlOrMeta+Enter');
    const body = (await (await answered).json()) as { data?: { login?: { token?: string } } };
    const token = body.data?.login?.token;
    expect(token, JSON.stringify(body)).toMatch(/^eyJ/);
    await responseContaining(page, '"token": "eyJ');

    await page.getByRole('button', { name: 'Headers' }).click();
    await typeInto(page, HEADERS_EDITOR, `{ "authorization": "Bearer ${token}" }`);
    await typeOperation(page, 'Viewer', 'query Viewer { me { username } }');
    await page.locator('.graphiql-execute-button').click();
    await responseContaining(page, '"username": "sales1"');
    expect(traffic.foreign).toEqual([]);
    expect(traffic.errors).toEqual([]);
  });

  it('should let the page open a WebSocket to its own /graphql under its Content-Security-Policy', async () => {
    const refused = await page.evaluate(async () => {
      // The page's globals this uses: the test is compiled without the DOM's types, and this runs in the page.
      const { document, location } = globalThis as unknown as PageGlobals;
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
      // Whether the server accepts it (it needs a token) is not the question here.
      await new Promise<void>((resolve) => {
        const socket = new WebSocket(`ws://${location.host}/graphql`, 'graphql-transport-ws');
        socket.onopen = () => socket.close();
        socket.onerror = () => resolve();
        socket.onclose = () => resolve();
      });
      return violations;
    });
    expect(refused).toEqual([]);
    expect(traffic.own).toContain(`ws://${new URL(origin).host}/graphql`);
    expect(traffic.foreign).toEqual([]);
  });

  it('should see and refuse a request to another host (the empty record above is no blind spot)', async () => {
    // A blank page has no CSP (the explorer's own would stop these before any request is made).
    const blank = await context.newPage();
    const before = traffic.foreign.length;
    await blank.goto('about:blank');
    await blank.evaluate(async () => {
      await fetch('https://cdn.example.com/graphiql.js').catch(() => undefined);
      await new Promise<void>((resolve) => {
        const socket = new WebSocket('wss://telemetry.example.com/');
        socket.onerror = () => resolve();
        socket.onclose = () => resolve();
      });
    });
    expect(traffic.foreign.slice(before)).toEqual(expect.arrayContaining(['https://cdn.example.com/graphiql.js', 'wss://telemetry.example.com/']));
    traffic.foreign.splice(before);
    await blank.close();
  });

  it('should receive, in a subscription started in the explorer, the notification a mutation causes (N1)', async () => {
    // Still signed in as sales1 (the headers editor above): the explorer sends those headers as the
    // connection parameters of its graphql-ws socket.
    await typeOperation(page, 'Inbox', 'subscription Inbox { notificationAdded { kind textEn } }');
    await page.locator('.graphiql-execute-button').click();
    const pane = page.locator('.graphiql-response .monaco-editor .view-lines').first();
    const shown = async () => ((await pane.textContent()) ?? '').replace(/\u00a0/g, ' ').includes('APPLICATION_DECIDED');
    // Rejections of sales1's applications until one reaches the pane: the first may come before the socket is subscribed.
    const auditor = await viewerFor(app, 'auditor1');
    for (let i = 0; i < 20 && !(await shown()); i++) {
      const customer = await createCustomer(app, 'sales1');
      await app.services.applicationDecisions.reject(auditor, (await pendingApplication(app, customer.id)).id, 'explorer test');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await responseContaining(page, '"kind": "APPLICATION_DECIDED"');
    expect(traffic.own).toContain(`ws://${new URL(origin).host}/graphql`);
    expect(traffic.foreign).toEqual([]);
    expect(traffic.errors).toEqual([]);
  });
});
