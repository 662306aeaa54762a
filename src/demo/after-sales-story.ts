/**
 * The demo's formal customers after signing (issue 18): repeat orders with payments, the V6 visits
 * made as the plan fell due, a referral (V3) and a credit limit whose next order waits for a
 * manager's CREDIT decision (V5).
 */
import type { FollowUpChannel } from '../platform/db/schema.js';
import { money } from '../platform/money.js';
import { durationToMs } from '../workflow/policy/duration.js';
import { DEFAULT_POLICY } from '../workflow/policy/policy.js';
import type { Viewer } from '../platform/auth/viewer.js';
import type { Services } from '../services.js';
import { AFTER_SALES_YEAR, VISIT_NOTES } from './timeline.js';

const DAY = 86_400_000;

/** One step of the story, run at its moment. */
type Step = { daysAgo: number; run: () => Promise<void> };

/** What these steps need of the demo's story (seed.ts). */
interface Story {
  at(daysAgo: number): Services;
  viewer(username: string): Viewer;
  contractLife(customerId: string, owner: string, daysAgo: number, end: 'settled' | 'partlyPaid' | 'confirmed'): Promise<void>;
}

/** Repeat orders, value and credit, then visits, of the `formalIndex`-th formal customer. */
export function afterSalesYear(story: Story, customerId: string, signed: number, formalIndex: number, formalIds: readonly string[]): Step[] {
  const repeats = (AFTER_SALES_YEAR[formalIndex] ?? []).map(({ daysAgo, end }) => ({
    daysAgo,
    run: () => story.contractLife(customerId, 'aftersales1', daysAgo, end),
  }));
  return [
    ...repeats,
    ...valueSteps(story, customerId, formalIndex, formalIds),
    ...complaintSteps(story, customerId, formalIndex),
    ...visitSteps(story, customerId, signed),
  ];
}

/** V4: the second formal customer complained twice: once resolved on the spot and closed, once still open past the SLA. */
function complaintSteps(story: Story, customerId: string, formalIndex: number): Step[] {
  if (formalIndex !== 1) return [];
  const who = () => story.viewer('aftersales1');
  const base = { customerId, channel: 'PHONE' as const, handlerId: null };
  const settled = async () => {
    const s = story.at(150);
    const c = await s.complaints.open(who(), {
      ...base,
      category: 'QUALITY',
      severity: 'MEDIUM',
      subject: '机组运行噪音偏大',
      description: '客户来电反映新装机组夜间运行噪音偏大，影响值班室休息。',
    });
    await s.complaints.send(who(), c.id, { type: 'RESOLVE', resolution: '电话指导客户调整夜间静音模式，客户确认噪音正常。' });
    await story.at(149).complaints.send(story.viewer('manager1'), c.id, { type: 'CLOSE' });
  };
  const late = async () =>
    void (await story.at(3).complaints.open(who(), {
      ...base,
      category: 'DELIVERY',
      severity: 'HIGH',
      subject: '第二批配件迟迟未到',
      description: '客户催问第二批滤网和遥控器，约定上周到货至今未收到。',
    }));
  return [
    { daysAgo: 150, run: settled },
    { daysAgo: 3, run: late },
  ];
}

/**
 * V3/V5: the second formal customer gets a credit limit a little above what it owes, so its
 * next order waits for a manager's CREDIT decision; the third came on the second's referral.
 */
function valueSteps(story: Story, customerId: string, formalIndex: number, formalIds: readonly string[]): Step[] {
  const manager = () => story.viewer('manager1');
  if (formalIndex === 2) {
    const referral = async () => void (await story.at(100).customers.update(manager(), customerId, { referredById: formalIds[1] }));
    return [{ daysAgo: 100, run: referral }];
  }
  if (formalIndex !== 1) return [];
  const limit = async () => {
    const s = story.at(20);
    const [value] = await s.value.ofCustomers([customerId]);
    const room = (money.parse(value?.outstanding ?? '0') ?? 0n) + 500_000n; // 5,000.00 yuan in cents
    await s.credit.setCredit(manager(), customerId, money.format(room), 45);
  };
  return [
    { daysAgo: 20, run: limit },
    { daysAgo: 1, run: () => story.contractLife(customerId, 'aftersales1', 1, 'confirmed') },
  ];
}

/** V6: the after-sale visits made as the plan's steps fell due. */
function visitSteps(story: Story, customerId: string, signed: number): Step[] {
  return DEFAULT_POLICY.followUp.visitPlan.flatMap(({ step, after }) => {
    const daysAgo = signed - durationToMs(after) / DAY - 0.3;
    if (daysAgo < 0.5) return [];
    const input = {
      channel: (step.endsWith('LETTER') ? 'EMAIL' : step === 'THANK_YOU_VISIT' ? 'VISIT' : 'PHONE') as FollowUpChannel,
      notes: VISIT_NOTES[step] ?? step,
      nextContactAt: null,
      contactId: null,
    };
    return [{ daysAgo, run: async () => void (await story.at(daysAgo).followUps.add(story.viewer('aftersales1'), customerId, input)) }];
  });
}
