/** Every workflow the product runs, for descriptions, diagrams and the rule table (no database needed). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { applicationWorkflow } from './applications/application.workflow.js';
import { contractWorkflow } from './contracts/contract.workflow.js';
import { customerWorkflow } from './customers/customer.workflow.js';
import { followUpPlanWorkflow } from './customers/follow-up-plan.workflow.js';
import { contactWorkflow } from './customers/contact.workflow.js';
import { complaintWorkflow } from './complaints/complaint.workflow.js';
import { describeWorkflow, type WorkflowDescription } from './workflow/describe.js';
import { MachineRegistry } from './workflow/registry.js';

export const WORKFLOW_NAMES = ['customer', 'application', 'contract', 'followUpPlan', 'contact', 'complaint'] as const;

/** The repository's definitions (version 1 of each machine); C1's and F1's view of a customer is the row as stored. */
export function repositoryWorkflows() {
  return [
    customerWorkflow,
    applicationWorkflow,
    contractWorkflow((row) => row),
    followUpPlanWorkflow,
    contactWorkflow((row) => row),
    complaintWorkflow,
  ] as const;
}

/** Repository documents of machines that live in another machine's feature. */
const SOURCES: Readonly<Record<string, string>> = { followUpPlan: 'src/customers/follow-up-plan.machine.json' };

export function allWorkflowDescriptions(): WorkflowDescription[] {
  const defs = repositoryWorkflows();
  const registry = new MachineRegistry(defs, null);
  return defs.map((def) => ({ ...describeWorkflow(def, registry.current(def)), ...(SOURCES[def.name] && { source: SOURCES[def.name] }) }));
}

/** A rule enforced outside the machines (entry, formats, audit SLA …), and where. */
interface OtherRule {
  code: string;
  title: string;
  /** Repository paths, relative to its root. */
  where: readonly string[];
}

/** Rules that are code but not machine rules: each names the file that enforces it. */
const OTHER_RULES: readonly OtherRule[] = [
  {
    code: 'E1',
    title: 'The trade name (the registered name without region, stacked industry words and form) is the duplicate key',
    where: ['src/customers/rules/e1-trade-name.ts'],
  },
  {
    code: 'E2',
    title: 'The duplicate check lists every customer whose name contains or resembles a keyword, with state and custodian (keyword ≤ 100 characters)',
    where: ['src/customers/customer.duplicates.ts', 'drizzle/0013_customer_names.sql'],
  },
  { code: 'E3', title: 'Full name, address, industry, phone and introduction are required at entry', where: ['src/customers/customer.validation.ts'] },
  {
    code: 'E4',
    title: 'Entry is refused when the trade-name key or a phone matches an existing customer, naming it',
    where: ['src/customers/rules/e4-duplicate-entry.ts'],
  },
  { code: 'E5', title: 'Mobile, landline, postcode and e-mail formats', where: ['src/customers/rules/e5-formats.ts'] },
  { code: 'E6', title: 'Nothing is ever deleted (database triggers refuse DELETE)', where: ['drizzle/0003_no_deletes.sql'] },
  { code: 'E7', title: 'Creation time, creator and first custodian are set by the system', where: ['src/customers/customer.service.ts'] },
  {
    code: 'F1',
    title:
      'Contacts: name, title, mobile and/or landline, e-mail, notes; a target account should have at least three named contacts (THREE_CONTACTS on intent applications, policy application.minContactsForIntent)',
    where: ['src/customers/contact.service.ts', 'src/applications/application-checklist.service.ts'],
  },
  {
    code: 'F2',
    title: 'Every contact attempt is a follow-up with channel, notes and the next contact time',
    where: ['src/customers/follow-up.service.ts', 'src/customers/follow-up.validation.ts'],
  },
  {
    code: 'F3',
    title: 'Next contact times become reminders: overdue, today, upcoming (read from the follow-up plans, F6)',
    where: ['src/customers/follow-up.service.ts', 'src/customers/follow-up-plan.service.ts'],
  },
  { code: 'F4', title: 'Follow-ups are append-only', where: ['src/customers/follow-up.service.ts'] },
  {
    code: 'N1',
    title:
      'People are told what needs them (auditors, applicants, custodians, managers, after-sales, administrators), each notification written in the transaction of its cause; live over subscriptions and webhooks',
    where: [
      'src/notifications/rules/n1-who-is-told.ts',
      'src/notifications/notification.service.ts',
      'src/notifications/subscription.resolver.ts',
      'src/webhooks/webhook.events.ts',
      'src/webhooks/webhook.worker.ts',
    ],
  },
  {
    code: 'P11',
    title: 'Terms, cool-downs, caps and the calendar are policy a designer changes without code',
    where: ['src/workflow/policy/policy.schema.ts', 'src/workflow/policy/default-policy.json'],
  },
  { code: 'A1', title: 'Protection, intent conversion and extension applications go to audit', where: ['src/applications/application-opening.service.ts'] },
  {
    code: 'A5',
    title: 'An application waiting longer than the audit SLA (3 working days) is overdue in the queue',
    where: ['src/applications/rules/a5-audit-sla.ts'],
  },
  {
    code: 'T6',
    title:
      'Claims, assignments (pool customers only) and transfers (customers in custody only) can be done in batches of up to 100; each item is all or nothing, a refused one does not stop the others',
    where: ['src/customers/customer-batch.service.ts'],
  },
  {
    code: 'T8',
    title:
      'Customers are imported from and exported to CSV/Excel with the same validation and duplicate check (a dry run reports each row); exports follow the customers query’s filters and visibility, formula cells neutralised',
    where: ['src/transfer-files/customer-import.service.ts', 'src/transfer-files/customer-export.service.ts', 'src/transfer-files/transfer.routes.ts'],
  },
  {
    code: 'V1',
    title:
      'Value classes over the value window (policy value.window, a year): A 金牌 = the top value.goldShare (5 %) of buyers by revenue, C drag = no confirmed contract for value.dragAfter or only lost (voided) bids, B the rest; with a Pareto curve',
    where: ['src/value/rules/v1-value-class.ts', 'src/value/value.sql.ts'],
  },
  {
    code: 'V2',
    title:
      'The value pyramid: a customer’s level is one of VIP, MAJOR, ORDINARY, SMALL (free text of before kept in levelNote); its tier is the one its revenue in the window earns by the thresholds of policy value.tiers',
    where: ['src/value/rules/v2-tier.ts', 'src/customers/customer-level.ts'],
  },
  {
    code: 'V3',
    title:
      'Lifetime value: revenue to date, purchases, first and last, average interval, repurchase rate; loyalty stages potential → first purchase → repeat → advocate (value.advocateReferrals referrals) → partner (purchases in value.partnerYears calendar years)',
    where: ['src/value/rules/v3-loyalty.ts', 'src/value/value.sql.ts'],
  },
  {
    code: 'V6',
    title:
      'A new formal customer’s after-sales custodian gets the after-sale visit plan (policy followUp.visitPlan): one follow-up plan per step, due its offset after the signing; a follow-up completes a step only once it is due',
    where: ['src/customers/visit-plan.ts', 'src/customers/follow-up-plan.service.ts'],
  },
];

