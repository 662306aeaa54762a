/**
 * Model-based testing, the database half: a `MachineModel` (see model.ts) replayed on the real
 * app. `describeModel(model, driver)` declares, inside the caller's `describe(unit)`:
 * - `the model`: pure checks, among them coverage before anything runs: the generated paths walk
 *   every transition the machine declares, and every edge of the model graph;
 * - `paths replayed through the engine` (and `… through GraphQL`, for the paths the driver
 *   picks): one fresh instance per path, on the published version 2 of the machine (issue 7).
 *   After every step the row is in the model's state, its version is one up, its history has one
 *   more row (event, from, to, actor, version 2: P10), and the driver's own checks pass;
 * - `refusals`: at every distinct vertex, reached by its shortest path, each candidate event the
 *   model refuses is refused by the app with the predicted `code`, `rule` and message, and
 *   changes nothing (the row, its history, and what the driver observes besides).
 *
 * Coverage on the database, and why it does not depend on test order: every replay records its
 * instance; `afterAll` (which runs after every test of the unit, in whatever order they ran)
 * reads their history and asserts it holds every declared transition and no other, and that
 * every path ran. That is a property of the whole unit, so it is asserted only when every test
 * of the unit was selected and passed. Run with `-t` or `.only`, the paths left out did not run:
 * the check is skipped, not failed; when a test failed, the run fails already. The static check
 * in `the model` holds for any selection.
 */
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, type RunnerTask } from 'vitest';
import { transitions } from '../../src/platform/db/schema.js';
import { DomainError } from '../../src/platform/errors.js';
import type { TestApp } from './app.js';
import { crewOf, type Crew } from './crew.js';
import { transitionKey, type MachineModel, type ModelEvent, type ModelPath, type ModelState, type ModelStep, type Probe, type Refusal } from './model.js';
import { machineVersionsUsed, runOnPublishedDefinition } from './policy.js';

/** The machine version every instance runs on: the repository's document, published (issue 7). */
export const PUBLISHED_VERSION = 2;

export type Transport = 'engine' | 'graphql';

export interface RunContext {
  app: TestApp;
  crew: Crew;
}

/** How to drive the real app for one machine. */
export interface ModelDriver<C, E extends ModelEvent, W, I extends { id: string }> {
  /** Starts the app for the file (with a policy of its own if the unit needs one). */
  start(): Promise<TestApp>;
  /** Usernames the model uses (demo users); fixtures add their own in `setup`. */
  users: readonly string[];
  setup?(ctx: RunContext): Promise<void>;
  /** A fresh instance in the model's initial state. */
  create(ctx: RunContext, start: ModelState<C, W>): Promise<I>;
  /** Makes the app take one step; `graphql` only for events `graphql.sends` accepts. */
  perform(ctx: RunContext, instance: I, step: ModelStep<C, E, W>, transport: Transport): Promise<void>;
  /** Sends a refused event the way a client would (see `graphqlRefusal`, `domainRefusal`). */
  attempt(ctx: RunContext, instance: I, state: ModelState<C, W>, event: E): Promise<Refusal>;
  /** Checks beyond state, version and history that the app agrees with a model state. */
  expectState?(ctx: RunContext, instance: I, state: ModelState<C, W>, where: string): Promise<void>;
  /** What else a refusal must leave unchanged (e.g. the customer a contract belongs to). */
  observe?(ctx: RunContext, instance: I): Promise<unknown>;
  /** Checks at a probed vertex before its refusals (facts the engine loads, actions it offers). */
  atVertex?(ctx: RunContext, instance: I, probe: Probe<C, E, W>): Promise<void>;
  afterPath?(ctx: RunContext, instance: I, path: ModelPath<C, E, W>, transport: Transport): Promise<void>;
  graphql?: { sends(event: E): boolean; paths(paths: ModelPath<C, E, W>[]): ModelPath<C, E, W>[] };
  /** Whole-unit checks on the history of every replayed instance (full runs only). */
  coverage?(ctx: RunContext, instances: string[]): Promise<void>;
}

/** Runs a mutation that must be refused; returns what the client sees (`extensions.code`, `extensions.rule`). */
export async function graphqlRefusal(app: TestApp, query: string, variables: Record<string, unknown>, token: string): Promise<Refusal> {
  const result = await app.execute(query, variables, { token });
  expect(result.errors, `refused: ${JSON.stringify(result.data)}`).toHaveLength(1);
  const [error] = result.errors ?? [];
  const rule = error?.extensions?.rule;
  return { code: String(error?.extensions?.code), rule: typeof rule === 'string' ? rule : undefined, message: error?.message ?? '' };
}

/** Awaits a service or engine call that must be refused with a domain error (what the one mapper turns into extensions). */
export async function domainRefusal(call: Promise<unknown>): Promise<Refusal> {
  await expect(call).rejects.toBeInstanceOf(DomainError);
  const error: unknown = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error('unreachable: checked above');
  const rule = error.details.rule;
  return { code: error.code, rule: typeof rule === 'string' ? rule : undefined, message: error.message };
}

