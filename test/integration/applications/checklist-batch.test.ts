/**
 * P1: the audit queue shows each pending PROTECTION application's checklist; the checklists of a
 * page are read together — the same statements for 2 applications as for 8 (no N+1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer } from '../../support/customers.js';

const QUEUE = `query($n: Int!) { applications(filter: { status: PENDING, kind: PROTECTION }, first: $n) { edges { node { id checklist { code passed } } } } }`;
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  for (let i = 0; i < 8; i += 1) await createCustomer(app, i % 2 ? 'sales1' : 'sales2');
});

afterAll(async () => {
  await app.close();
});

/** The statements one queue page of `n` applications with checklists runs, and the page. */
async function queue(n: number, token: string) {
  const statements: string[] = [];
  const stop = app.database.onQuery((q) => statements.push(q));
  try {
    const { applications } = await app.ok(QUEUE, { n }, token);
    return { statements: statements.length, edges: applications.edges as { node: { checklist: { code: string; passed: boolean }[] } }[] };
  } finally {
    stop();
  }
}

describe('the audit queue’s checklists (P1)', () => {
  it('should read the checklists of a page together: as many statements for 8 applications as for 2', async () => {
    const token = await app.login('auditor1');
    await app.ok('{ me { id } }', {}, token); // the viewer is cached from here on
    const two = await queue(2, token);
    const eight = await queue(8, token);
    expect(two.edges).toHaveLength(2);
    expect(eight.edges).toHaveLength(8);
    for (const e of eight.edges)
      expect(e.node.checklist.map((i) => i.code)).toEqual(['FULL_NAME', 'ADDRESS', 'CONTACT_NUMBER', 'NOT_PROTECTED_ELSEWHERE', 'SIMILAR_NAME']);
    expect(eight.statements).toBe(two.statements);
  });
});