const link = (path: string) => `[\`${path.split('/').pop()}\`](../${path})`;
const codes = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

/** Rule folders of machines that live in another machine's feature (plans and contacts are the customers feature's). */
const RULE_DIRS: Readonly<Record<string, string>> = { followUpPlan: 'src/customers/plan-rules', contact: 'src/customers/rules' };

/** The repository file of a machine rule: `src/<feature>s/rules/<code>-….ts` (or its RULE_DIRS folder). */
function ruleFile(root: string, workflow: string, code: string): string {
  const dir = RULE_DIRS[workflow] ?? `src/${workflow}s/rules`;
  const file = readdirSync(join(root, dir)).find((f) => f.startsWith(`${code.toLowerCase()}-`) && f.endsWith('.ts'));
  if (!file) throw new Error(`rule ${code} of ${workflow} has no file in ${dir}`);
  return `${dir}/${file}`;
}

/** docs/rules.md: every numbered rule the code implements, linked to its file (`npm run docs`). */
export function rulesMarkdown(root: string): string {
  const lines = [
    '# The rules the code implements',
    '',
    'Generated by `npm run docs` from the rule registries (`src/<feature>/rules/index.ts`); a test fails when this page is stale.',
    'Each rule of a machine lives in one file named after its code: its guards (with the refusal a client gets), the facts they',
    'read, the context updates and effects the machine names, and the policy terms it defines. `docs/workflows/` shows where',
    'each guard sits in its machine.',
    '',
  ];
  for (const def of repositoryWorkflows()) {
    lines.push(
      `## The \`${def.name}\` workflow`,
      '',
      '| rule | what it says | file | guards (refusal code) | actions and effects | terms | policy |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const r of def.rules) {
      const guards = r.guards.map((g) => `\`${g}\` (${def.guardRules[g]?.code ?? '?'})`).join(', ');
      lines.push(
        `| ${r.code} | ${r.title} | ${link(ruleFile(root, def.name, r.code))} | ${guards} | ${codes(r.actions)} | ${codes(r.terms)} | ${codes(r.policyKeys)} |`,
      );
    }
    lines.push('');
  }
  lines.push('## Rules enforced outside the machines', '', '| rule | what it says | where |', '| --- | --- | --- |');
  for (const r of OTHER_RULES) lines.push(`| ${r.code} | ${r.title} | ${r.where.map(link).join(', ')} |`);
  return lines.join('\n') + '\n';
}
