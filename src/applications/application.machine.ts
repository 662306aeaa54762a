/**
 * The application (audit) machine (A1–A5): pending → approved | rejected | withdrawn | lapsed.
 * The approval steps come from the policy when the application is made (later policy changes
 * affect new applications only) and live in the context; a step names the role that decides and
 * whether ANY one holder or ALL holders must approve.
 */
import { assign, setup } from 'xstate';
import applicationDocumentJson from './application.machine.json' with { type: 'json' };
import { buildMachine, type MachineImplementation, type WorkflowDocument } from '../workflow/document.js';
import type { Role } from '../platform/db/schema.js';
import { actorHasRole, type Actor } from '../workflow/actor.js';
import type { EventInfo, GuardRule } from '../workflow/definition.js';

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

const applicationSetup = setup({
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
});

/** The code half of the machine: guard and action implementations and the context factory. */
export const applicationImplementation: MachineImplementation = {
  setup: applicationSetup as unknown as MachineImplementation['setup'],
  context: (({ input }: { input: { applicantId: string; steps: ApprovalStepSpec[] } }) => ({ applicantId: input.applicantId, steps: input.steps, step: 0, approvals: [], deciders: [] })) as MachineImplementation['context'],
};

/** Version 1: the repository's document (`src/applications/application.machine.json`). */
export const applicationDocument = applicationDocumentJson as unknown as WorkflowDocument;
export const applicationMachine = buildMachine(applicationImplementation, applicationDocument);

export const applicationGuardRules: Record<string, GuardRule> = {
  notApplicant: { rule: 'A2', code: 'FORBIDDEN', message: 'Nobody decides their own application' },
  isStepDecider: { rule: 'A2', code: 'FORBIDDEN', message: 'The current approval step is decided by another role', who: ['the current step’s role'] },
  notYetDecided: { rule: 'A2', code: 'ILLEGAL_TRANSITION', message: 'You have already decided on this application' },
  completesLastStep: { rule: 'A2', code: 'ILLEGAL_TRANSITION', message: 'More approvals are needed' },
  hasReason: { rule: 'A3', code: 'BAD_USER_INPUT', message: 'A rejection needs a reason the applicant can act on', field: 'reason' },
  isApplicant: { rule: 'A2', code: 'FORBIDDEN', message: 'Only the applicant can withdraw an application', who: ['applicant'] },
  isSystem: { rule: 'A4', code: 'FORBIDDEN', message: 'Only the system closes an application as lapsed', who: ['system'] },
};

/** Labels and inputs of each event, for availableActions and the workflow designer. */
export const applicationEvents: Record<string, EventInfo> = applicationDocument.events;
