/**
 * The application (audit) machine (A1–A5): pending → approved | rejected | withdrawn | lapsed.
 * The approval steps come from the policy when the application is made (later policy changes
 * affect new applications only) and live in the context; a step names the role that decides and
 * whether ANY one holder or ALL holders must approve.
 */
import { and, assign, setup } from 'xstate';
import type { Role } from '../../db/schema.js';
import { actorHasRole, type Actor } from '../actor.js';
import type { EventInfo, GuardRule, StateMeta } from '../definition.js';

export interface ApprovalStepSpec {
  role: Role;
  mode: 'ANY' | 'ALL';
}

export interface ApplicationFacts {
  /** Active holders of the current step's role, other than the applicant (for ALL steps). */
  holders: number;
}

export const NO_APPLICATION_FACTS: ApplicationFacts = { holders: 0 };

interface Base {
  actor: Actor;
  facts: ApplicationFacts;
  reason?: string | null;
}

export type ApplicationEvent =
  | ({ type: 'APPROVE'; note?: string | null } & Base)
  | ({ type: 'REJECT' } & Base)
  | ({ type: 'WITHDRAW' } & Base)
  | ({ type: 'LAPSE' } & Base);

export interface ApplicationContext {
  applicantId: string;
  steps: ApprovalStepSpec[];
  /** Index of the step being decided. */
  step: number;
  /** Who has approved the current step so far. */
  approvals: string[];
  /** Everyone who has decided any step. */
  deciders: string[];
}

const currentStep = (c: ApplicationContext): ApprovalStepSpec | undefined => c.steps[c.step];
const userId = (a: Actor) => (a.kind === 'user' ? a.id : null);

/** Would this approval complete the current step? */
function completesStep(context: ApplicationContext, event: ApplicationEvent): boolean {
  const step = currentStep(context);
  if (!step) return false;
  return step.mode === 'ANY' || context.approvals.length + 1 >= Math.max(1, event.facts.holders);
}

export const applicationMachine = setup({
  types: {
    context: {} as ApplicationContext,
    events: {} as ApplicationEvent,
    input: {} as { applicantId: string; steps: ApprovalStepSpec[] },
  },
  guards: {
    notApplicant: ({ context, event }) => userId(event.actor) !== context.applicantId,
    isStepDecider: ({ context, event }) => {
      const step = currentStep(context);
      return step !== undefined && actorHasRole(event.actor, step.role);
    },
    notYetDecided: ({ context, event }) => !context.deciders.includes(userId(event.actor) ?? ''),
    completesLastStep: ({ context, event }) => context.step === context.steps.length - 1 && completesStep(context, event),
    hasReason: ({ event }) => typeof event.reason === 'string' && event.reason.replace(/\s/g, '').length >= 2,
    isApplicant: ({ context, event }) => userId(event.actor) === context.applicantId,
    isSystem: ({ event }) => event.actor.kind === 'system',
  },
  actions: {
    recordApproval: assign(({ context, event }) => {
      const id = userId(event.actor) ?? '';
      const deciders = [...context.deciders, id];
      return completesStep(context, event) ? { step: context.step + 1, approvals: [], deciders } : { approvals: [...context.approvals, id], deciders };
    }),
    recordRejection: assign(({ context, event }) => ({ deciders: [...context.deciders, userId(event.actor) ?? ''] })),
  },
}).createMachine({
  id: 'application',
  context: ({ input }) => ({ applicantId: input.applicantId, steps: input.steps, step: 0, approvals: [], deciders: [] }),
  initial: 'pending',
  states: {
    pending: {
      meta: { label: '待审核 Pending', description: 'Waiting for the current step’s decider (A2); overdue after the audit SLA (A5).' } satisfies StateMeta,
      on: {
        APPROVE: [
          { target: 'approved', guard: and(['notApplicant', 'isStepDecider', 'notYetDecided', 'completesLastStep']), actions: 'recordApproval' },
          { guard: and(['notApplicant', 'isStepDecider', 'notYetDecided']), actions: 'recordApproval' },
        ],
        REJECT: { target: 'rejected', guard: and(['notApplicant', 'isStepDecider', 'notYetDecided', 'hasReason']), actions: 'recordRejection' },
        WITHDRAW: { target: 'withdrawn', guard: 'isApplicant' },
        LAPSE: { target: 'lapsed', guard: 'isSystem' },
      },
    },
    approved: { type: 'final', meta: { label: '已通过 Approved' } satisfies StateMeta },
    rejected: { type: 'final', meta: { label: '已驳回 Rejected', description: 'The reason is shown to the applicant (A3).' } satisfies StateMeta },
    withdrawn: { type: 'final', meta: { label: '已撤回 Withdrawn' } satisfies StateMeta },
    lapsed: { type: 'final', meta: { label: '已失效 Lapsed', description: 'The customer left the state the application was for.' } satisfies StateMeta },
  },
});

export const applicationGuardRules: Record<string, GuardRule> = {
  notApplicant: { rule: 'A2', code: 'FORBIDDEN', message: 'Nobody decides their own application' },
  isStepDecider: { rule: 'A2', code: 'FORBIDDEN', message: 'The current approval step is decided by another role', who: ['the current step’s role'] },
  notYetDecided: { rule: 'A2', code: 'ILLEGAL_TRANSITION', message: 'You have already decided on this application' },
  completesLastStep: { rule: 'A2', code: 'ILLEGAL_TRANSITION', message: 'More approvals are needed' },
  hasReason: { rule: 'A3', code: 'BAD_USER_INPUT', message: 'A rejection needs a reason the applicant can act on', field: 'reason' },
  isApplicant: { rule: 'A2', code: 'FORBIDDEN', message: 'Only the applicant can withdraw an application', who: ['applicant'] },
  isSystem: { rule: 'A4', code: 'FORBIDDEN', message: 'Only the system closes an application as lapsed', who: ['system'] },
};

export const applicationEvents: Record<ApplicationEvent['type'], EventInfo> = {
  APPROVE: { label: '通过 Approve', inputs: [{ name: 'note', type: 'String', required: false }] },
  REJECT: { label: '驳回 Reject', inputs: [{ name: 'reason', type: 'String', required: true }] },
  WITHDRAW: { label: '撤回 Withdraw', inputs: [] },
  LAPSE: { label: '失效 Lapse', inputs: [], internal: true },
};
