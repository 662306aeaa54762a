/**
 * The hand-written side of the `reads` benchmark, in a process of its own (forked by reads.ts,
 * like the API process, so neither shares an event loop with the load generator): node:http and
 * postgres.js answering the nested customer list with the same JSON the GraphQL query returns.
 * Three statements per request: the page with each custodian's name, the page's contacts, the
 * page's five newest follow-ups per customer. It checks a bearer token is present and nothing
 * else: no GraphQL, no visibility rules, no limits — the floor the API is compared with.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type postgres from 'postgres';
import { sqlClient, StatementCounter } from './lib.js';

/** Parent → baseline process. */
export type BaselineCommand =
  | { cmd: 'start'; databaseUrl: string; poolSize: number; first: number; followUps: number }
  | { cmd: 'measureStart' }
  | { cmd: 'measureStop' }
  | { cmd: 'close' };

/** Baseline process → parent. */
export type BaselineReply =
  { type: 'ready'; url: string } | { type: 'done'; statements: Record<string, number>; cpuSeconds: number } | { type: 'failed'; message: string };

/** CPU this process used since the last measureStart. */
let cpuAtStart = process.cpuUsage();
function cpuSeconds(): number {
  const used = process.cpuUsage(cpuAtStart);
  return (used.user + used.system) / 1e6;
}

const counter = new StatementCounter();
let sql: postgres.Sql | undefined;
const server = createServer((req, res) => {
  if (!/^Bearer\s+\S+$/i.test(req.headers.authorization ?? '')) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"errors":[{"message":"unauthenticated"}]}');
    return;
  }
  req.resume();
  req.on('end', () => {
    void page().then(
      (body) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: String(err) }] }));
      },
    );
  });
});
let sizes = { first: 50, followUps: 5 };

interface CustomerOut {
  id: string;
  name: string;
  stage: string;
  custodian: { displayName: string } | null;
  contacts: { name: string; mobile: string | null }[];
  followUps: { edges: { node: { channel: string; notes: string; createdAt: Date } }[] };
}

/** The page as `{ data: { customers: { edges: [{ node }] } } }`, newest customers first. */
async function page(): Promise<string> {
  const db = sql;
  if (!db) throw new Error('not started');
  const rows = await db<{ id: string; name: string; stage: string; display_name: string | null }[]>`
    select c.id, c.name, case when c.deadline_at <= now() and c.stage <> 'FORMAL' then 'POOL' else c.stage end as stage, u.display_name
    from customers c left join users u on u.id = c.custodian_id
    order by c.created_at desc, c.id desc limit ${sizes.first}`;
  // An array literal: the client runs with fetch_types off, as the benchmarks' clients do.
  const ids = `{${rows.map((r) => r.id).join(',')}}`;
  const [contacts, followUps] = await Promise.all([
    db<{ customer_id: string; name: string; mobile: string | null }[]>`
      select customer_id, name, mobile from contacts where customer_id = any(${ids}::uuid[]) order by created_at, id`,
    db<{ customer_id: string; channel: string; notes: string; created_at: Date }[]>`
      select customer_id, channel, notes, created_at from (
        select customer_id, channel, notes, created_at,
          row_number() over (partition by customer_id order by created_at desc, id desc) as rn
        from follow_ups where customer_id = any(${ids}::uuid[])) f
      where rn <= ${sizes.followUps} order by rn`,
  ]);
  const byId = new Map<string, CustomerOut>();
  const nodes = rows.map((r) => {
    const node: CustomerOut = {
      id: r.id,
      name: r.name,
      stage: r.stage,
      custodian: r.display_name === null ? null : { displayName: r.display_name },
      contacts: [],
      followUps: { edges: [] },
    };
    byId.set(r.id, node);
    return { node };
  });
  for (const c of contacts) byId.get(c.customer_id)?.contacts.push({ name: c.name, mobile: c.mobile });
  for (const f of followUps) byId.get(f.customer_id)?.followUps.edges.push({ node: { channel: f.channel, notes: f.notes, createdAt: f.created_at } });
  return JSON.stringify({ data: { customers: { edges: nodes } } });
}

function reply(message: BaselineReply): void {
  process.send?.(message);
}

async function handle(command: BaselineCommand): Promise<void> {
  switch (command.cmd) {
    case 'start': {
      sizes = { first: command.first, followUps: command.followUps };
      sql = sqlClient(command.databaseUrl, { max: command.poolSize, counter });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      reply({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/reads` });
      return;
    }
    case 'measureStart':
      counter.reset();
      cpuAtStart = process.cpuUsage();
      reply({ type: 'done', statements: {}, cpuSeconds: 0 });
      return;
    case 'measureStop':
      reply({ type: 'done', statements: counter.byVerb(), cpuSeconds: cpuSeconds() });
      return;
    case 'close':
      server.closeAllConnections();
      server.close();
      await sql?.end({ timeout: 5 });
      reply({ type: 'done', statements: {}, cpuSeconds: 0 });
      process.disconnect();
      return;
  }
}

process.on('message', (raw: unknown) => {
  handle(raw as BaselineCommand).catch((err: unknown) => reply({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
});
process.on('disconnect', () => {
  void (sql?.end({ timeout: 1 }) ?? Promise.resolve()).finally(() => process.exit(0));
});
