/**
 * Every check `validateDocument` runs, in order (graphql-js's `specifiedRules`). Checks run phase
 * by phase (see PHASES), so the list is grouped by phase. Within the `shape` phase the order also
 * decides which problem comes first when several checks report at the same place of a document;
 * it is the order designers have always seen them in.
 */
import type { WorkflowCheck } from './check.js';
import { deadlinesLeave } from './checks/deadlines-leave.js';
import { custodyTimed } from './checks/custody-timed.js';
import { documentId } from './checks/document-id.js';
import { documentShape } from './checks/document-shape.js';
import { eventDeclarations } from './checks/event-declarations.js';
import { forbiddenRoutes } from './checks/forbidden-routes.js';
import { initialState } from './checks/initial-state.js';
import { knownActions } from './checks/known-actions.js';
import { knownEvents } from './checks/known-events.js';
import { knownGuards } from './checks/known-guards.js';
import { knownTerms } from './checks/known-terms.js';
import { requiredEvents } from './checks/required-events.js';
import { requiredInitialState } from './checks/required-initial-state.js';
import { requiredStates } from './checks/required-states.js';
import { stateMeta } from './checks/state-meta.js';
import { stateShape } from './checks/state-shape.js';
import { statesReachable } from './checks/states-reachable.js';
import { targetsExist } from './checks/targets-exist.js';
import { transitionShape } from './checks/transition-shape.js';
import { transitionsGuarded } from './checks/transitions-guarded.js';
import { xstateAccepts } from './checks/xstate-accepts.js';

/** The checks a document must pass before it is published, in the order they run. */
export const workflowChecks: readonly WorkflowCheck[] = [
  // shape: the JSON and the names it uses
  documentShape,
  documentId,
  eventDeclarations,
  stateShape,
  stateMeta,
  knownTerms,
  knownEvents,
  transitionShape,
  knownGuards,
  transitionsGuarded,
  knownActions,
  // targets, initial: the graph can be built
  targetsExist,
  initialState,
  // graph: what the product relies on
  requiredInitialState,
  statesReachable,
  deadlinesLeave,
  custodyTimed,
  requiredStates,
  requiredEvents,
  forbiddenRoutes,
  // machine
  xstateAccepts,
];
