import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';

describe('malformed ids are bad input, per field (platform)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it('should refuse a malformed id argument with BAD_USER_INPUT naming it, not an internal error', async () => {
    const token = await app.login('manager1');
    const e = await app.fails(`{ customer(id: "nope") { id } }`, {}, token);
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { id: 'is not a valid id' } });
    const t = await app.fails(`mutation { transferCustomer(id: "", toUserId: "00000000-0000-0000-0000-00000000000x", reason: "调岗") { id } }`, {}, token);
    expect(t.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { id: 'is not a valid id', toUserId: 'is not a valid id' } });
  });

  it('should still answer NOT_FOUND for a well-formed id that names nothing', async () => {
    const e = await app.fails(`{ customer(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, await app.login('manager1'));
    expect(e.extensions?.code).toBe('NOT_FOUND');
  });
});
