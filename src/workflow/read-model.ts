/**
 * The read side of a workflow, derived from its machine documents: "a passed deadline means
 * its deadline event's target" is written here once, as SQL generated from every loaded
 * version (which state each timed state's deadline event leads to), so lists, filters, caps,
 * checklists and the sweeper agree with the engine even before the sweeper has run.
 */
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { invariant } from '../platform/invariant.js';
import { transition } from 'xstate';
import { SYSTEM_SWEEPER } from './actor.js';
import type { WorkflowTable } from './table.js';
import { leafPaths } from './document.js';
import { isLegal, stateDeadline, statePath, stateValue } from './machine-paths.js';
import type { MachineRegistry, MachineVersion } from './registry.js';

/** Where a due deadline leads: on `version`, a row in `from` goes to `to`. */
export interface DeadlineTarget {
  version: number;
  from: string;
  to: string;
}

/** The targets of every timed leaf state of one version (the machine decides, not a list). */
function targetsOf(mv: MachineVersion, noFacts: unknown): DeadlineTarget[] {
  const out: DeadlineTarget[] = [];
  for (const from of leafPaths(mv.document)) {
    const deadline = stateDeadline(mv.machine, from);
    if (!deadline) continue;
    const snapshot = mv.machine.resolveState({ value: stateValue(from), context: {} });
    const event = { type: deadline.event, actor: SYSTEM_SWEEPER, facts: noFacts, at: new Date(0).toISOString() };
    if (!isLegal(snapshot, event)) continue;
    const [next] = transition(mv.machine, snapshot, event);
    out.push({ version: mv.version, from, to: statePath(next.value) });
  }
  return out;
}

const dialect = new PgDialect();

const literal = (value: string | number) => sql.raw(typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`);

export class ReadModel {
  private cache: { versions: number; targets: DeadlineTarget[] } | null = null;
  /** Rendered parts (see `rendered`), by the set of versions they were rendered for. */
  private texts: { versions: number; parts: Map<unknown, SQL> } = { versions: -1, parts: new Map() };

  constructor(
    private readonly registry: MachineRegistry,
    private readonly def: { name: string; table: WorkflowTable; noFacts: unknown },
  ) {}

  /** Deadline targets of every loaded version (recomputed when a version is published). */
  targets(): DeadlineTarget[] {
    const all = this.registry.all(this.def);
    if (this.cache?.versions !== all.length) this.cache = { versions: all.length, targets: all.flatMap((mv) => targetsOf(mv, this.def.noFacts)) };
    return this.cache.targets;
  }

  /** Every state an instance can be in, on any loaded version. */
  states(): string[] {
    return this.registry.knownStates(this.def);
  }

  /** True where the row's deadline has passed at `now`. */
  due(now: Date): SQL {
    const t = this.def.table;
    return sql`(${t.deadlineAt} is not null and ${t.deadlineAt} <= ${now.toISOString()}::timestamptz)`;
  }

  /** The state each row is in at `now`: a passed deadline counts as fired. */
  state(now: Date): SQL {
    const t = this.def.table;
    const targets = this.targets();
    if (targets.length === 0) return sql`${t.state}`;
    const fired = this.rendered('targets', () => {
      const whens = targets.map((x) => sql`when ${t.machineVersion} = ${literal(x.version)} and ${t.state} = ${literal(x.from)} then ${literal(x.to)}`);
      return sql`(case ${sql.join(whens, sql` `)} else ${t.state} end)`;
    });
    return sql`(case when ${this.due(now)} then ${fired} else ${t.state} end)`;
  }

  /** A column derived from the state alone (e.g. a customer's stage), at `now`. */
  derived(now: Date, of: (state: string) => string): SQL {
    const whens = this.rendered(of, () =>
      sql.join(
        this.states().map((s) => sql`when ${literal(s)} then ${literal(of(s))}`),
        sql` `,
      ),
    );
    return sql`(case ${this.state(now)} ${whens} end)`;
  }

  /**
   * A part of these expressions that holds no value (columns and literals only), rendered to SQL
   * text once per set of loaded versions: the whole CASE over every version's states, rebuilt
   * and walked by drizzle on each list request, was most of the CPU a department manager's list
   * spent building its statement (issue 14). Its text is what drizzle renders in place.
   */
  private rendered(key: unknown, build: () => SQL): SQL {
    const versions = this.registry.all(this.def).length;
    if (this.texts.versions !== versions) this.texts = { versions, parts: new Map() };
    let part = this.texts.parts.get(key);
    if (!part) {
      const query = dialect.sqlToQuery(build());
      invariant(query.params.length === 0, `${this.def.name}: a rendered read-model part holds no values`);
      part = sql.raw(query.sql);
      this.texts.parts.set(key, part);
    }
    return part;
  }
}
