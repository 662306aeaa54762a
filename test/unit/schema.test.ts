import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema, printSdl } from '../../src/schema.js';

describe('schema/schema.graphql', () => {
  it('should match the schema the code builds (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(printSdl(await buildSchema())).toBe(committed);
  });
});
