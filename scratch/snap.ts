import { customerMachine } from '../src/customers/customer.workflow.js';
import { transition, initialTransition } from 'xstate';
import { traceContext } from '../src/workflow/trace.js';
import { SYSTEM_SWEEPER } from '../src/workflow/actor.js';
const s = customerMachine.resolveState({ value: { prospect: 'protected' }, context: { custodianId: 'u1', name: 'x' } as any });
console.log(JSON.stringify(customerMachine.getPersistedSnapshot(s)));
const ev = { type: 'TERM_EXPIRED', actor: SYSTEM_SWEEPER, facts: {}, at: new Date().toISOString() };
const { result, trace } = traceContext(() => transition(customerMachine, s, ev as any));
console.log(JSON.stringify(customerMachine.getPersistedSnapshot(result[0])), result[1].map(a=>a.type), trace);
const N=20000; let t=performance.now();
for (let i=0;i<N;i++){ const r=customerMachine.resolveState({ value: { prospect: 'protected' }, context: { custodianId: 'u'+i } as any }); const [n]=transition(customerMachine, r, ev as any); customerMachine.getPersistedSnapshot(n); }
console.log('per row µs', (performance.now()-t)*1000/N);
