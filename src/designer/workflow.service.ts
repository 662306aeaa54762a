/**
 * Machines as designers change them (issue 7): validate a document, publish it as version N+1,
 * load published versions on every instance, migrate live instances to a version on purpose,
 * and send the events a published version adds (e.g. HOLD / RESUME) to an instance.
 *
 * Instances remember their machine version (`machine_version`) and run on it until migrated:
 * a publish changes what new instances start on, never what a running one may do.
 */
import { and, count, desc, eq, ne } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import { workflowVersions, type WorkflowVersionRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { ConflictError, FieldErrorCollector, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.js';
import { leafPaths, type WorkflowDocument } from '../workflow/document.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import { workflowRows, type WorkflowRow } from '../workflow/table.js';
import { isFinalState } from '../workflow/machine-paths.js';
import type { MachineRegistry } from '../workflow/registry.js';
import { occupancyProblems, validateDocument, type WorkflowProblem } from '../workflow/validation/index.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { actorOf } from '../workflow/actor.js';

type AnyDefinition = WorkflowDefinition<WorkflowRow, unknown>;

/** Refuses a viewer who may not address this instance at all (NOT_FOUND / FORBIDDEN). */
export type Addressable = (viewer: Viewer, id: string) => Promise<void>;

export interface MigrationResult {
  workflow: string;
  toVersion: number;
  migrated: number;
  moves: { fromVersion: number; from: string; to: string; count: number }[];
}

function problemsError(problems: WorkflowProblem[], what: string): ValidationError {
  const fields: Record<string, string> = {};
  for (const p of problems) fields[p.path || 'definition'] = fields[p.path || 'definition'] ? `${fields[p.path || 'definition']}; ${p.message}` : p.message;
  return new ValidationError(fields, `${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, { problems });
}

function isFinal(versions: MachineRegistry, def: AnyDefinition, version: number, state: string): boolean {
  const mv = versions.get(def, version);
  return mv !== undefined && isFinalState(mv.machine, state);
}

export class WorkflowService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    private readonly clock: Clock,
    definitions: readonly AnyDefinition[],
    private readonly addressable: Record<string, Addressable> = {},
  ) {
    this.defs = Object.fromEntries(definitions.map((d) => [d.name, d]));
  }

  private readonly defs: Record<string, AnyDefinition>;

  /** The machine versions every part of this app instance runs on. */
  get registry(): MachineRegistry {
    return this.engine.versions;
  }

  get(name: string): AnyDefinition {
    const def = this.defs[name];
    if (!def) throw new NotFoundError('Workflow', name);
    return def;
  }

  all(): AnyDefinition[] {
    return Object.values(this.defs);
  }

  /** Loads versions published since this instance last looked (at start, and on each sweep tick). */
  async refresh(): Promise<void> {
    await this.registry.refresh();
  }

  /** Published versions of a workflow, newest first (version 1, the repository's, has no row). */
  async versions(name: string): Promise<WorkflowVersionRow[]> {
    this.get(name);
    return this.database.db.select().from(workflowVersions).where(eq(workflowVersions.workflow, name)).orderBy(desc(workflowVersions.version));
  }

  /** How many instances are in each state, per machine version. */
  async occupancy(name: string): Promise<{ version: number; state: string; count: number; terminal: boolean }[]> {
    const def = this.get(name);
    const rows = await this.database.db
      .select({ version: def.table.machineVersion, state: def.table.state, count: count() })
      .from(def.table)
      .groupBy(def.table.machineVersion, def.table.state)
      .orderBy(def.table.machineVersion, def.table.state);
    return (rows as { version: number; state: string; count: number }[]).map((r) => ({ ...r, terminal: isFinal(this.registry, def, r.version, r.state) }));
  }

  /** Every problem with a document, including live instances it would strand (nothing is written). */
  async validate(viewer: Viewer, name: string, definition: unknown, stateMapping: unknown = {}): Promise<WorkflowProblem[]> {
    requireRole(viewer, 'DESIGNER');
    const def = this.get(name);
    await this.refresh();
    return this.problems(def, definition, stateMapping);
  }

  private async problems(def: AnyDefinition, definition: unknown, stateMapping: unknown): Promise<WorkflowProblem[]> {
    const problems = validateDocument(
      { ...def, terms: Object.keys(def.terms), reference: this.registry.all(def)[0]?.machine ?? this.registry.current(def).machine },
      definition,
    );
    const mapping = this.mappingOf(stateMapping, problems);
    if (problems.length > 0) return problems;
    const live = (await this.occupancy(def.name)).filter((o) => !o.terminal);
    const byState = new Map<string, number>();
    for (const o of live) byState.set(o.state, (byState.get(o.state) ?? 0) + o.count);
    return occupancyProblems(
      definition as WorkflowDocument,
      [...byState].map(([state, n]) => ({ state, count: n })),
      mapping,
    );
  }

  private mappingOf(stateMapping: unknown, problems: WorkflowProblem[]): Record<string, string> {
    if (stateMapping === null || stateMapping === undefined) return {};
    if (typeof stateMapping !== 'object' || Array.isArray(stateMapping) || Object.values(stateMapping).some((v) => typeof v !== 'string')) {
      problems.push({ path: 'stateMapping', message: 'must be an object: old state path → new state path' });
      return {};
    }
    return stateMapping as Record<string, string>;
  }

  /** Validates and publishes version N+1; new instances start on it at once, on every app instance after its next refresh. */
  async publish(
    viewer: Viewer,
    name: string,
    definition: unknown,
    note: string,
    stateMapping: unknown,
    expectedVersion?: number | null,
  ): Promise<AnyDefinition> {
    requireRole(viewer, 'DESIGNER');
    const def = this.get(name);
    const errors = new FieldErrorCollector();
    errors.check(typeof note === 'string' && note.trim().length >= 2, 'note', 'say what changed and why (at least 2 characters)');
    errors.throwIfAny('Invalid workflow publish');
    await this.refresh();
    // The version this publish builds on: if anyone publishes base + 1 first, the unique index refuses this one.
    const base = this.registry.current(def).version;
    if (expectedVersion != null && expectedVersion !== base) {
      throw new ConflictError(`The ${name} workflow is at version ${base} (you had ${expectedVersion}); reload and merge`, { currentVersion: base });
    }
    const problems = await this.problems(def, definition, stateMapping);
    if (problems.length > 0) throw problemsError(problems, `The ${name} workflow was not published`);
    const version = base + 1;
    try {
      await this.database.db.insert(workflowVersions).values({
        workflow: name,
        version,
        document: definition as Record<string, unknown>,
        stateMapping: (stateMapping ?? {}) as Record<string, string>,
        authorId: viewer.id,
        note: note.trim(),
        createdAt: this.clock(),
      });
    } catch (err) {
      if (uniqueViolation(err))
        throw new ConflictError(`Someone else published version ${version} of ${name} first; reload and merge`, { currentVersion: version });
      throw err;
    }
    // Run what was stored, exactly as every other app instance will after its refresh.
    await this.refresh();
    return def;
  }

  /**
   * Moves every live (non-terminal) instance not on `toVersion` onto it, in one transaction: each
   * state through the mapping (the call's, then the one stored at publish, then the same path),
   * each move a MIGRATE history row. A state with nowhere to go refuses the whole migration.
   */
  async migrate(viewer: Viewer, name: string, toVersion: number, stateMapping: unknown): Promise<MigrationResult> {
    requireRole(viewer, 'DESIGNER');
    const def = this.get(name);
    await this.refresh();
    const target = this.registry.get(def, toVersion);
    if (!target) throw new ValidationError({ toVersion: `${name} has versions 1 to ${this.registry.current(def).version}` });
    const problems: WorkflowProblem[] = [];
    const given = this.mappingOf(stateMapping, problems);
    if (problems.length > 0) throw problemsError(problems, 'Invalid state mapping');
    const [stored] = await this.database.db
      .select()
      .from(workflowVersions)
      .where(and(eq(workflowVersions.workflow, name), eq(workflowVersions.version, toVersion)));
    const mapping = { ...(stored?.stateMapping ?? {}), ...given };
    const leaves = new Set(leafPaths(target.document));
    const actor = actorOf(viewer);

    return this.database.db.transaction(async (tx) => {
      const rows = workflowRows(await tx.select().from(def.table).where(ne(def.table.machineVersion, toVersion)).orderBy(def.table.id).for('update'));
      const live = rows.filter((r) => !isFinal(this.registry, def, r.machineVersion, r.state));
      const stranded = new Map<string, number>();
      for (const r of live) if (!leaves.has(mapping[r.state] ?? r.state)) stranded.set(r.state, (stranded.get(r.state) ?? 0) + 1);
      for (const [from, to] of Object.entries(given))
        if (!leaves.has(to)) problems.push({ path: `stateMapping.${from}`, message: `${JSON.stringify(to)} is not a state of version ${toVersion}` });
      for (const [state, n] of stranded)
        if (!(state in given))
          problems.push({
            path: `stateMapping.${state}`,
            message: `${n} instance(s) are in \`${state}\`, which version ${toVersion} does not have; map it to one of ${[...leaves].join(', ')}`,
          });
      if (problems.length > 0) throw problemsError(problems, `No ${name} instance was migrated`);

      const moves = new Map<string, MigrationResult['moves'][number]>();
      for (const row of live) {
        const to = mapping[row.state] ?? row.state;
        await this.engine.migrateIn(tx, def, row, target, to, actor);
        const key = `${row.machineVersion}|${row.state}|${to}`;
        const move = moves.get(key) ?? { fromVersion: row.machineVersion, from: row.state, to, count: 0 };
        move.count += 1;
        moves.set(key, move);
      }
      return { workflow: name, toVersion, migrated: live.length, moves: [...moves.values()] };
    });
  }

  /**
   * Sends an event a user may send that has no mutation of its own (events a designer added,
   * e.g. HOLD). Inputs are checked against the event's declared inputs; the machine's guards
   * decide the rest, exactly as for the dedicated mutations.
   */
  async send(viewer: Viewer, name: string, id: string, event: string, input: unknown, expectedVersion: number | null): Promise<WorkflowRow> {
    const def = this.get(name);
    const [row] = workflowRows(await this.database.db.select().from(def.table).where(eq(def.table.id, id)));
    if (!row) throw new NotFoundError(def.entityType, id);
    await this.addressable[name]?.(viewer, id);
    await this.registry.ensure(def, row.machineVersion);
    const dedicated = def.dedicated[event];
    if (dedicated) throw new ValidationError({ event: `${event} has its own mutation: use ${dedicated}` });
    const info = this.registry.machineOf(def, row).events[event];
    if (!info) throw new ValidationError({ event: `${event} is not an event of the ${name} workflow (version ${row.machineVersion})` });
    if (info.internal) throw new ForbiddenError(`${event} is sent by the system, not by users`, { event });
    const errors = new FieldErrorCollector();
    const values: Record<string, unknown> = {};
    if (input !== null && input !== undefined && (typeof input !== 'object' || Array.isArray(input)))
      errors.add('input', 'must be an object of the event’s inputs');
    const given = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
    for (const key of Object.keys(given))
      if (!info.inputs.some((i) => i.name === key))
        errors.add(`input.${key}`, `is not an input of ${event} (${info.inputs.map((i) => i.name).join(', ') || 'none'})`);
    for (const spec of info.inputs) {
      const v = given[spec.name];
      const at = `input.${spec.name}`;
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
        if (spec.required) errors.add(at, 'is required');
        continue;
      }
      if (spec.type === 'Int') errors.check(Number.isInteger(v), at, 'must be a whole number');
      else if (spec.type === 'DateTime') errors.check(typeof v === 'string' && !Number.isNaN(Date.parse(v)), at, 'must be an ISO 8601 date-time');
      else errors.check(typeof v === 'string' && v.length <= 2000, at, 'must be a string of at most 2000 characters');
      values[spec.name] = v;
    }
    errors.throwIfAny(`Invalid input for ${event}`);
    const { row: updated } = await this.engine.apply(def, id, { type: event, ...values }, actorOf(viewer), { expectedVersion });
    return updated;
  }
}
