/**
 * Issue 14: a nested list query runs at most depth + 1 statements, however many rows it returns
 * — every relation loads through a per-request DataLoader, one statement per level and field,
 * never one per row. Depth is what the limits plugin measures and `maxDepth` bounds (edges and
 * node count as levels). Each query runs with a small and a large page: an N+1 would show as a
 * count that grows with the page. Over the demo data, as a MANAGER (who sees every list and
 * every detail), once the viewer is cached, so the count is the query's own.
 */
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureOperation } from '../../../src/platform/graphql/limits.js';
import { startTestApp, type TestApp } from '../../support/app.js';

const USER = 'displayName';
const ACTIONS = 'availableActions { event }';
const HISTORY = `history(first: 5) { edges { node { event actor { ${USER} } } } }`;
const CONTRACT = `number lines { description product { name } } payments { amount handler { ${USER} } } createdBy { ${USER} }`;
const APPLICATION = `kind applicant { ${USER} } steps { decisions { decider { ${USER} } } }`;

/** Every list front ends read with what hangs below it; `N` is the page size. */
const QUERIES: Record<string, string> = {
  'customers → custodian, creator, contacts, follow-ups → author, contact; previous custodians': `{ customers(first: N, filter: { scope: ALL }) { edges { node {
      name stage custodian { ${USER} } createdBy { ${USER} } contacts { name mobile } previousCustodians { ${USER} }
      followUps(first: 5) { edges { node { notes author { ${USER} } contact { name } } } } } } } }`,
  'customers → applications → applicant, decisions → decider': `{ customers(first: N, filter: { scope: ALL }) { edges { node { applications { ${APPLICATION} } } } } }`,
  'customers → contracts → lines → product, payments → handler': `{ customers(first: N, filter: { scope: ALL }) { edges { node { contracts { ${CONTRACT} } } } } }`,
  'customers → history → actor': `{ customers(first: N, filter: { scope: ALL }) { edges { node { ${HISTORY} } } } }`,
  'pool → contacts, follow-ups': `{ pool(first: N) { edges { node { name contacts { name } followUps(first: 5) { edges { node { notes } } } } } } }`,
  'applications → customer → custodian, applicant, decisions → decider, history': `{ applications(first: N) { edges { node {
      ${APPLICATION} customer { name custodian { ${USER} } } ${HISTORY} } } } }`,
  'contracts → customer, lines → product, payments → handler, history': `{ contracts(first: N) { edges { node {
      ${CONTRACT} customer { name custodian { ${USER} } } ${HISTORY} } } } }`,
  users: `{ users(first: N) { edges { node { username roles } } } }`,
  products: `{ products(first: N) { edges { node { name } } } }`,
  // The facts availableActions' guards read (P5 cool-downs, A2 step holders, C1 customers, C2 line
  // counts) load for the whole list (offer.loaders.ts); their equality with each row's own facts
  // is test/integration/workflows/offered-facts.test.ts.
  'customers → available actions': `{ customers(first: N, filter: { scope: ALL }) { edges { node { state ${ACTIONS} } } } }`,
  'pool → available actions': `{ pool(first: N) { edges { node { state ${ACTIONS} } } } }`,
  'applications → available actions': `{ applications(first: N) { edges { node { ${ACTIONS} } } } }`,
  'contracts → available actions': `{ contracts(first: N) { edges { node { ${ACTIONS} } } } }`,
};

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startTestApp({ seedDemoCustomers: true });
  token = await app.login('manager1');
  await app.ok('{ me { id } }', {}, token);
}, 120_000);

afterAll(async () => app?.close());

/** The statements one request runs, and its depth as the limits plugin measures it. */
async function measure(query: string): Promise<{ statements: string[]; depth: number; data: unknown }> {
  const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('no operation');
  const statements: string[] = [];
  const stop = app.database.onQuery((q) => statements.push(q));
  try {
    const data = await app.ok(query, {}, token);
    return { statements, depth: measureOperation(operation, {}, {}).depth, data };
  } finally {
    stop();
  }
}

/** How many nodes a response holds at any level (to know the page exercised the nesting). */
function nodes(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + nodes(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  return Object.entries(value).reduce((n, [k, v]) => n + (k === 'node' ? 1 : 0) + nodes(v), 0);
}

async function withinDepth(template: string): Promise<void> {
  const small = await measure(template.replace('first: N', 'first: 2'));
  const large = await measure(template.replace('first: N', 'first: 50'));
  expect(nodes(large.data)).toBeGreaterThan(nodes(small.data));
  const detail = `${large.statements.length} statements:\n${large.statements.map((q) => q.replace(/\s+/g, ' ').slice(0, 160)).join('\n')}`;
  expect(large.statements.length, detail).toBeLessThanOrEqual(large.depth + 1);
}

describe('nested lists cost one statement per level, not per row (issue 14)', () => {
  for (const [name, template] of Object.entries(QUERIES)) {
    it(`should run at most depth + 1 statements for 50 rows as for 2: ${name}`, () => withinDepth(template));
  }
});