const testsOf = (task: RunnerTask): RunnerTask[] => (task.type === 'suite' ? task.tasks.flatMap(testsOf) : [task]);
/** Whether every test of the unit was selected (no `-t`/`.only` left one out) and passed. */
const wholeUnitPassed = (unit: RunnerTask) => testsOf(unit).every((t) => t.mode === 'run' && t.result?.state === 'pass');

/** The replay of one model on one app: its state between the hooks and tests `describeModel` declares. */
class ModelReplay<C, E extends ModelEvent, W, I extends { id: string }> {
  private ctx: RunContext | undefined;
  /** What ran: instances replayed (their history is the coverage), paths, instances created. */
  private readonly replayed = { instances: [] as string[], paths: new Set<string>(), created: 0 };
  readonly graphqlPaths: ModelPath<C, E, W>[];

  constructor(
    readonly model: MachineModel<C, E, W>,
    private readonly driver: ModelDriver<C, E, W, I>,
  ) {
    this.graphqlPaths = driver.graphql?.paths(model.paths) ?? [];
  }

  private get context(): RunContext {
    if (!this.ctx) throw new Error('the app did not start');
    return this.ctx;
  }

  private get name() {
    return this.model.spec.name;
  }

  async start(): Promise<void> {
    const app = await this.driver.start();
    this.ctx = { app, crew: await crewOf(app, this.driver.users) };
    await runOnPublishedDefinition(app, this.name);
    await this.driver.setup?.(this.ctx);
  }

  /** After every test of the unit: coverage (whole runs only, see the file's comment), versions, then close. */
  async finish(unit: RunnerTask): Promise<void> {
    try {
      if (wholeUnitPassed(unit)) await this.expectCoverage();
      // Issue 7: every instance ran on the published version, and its history says so.
      if (this.replayed.created > 0)
        expect(await machineVersionsUsed(this.context.app, this.name)).toEqual({ instances: [PUBLISHED_VERSION], history: [PUBLISHED_VERSION] });
    } finally {
      await this.ctx?.app.close();
    }
  }

  private async rowOf(id: string) {
    const table = this.context.app.services.designs.get(this.name).table;
    const [row] = await this.context.app.database.db.select().from(table).where(eq(table.id, id));
    if (!row) throw new Error(`${this.name} ${id} is gone`);
    return row;
  }

  private historyOf(id: string) {
    return this.context.app.database.db
      .select()
      .from(transitions)
      .where(and(eq(transitions.entityType, this.name), eq(transitions.entityId, id)))
      .orderBy(asc(transitions.id));
  }

  /** A fresh instance, checked against the model's initial state. */
  private async create(start: ModelState<C, W>): Promise<I> {
    const instance = await this.driver.create(this.context, start);
    this.replayed.created += 1;
    expect(await this.rowOf(instance.id), 'created').toMatchObject({ state: start.state, version: 1, machineVersion: PUBLISHED_VERSION });
    expect(await this.historyOf(instance.id), 'created: CREATE').toMatchObject([
      { event: 'CREATE', fromState: null, toState: start.state, machineVersion: PUBLISHED_VERSION },
    ]);
    await this.driver.expectState?.(this.context, instance, start, 'created');
    return instance;
  }

  /** One step, with the checks every step gets. */
  private async step(instance: I, s: ModelStep<C, E, W>, index: number, transport: Transport): Promise<void> {
    const where = `step ${index + 1} (${this.model.spec.describeEvent(s.event)})`;
    const before = await this.rowOf(instance.id);
    await this.driver.perform(this.context, instance, s, transport === 'graphql' && this.driver.graphql?.sends(s.event) ? 'graphql' : 'engine');
    const after = await this.rowOf(instance.id);
    expect(after.state, `${where}: state`).toBe(s.to.state);
    expect(after.version, `${where}: version`).toBe(Number(before.version) + 1);
    expect(after.machineVersion, `${where}: machine version`).toBe(PUBLISHED_VERSION);
    const history = await this.historyOf(instance.id);
    expect(history, `${where}: CREATE, then one history row per transition (P10)`).toHaveLength(index + 2);
    expect(history.at(-1), `${where}: history`).toMatchObject({
      event: s.event.type,
      fromState: before.state,
      toState: s.to.state,
      actorId: this.context.crew.actor(s.event.actor).id,
      machineVersion: PUBLISHED_VERSION,
    });
    await this.driver.expectState?.(this.context, instance, s.to, where);
  }

  async replay(path: ModelPath<C, E, W>, transport: Transport): Promise<void> {
    const instance = await this.create(path.start);
    for (const [i, s] of path.steps.entries()) await this.step(instance, s, i, transport);
    await this.driver.afterPath?.(this.context, instance, path, transport);
    this.replayed.instances.push(instance.id);
    this.replayed.paths.add(`${transport} ${path.name}`);
  }

  private async observe(instance: I) {
    return { row: await this.rowOf(instance.id), history: await this.historyOf(instance.id), more: await this.driver.observe?.(this.context, instance) };
  }

