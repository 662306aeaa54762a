/**
 * The machine versions of every workflow (P11, issue 7): version 1 is the repository's document;
 * designers publish further versions into `workflow_versions`. An instance runs on the version
 * it remembers until migrated. The registry is the only mutable part of the workflow layer:
 * definitions are immutable, and the engine, sweeper and designer service share one registry.
 */
import { asc } from 'drizzle-orm';
import type { AnyStateMachine } from 'xstate';
import type { Database } from '../platform/db/client.js';
import { workflowVersions } from '../platform/db/schema.js';
import { invariant } from '../platform/invariant.js';
import {
  asDocument,
  buildMachine,
  leafPaths,
  type EventInfo,
  type MachineImplementation,
  type StateDoc,
  type TransitionDoc,
  type WorkflowDocument,
} from './document.js';

/** What the registry needs of a workflow definition. */
export interface VersionedWorkflow {
  readonly name: string;
  /** Version 1. */
  readonly document: WorkflowDocument;
  readonly implementation: MachineImplementation;
}

/** One version of a machine: its document and the machine built from it. */
export interface MachineVersion {
  version: number;
  document: WorkflowDocument;
  machine: AnyStateMachine;
  events: Record<string, EventInfo>;
}

export class MachineRegistry {
  private readonly versions = new Map<string, Map<number, MachineVersion>>();
  private readonly definitions = new Map<string, VersionedWorkflow>();

  constructor(
    definitions: readonly VersionedWorkflow[],
    private readonly database: Database | null,
  ) {
    for (const def of definitions) {
      this.definitions.set(def.name, def);
      this.versions.set(def.name, new Map([[1, this.build(def, 1, def.document)]]));
    }
  }

  private build(def: VersionedWorkflow, version: number, document: WorkflowDocument): MachineVersion {
    return { version, document, machine: buildMachine(def.implementation, document), events: document.events };
  }

  private of(name: string): Map<number, MachineVersion> {
    const versions = this.versions.get(name);
    invariant(versions, `unknown workflow ${name}`);
    return versions;
  }

  /** Makes a version known (a published document). */
  install(name: string, version: number, document: WorkflowDocument): MachineVersion {
    const def = this.definitions.get(name);
    invariant(def, `unknown workflow ${name}`);
    const mv = this.build(def, version, document);
    this.of(name).set(version, mv);
    return mv;
  }

  /** The newest version: new instances start on it. */
  current(def: { name: string }): MachineVersion {
    const all = [...this.of(def.name).values()];
    return all.reduce((a, b) => (b.version > a.version ? b : a));
  }

  get(def: { name: string }, version: number): MachineVersion | undefined {
    return this.of(def.name).get(version);
  }

  has(def: { name: string }, version: number): boolean {
    return this.of(def.name).has(version);
  }

  /** The version a row runs on (it must be loaded: see `ensure`). */
  machineOf(def: { name: string }, row: { machineVersion: number }): MachineVersion {
    const mv = this.get(def, row.machineVersion);
    invariant(mv, `${def.name} machine version ${row.machineVersion} is not loaded`);
    return mv;
  }

  /** Every loaded version, oldest first. */
  all(def: { name: string }): MachineVersion[] {
    return [...this.of(def.name).values()].sort((a, b) => a.version - b.version);
  }

  /** Whether any loaded version has a state with a deadline (what the sweeper sweeps). */
  isTimed(def: { name: string }): boolean {
    const timed = (states: Record<string, StateDoc> | undefined): boolean =>
      Object.values(states ?? {}).some((s) => s.meta?.deadline !== undefined || timed(s.states));
    return this.all(def).some((v) => timed(v.document.states));
  }

  /** Whether some transition on `event`, in any state of any loaded version, names one of `effects` (I/O the engine does in the transaction). */
  mayHaveEffects(def: { name: string; effects: Readonly<Record<string, unknown>> }, event: string): boolean {
    const names = (t: TransitionDoc | string): string[] => (typeof t === 'string' ? [] : typeof t.actions === 'string' ? [t.actions] : (t.actions ?? []));
    const anyIn = (states: Record<string, StateDoc> | undefined): boolean =>
      Object.values(states ?? {}).some((s) => {
        const on = s.on?.[event];
        const transitions = on === undefined ? [] : Array.isArray(on) ? on : [on];
        return transitions.some((t) => names(t).some((n) => n in def.effects)) || anyIn(s.states);
      });
    return this.all(def).some((v) => anyIn(v.document.states));
  }

  /** Every state an instance can be in, on any loaded version (what a list filter may name). */
  knownStates(def: { name: string }): string[] {
    return [...new Set(this.all(def).flatMap((v) => leafPaths(v.document)))];
  }

  /** A row created on another app instance may run on a version published there moments ago. */
  async ensure(def: { name: string }, version: number): Promise<void> {
    if (!this.has(def, version)) await this.refresh();
  }

  /** Loads versions published since this instance last looked (at start, on each tick, on demand). */
  async refresh(): Promise<void> {
    if (!this.database) return;
    const rows = await this.database.db.select().from(workflowVersions).orderBy(asc(workflowVersions.workflow), asc(workflowVersions.version));
    for (const row of rows) {
      if (this.versions.has(row.workflow) && !this.of(row.workflow).has(row.version)) {
        this.install(row.workflow, row.version, asDocument(row.document));
      }
    }
  }
}
