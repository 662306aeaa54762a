/** Issue 7: the repository documents are valid, and the invariants of each workflow hold. */
import { describe, expect, it } from 'vitest';
import { repositoryWorkflows } from '../../src/catalogue.js';
import { leafPaths, type WorkflowDocument } from '../../src/workflow/document.js';
import { MachineRegistry } from '../../src/workflow/registry.js';
import { occupancyProblems, validateDocument } from '../../src/workflow/validation/index.js';

const defs = Object.fromEntries(repositoryWorkflows().map((d) => [d.name, d]));
const registry = new MachineRegistry(Object.values(defs), null);

const validate = (name: string, doc: unknown) =>
  validateDocument({ ...defs[name]!, terms: Object.keys(defs[name]!.terms), reference: registry.current(defs[name]!).machine }, doc);
const copy = (name: string) => JSON.parse(JSON.stringify(defs[name]!.document)) as WorkflowDocument;

describe('workflow documents (issue 7)', () => {
  it.each(Object.keys(defs))('should find no problem in the repository document of %s', (name) => {
    expect(validate(name, copy(name))).toEqual([]);
  });

  it('should refuse reopening a confirmed contract (C2) and voiding it (C4)', () => {
    const doc = copy('contract');
    doc.events.REOPEN = { label: '重开', inputs: [] };
    doc.states.confirmed!.on!.REOPEN = { target: 'draft', guard: 'isManager' };
    expect(validate('contract', doc)).toEqual([
      { path: 'states.confirmed', message: '`confirmed` must never lead to `draft` (C2), but it does: confirmed —REOPEN→ draft' },
      { path: 'states.confirmed', message: '`confirmed` must never lead to `voided` (C4), but it does: confirmed —REOPEN→ draft, draft —VOID→ voided' },
    ]);
  });

  it('should refuse an application machine that cannot lapse (A4) or is not a document', () => {
    const doc = copy('application');
    delete doc.states.pending!.on!.LAPSE;
    expect(validate('application', doc)).toEqual([
      { path: 'states.lapsed', message: '`lapsed` is not reachable from the initial state `pending`' },
      { path: 'states.pending.on', message: 'the product sends `LAPSE` in `pending`; it must stay accepted there' },
    ]);
    expect(validate('application', [])).toEqual([{ path: '', message: 'must be a JSON object with id, initial, events and states' }]);
    expect(validate('application', { ...copy('application'), id: 'other' })).toEqual([
      { path: 'id', message: 'must be "application" (targets such as #application.x refer to it)' },
    ]);
  });

  it('should refuse a final state with transitions and a reserved input name', () => {
    const doc = copy('application');
    doc.states.approved!.on = { WITHDRAW: { target: 'withdrawn', guard: 'isApplicant' } };
    doc.events.WITHDRAW!.inputs = [{ name: 'actor', type: 'String', required: false }];
    expect(validate('application', doc)).toEqual([
      { path: 'events.WITHDRAW.inputs[0].name', message: '`actor` is reserved by the engine' },
      { path: 'states.approved', message: 'a final state has no transitions and no child states' },
    ]);
  });

  it('should know which workflows have timed states (what the sweeper sweeps)', () => {
    expect(
      Object.entries(defs)
        .filter(([, d]) => registry.isTimed(d))
        .map(([n]) => n),
    ).toEqual(['customer', 'followUpPlan', 'complaint']);
  });

  it('should list leaf states and the occupied states a version strands', () => {
    const doc = copy('customer');
    expect(leafPaths(doc)).toEqual(['pool', 'prospect.pendingAudit', 'prospect.rejected', 'prospect.protected', 'intent', 'formal']);
    expect(
      occupancyProblems(
        doc,
        [
          { state: 'prospect.onHold', count: 3 },
          { state: 'pool', count: 9 },
        ],
        {},
      ),
    ).toEqual([
      {
        path: 'stateMapping.prospect.onHold',
        message: '3 live instance(s) are in `prospect.onHold`, which this version removes; map it to a state of the new version',
      },
    ]);
    expect(occupancyProblems(doc, [{ state: 'prospect.onHold', count: 3 }], { 'prospect.onHold': 'prospect.protected' })).toEqual([]);
  });
});
