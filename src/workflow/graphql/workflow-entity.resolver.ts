/**
 * The GraphQL edge every workflow-governed type shares: `state`, `availableActions` and
 * `history`, resolved one way for customers, applications and contracts. This is the only
 * place the GraphQL layer asks the engine which events are available, reads a machine's event
 * info and reads history, so a change of those engine signatures touches one file.
 */
import { Args, Ctx, FieldResolver, Resolver, Root, type ClassType } from 'type-graphql';
import type { Viewer } from '../../platform/auth/viewer.js';
import { ConnectionArgs } from '../../platform/graphql/args.js';
import { viewerOf, type Context } from '../../platform/graphql/context.js';
import { toConnection, type ConnectionOf } from '../../platform/graphql/relay.js';
import { pageSize } from '../../platform/pagination.js';
import { historyLoaders } from './history.loaders.js';
import { offerLoaders } from './offer.loaders.js';
import { actorOf } from '../actor.js';
import type { WorkflowEngine } from '../engine.js';
import type { WorkflowDefinition } from '../workflow.js';
import type { WorkflowRow } from '../table.js';
import { AvailableAction } from './action.type.js';
import { Transition, TransitionConnection } from './transition.type.js';
import type { WorkflowEntity } from './workflow-entity.type.js';

/** What the shared fields need from the services a resolver is constructed with. */
export interface WorkflowEdgeServices {
  engine: WorkflowEngine;
}

/** How one entity plugs into the shared fields. */
export interface WorkflowEdge<TRow extends WorkflowRow, S extends WorkflowEdgeServices> {
  /** The definition (all loaded machine versions) the rows run on. */
  workflow(services: S): WorkflowDefinition<TRow, unknown>;
  /** The row as reads must show it now (e.g. a due deadline applied); default: as stored. */
  current?(services: S, row: TRow): TRow;
  /** Throws (FORBIDDEN) when the viewer may not read this row's history; default: whoever sees the row. */
  guardHistory?(services: S, viewer: Viewer, row: TRow): void;
  /** Field descriptions that depend on the entity. */
  describe: { state: string; availableActions: string; history: string };
}

/** The base resolver class of one workflow-governed object type; extend it with `@Resolver(() => Entity)`. */
export function WorkflowEntityResolver<TRow extends WorkflowRow, S extends WorkflowEdgeServices>(
  Entity: ClassType<WorkflowEntity>,
  edge: WorkflowEdge<TRow, S>,
) {
  @Resolver(() => Entity)
  abstract class WorkflowEntityResolverBase {
    constructor(protected readonly services: S) {}

    @FieldResolver(() => String, { description: edge.describe.state })
    state(@Root() row: TRow): string {
      return edge.current ? edge.current(this.services, row).state : row.state;
    }

    @FieldResolver(() => [AvailableAction], { description: edge.describe.availableActions })
    async availableActions(@Root() row: TRow, @Ctx() ctx: Context): Promise<AvailableAction[]> {
      const def = edge.workflow(this.services);
      const actor = actorOf(viewerOf(ctx));
      // The facts guards read are loaded for a list's rows together (one statement per fact rule).
      const selected = await ctx.scope.use(offerLoaders, this.services).offeredFacts(def, actor).load(row);
      const events = await this.services.engine.available(def, row, actor, selected);
      // Labels and inputs from the machine version the row runs on (P11).
      const info = this.services.engine.versions.machineOf(def, row).events;
      return events.map((event) => ({ event, label: info[event]?.label ?? event, inputs: info[event]?.inputs ?? [] }));
    }

    // A history that may be refused per viewer is nullable: a FORBIDDEN then nulls only this field, not the record.
    @FieldResolver(() => TransitionConnection, { nullable: edge.guardHistory !== undefined, description: edge.describe.history })
    async history(@Root() row: TRow, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: Context): Promise<ConnectionOf<Transition>> {
      edge.guardHistory?.(this.services, viewerOf(ctx), row);
      const rows = page.after
        ? await this.services.engine.history(row.id, page)
        : await ctx.scope.use(historyLoaders, this.services).firstHistoryPage(pageSize(page.first)).load(row.id);
      return toConnection(rows, (r): Transition => ({ ...r, id: String(r.id) }), page);
    }
  }
  return WorkflowEntityResolverBase;
}