  /** At a probed vertex: each refused candidate is refused as predicted, and changes nothing. */
  async probe(p: Probe<C, E, W>): Promise<void> {
    const instance = await this.create(p.prefix.start);
    for (const s of p.prefix.steps) await this.driver.perform(this.context, instance, s, 'engine');
    expect((await this.rowOf(instance.id)).state, `${p.name}: reached`).toBe(p.vertex.state);
    await this.driver.atVertex?.(this.context, instance, p);
    const before = await this.observe(instance);
    for (const { event, expected } of p.refused) {
      const what = `${p.name}: ${this.model.spec.describeEvent(event)}`;
      expect(await this.driver.attempt(this.context, instance, p.vertex, event), `${what} must be refused`).toEqual(expected);
      expect(await this.observe(instance), `${what}: a refusal changes nothing (state, version, history)`).toEqual(before);
    }
  }

  /** The replays ran every path, and their history holds exactly the declared transitions. */
  private async expectCoverage(): Promise<void> {
    const planned = [...this.model.paths.map((p) => `engine ${p.name}`), ...this.graphqlPaths.map((p) => `graphql ${p.name}`)];
    expect([...this.replayed.paths].sort(), 'every path ran').toEqual(planned.sort());
    const history = await this.context.app.database.db
      .select()
      .from(transitions)
      .where(and(eq(transitions.entityType, this.name), inArray(transitions.entityId, this.replayed.instances), ne(transitions.event, 'CREATE')));
    const taken = new Set(history.map((h) => transitionKey(h.fromState ?? '', h.event, h.toState)));
    expect(
      this.model.declared.filter((t) => !taken.has(t)),
      'transitions never taken on the database',
    ).toEqual([]);
    expect(
      [...taken].filter((t) => !this.model.declared.includes(t)),
      'transitions the machine does not declare',
    ).toEqual([]);
    await this.driver.coverage?.(this.context, this.replayed.instances);
  }
}

/** The pure checks every model gets, before anything runs. */
function modelChecks<C, E extends ModelEvent, W>(model: MachineModel<C, E, W>): void {
  it('should walk every transition the machine declares in the generated paths, before anything runs', () => {
    expect(model.declared.length).toBeGreaterThan(0);
    expect(model.walked).toEqual(model.declared);
  });

  if (model.spec.cover === 'edges') {
    it('should walk every edge of the model graph (every accepted event at every vertex) in the generated paths', () => {
      expect(model.graphEdges.length).toBeGreaterThan(0);
      expect(
        model.graphEdges.filter((e) => !model.pathEdges.has(e)),
        'edges no path walks',
      ).toEqual([]);
    });
  }

  it('should try every event the machine knows at every probed vertex, and refuse something at each', () => {
    const known = Object.keys(model.spec.document.events)
      .filter((type) => !(model.spec.elsewhere ?? []).includes(type))
      .sort();
    for (const p of model.probes) {
      expect([...new Set([...p.accepted, ...p.refused.map((r) => r.event)].map((e) => e.type))].sort(), p.name).toEqual(known);
      expect(p.refused.length, p.name).toBeGreaterThan(0);
    }
  });

  it('should name every path and every probed vertex apart', () => {
    expect(new Set(model.paths.map((p) => p.name)).size).toBe(model.paths.length);
    expect(new Set(model.probes.map((p) => p.name)).size).toBe(model.probes.length);
  });
}

/** Declares the model-based tests of one machine inside the caller's `describe(unit)`; `modelTests` adds the unit's own pure checks. */
export function describeModel<C, E extends ModelEvent, W, I extends { id: string }>(
  model: MachineModel<C, E, W>,
  driver: ModelDriver<C, E, W, I>,
  modelTests: () => void = () => undefined,
): void {
  const run = new ModelReplay(model, driver);
  beforeAll(() => run.start());
  // Vitest hands afterAll the unit's suite as the second argument (the first must be destructured).
  afterAll(({}, unit) => run.finish(unit));

  describe('the model', () => {
    modelChecks(model);
    modelTests();
  });

  describe('paths replayed through the engine, one history row per step (P10)', () => {
    for (const path of model.paths) it(`should replay ${path.name}`, () => run.replay(path, 'engine'));
  });

  const sends = driver.graphql?.sends;
  if (sends) {
    describe('paths replayed through GraphQL where a mutation sends the event', () => {
      for (const path of run.graphqlPaths) {
        it(`should replay ${path.name}`, async () => {
          expect(path.steps.filter((s) => sends(s.event)).length, 'steps a mutation sends').toBeGreaterThan(0);
          await run.replay(path, 'graphql');
        });
      }
    });
  }

  describe('refusals: every candidate event the model refuses, at every probed vertex', () => {
    for (const p of model.probes) {
      const rules = p.rules.length > 0 ? ` (${p.rules.join(', ')})` : '';
      it(`should refuse at ${p.name} what the model refuses, changing nothing${rules}`, () => run.probe(p));
    }
  });
}
