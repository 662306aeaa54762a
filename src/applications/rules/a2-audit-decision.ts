/**
 * A2: an application is pending until the deciders of every approval step approve it (one
 * holder of the step's role for ANY, every active holder for ALL) or one rejects it; nobody
 * decides their own application or decides twice; the applicant may withdraw it while pending.
 */
import { and, count, eq, ne, notInArray, sql } from 'drizzle-orm';
import { users, type ApplicationRow, type Role } from '../../platform/db/schema.js';
import { arrayLiteral } from '../../platform/db/sql.js';
import { actorHasRole, type Actor } from '../../workflow/actor.js';
import { reachesUser } from '../../users/department.service.js';
import type { RuleEvent } from '../../workflow/definition.js';
import type { ApplicationContext, ApplicationFacts, ApplicationRule, ApprovalStepSpec } from '../application.machine.js';

const currentStep = (c: ApplicationContext): ApprovalStepSpec | undefined => c.steps[c.step];
const userId = (a: Actor) => (a.kind === 'user' ? a.id : null);

/** Would this approval complete the current step? */
function completesStep(context: ApplicationContext, event: RuleEvent<ApplicationFacts>): boolean {
  const step = currentStep(context);
  if (!step) return false;
  return step.mode === 'ANY' || context.approvals.length + 1 >= Math.max(1, event.facts.holders);
}

/** The role of an application's current step and who decided an earlier one (none when it has no step left). */
function stepOf(row: ApplicationRow): { role: Role; deciders: string[] } | undefined {
  const context = (row.snapshot as { context?: ApplicationContext }).context;
  const step = context ? currentStep(context) : undefined;
  // Those who decided an earlier step do not hold this one; those who approved it so far still count.
  return context && step ? { role: step.role, deciders: context.deciders.filter((id) => !context.approvals.includes(id)) } : undefined;
}

/**
 * The active users who can decide a step: its role, not the applicant, not already a decider (of
 * an earlier step), and reaching the applicant (T1: a department manager decides only their own).
 */
function holderOf(step: { role: Role; deciders: string[] }, applicantId: string) {
  return and(
    eq(users.active, true),
    ne(users.id, applicantId),
    sql`${step.role} = any(${users.roles})`,
    step.deciders.length ? notInArray(users.id, step.deciders) : undefined,
    reachesUser(sql`${users.id}`, sql`${applicantId}::uuid`),
  );
}

export const a2AuditDecision: ApplicationRule = {
  code: 'A2',
  title: 'Each approval step is decided by its role (any one or all holders); nobody decides their own application or twice',
  policyKeys: ['application.steps'],
  guards: {
    notApplicant: {
      check: ({ context, event }) => userId(event.actor) !== context.applicantId,
      refusal: { code: 'FORBIDDEN', message: 'Nobody decides their own application' },
    },
    isStepDecider: {
      check: ({ context, event }) => {
        const step = currentStep(context);
        return step !== undefined && actorHasRole(event.actor, step.role);
      },
      refusal: { code: 'FORBIDDEN', message: 'The current approval step is decided by another role', who: ['the current step’s role'] },
    },
    notYetDecided: {
      check: ({ context, event }) => !context.deciders.includes(userId(event.actor) ?? ''),
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'You have already decided on this application' },
    },
    completesLastStep: {
      check: ({ context, event }) => context.step === context.steps.length - 1 && completesStep(context, event),
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'More approvals are needed' },
    },
    isApplicant: {
      check: ({ context, event }) => userId(event.actor) === context.applicantId,
      refusal: { code: 'FORBIDDEN', message: 'Only the applicant can withdraw an application', who: ['applicant'] },
    },
  },
  facts: {
    defaults: { holders: 0 },
    async load({ executor, row }) {
      const step = stepOf(row);
      if (!step) return { holders: 0 };
      const [h] = await executor.select({ n: count() }).from(users).where(holderOf(step, row.applicantId));
      return { holders: h?.n ?? 0 };
    },
    // A list's applications: every active user's roles once, counted per application here.
    async loadMany({ executor, rows }) {
      const steps = rows.flatMap((row) => {
        const step = stepOf(row);
        return step ? [{ id: row.id, applicantId: row.applicantId, ...step }] : [];
      });
      if (steps.length === 0) return new Map();
      const roles = [...new Set(steps.map((s) => s.role))];
      const applicants = arrayLiteral([...new Set(steps.map((s) => s.applicantId))]);
      const holders = await executor
        .select({
          id: users.id,
          roles: users.roles,
          reaches: sql<string[]>`array(select a::text from unnest(${applicants}::uuid[]) as a where ${reachesUser(sql`${users.id}`, sql`a`)})`,
        })
        .from(users)
        .where(and(eq(users.active, true), sql`${users.roles} && ${arrayLiteral(roles)}::text[]`));
      return new Map(
        steps.map((s) => [
          s.id,
          {
            holders: holders.filter(
              (u) => u.id !== s.applicantId && u.roles.includes(s.role) && !s.deciders.includes(u.id) && u.reaches.includes(s.applicantId),
            ).length,
          },
        ]),
      );
    },
  },
  actions: {
    recordApproval: ({ context, event }) => {
      const id = userId(event.actor) ?? '';
      const deciders = [...context.deciders, id];
      return completesStep(context, event) ? { step: context.step + 1, approvals: [], deciders } : { approvals: [...context.approvals, id], deciders };
    },
    recordRejection: ({ context, event }) => ({ deciders: [...context.deciders, userId(event.actor) ?? ''] }),
  },
};
