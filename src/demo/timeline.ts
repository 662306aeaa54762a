/**
 * The demo's calendar: when (days ago) each scenario's steps happened, and the year of after-sales
 * business its formal customers have (repeat contracts, payments, the V6 visits done).
 */

export type Scenario = 'pendingAudit' | 'rejected' | 'protected' | 'protectedExpiringSoon' | 'intent' | 'formal' | 'pool' | 'poolAbandoned';

/** How many days back the demo's story starts (users, departments and products exist from then). */
export const STORY_DAYS = 430;

/** When each formal customer (in data order) signed its first contract, days ago. */
const FORMAL_SIGNED = [400, 300, 180, 60] as const;

/** Repeat contracts after the first, by formal customer: days ago and how far they were paid. */
export const AFTER_SALES_YEAR: ReadonlyArray<ReadonlyArray<{ daysAgo: number; end: 'settled' | 'partlyPaid' | 'confirmed' }>> = [
  [],
  [
    { daysAgo: 240, end: 'settled' },
    { daysAgo: 180, end: 'settled' },
    { daysAgo: 120, end: 'partlyPaid' },
    { daysAgo: 45, end: 'confirmed' },
  ],
  [
    { daysAgo: 135, end: 'settled' },
    { daysAgo: 90, end: 'settled' },
    { daysAgo: 45, end: 'settled' },
    { daysAgo: 12, end: 'partlyPaid' },
  ],
  [],
];

/** What after-sales wrote for each V6 visit step it made. */
export const VISIT_NOTES: Readonly<Record<string, string>> = {
  THANK_YOU_VISIT: '上门致谢，确认设备已安装调试完毕，客户满意。',
  PHONE_CHECK: '电话回访：机组运行正常，提醒定期清洗滤网。',
  LETTER: '寄送感谢信及保养手册。',
  SATISFACTION_SURVEY: '满意度调查：服务 5 分，产品 4 分，建议缩短报修响应时间。',
  REFERRAL_REQUEST: '请客户推荐同行，客户答应介绍两家兄弟单位。',
  REPURCHASE_LETTER: '寄送续购及年度维保优惠函。',
};

/**
 * When (days ago) each step of a scenario happened. Each protection term (30 days) must still
 * be running when the next step happens, so the dates are capped rather than taken from the
 * data's oldest follow-up; follow-ups are moved inside the custody window instead.
 */
export type Plan = ReturnType<typeof timeline>;

export function timeline(
  scenario: Scenario,
  oldest: number,
  formalIndex = 0,
): Partial<Record<'approved' | 'rejected' | 'intent' | 'signed' | 'abandoned' | 'expired', number>> & {
  created: number;
  custodyEnds: number;
} {
  const within = (lo: number, hi: number) => Math.min(Math.max(oldest, lo), hi);
  switch (scenario) {
    case 'pendingAudit':
      return { created: within(1, 5), custodyEnds: 0 };
    case 'rejected':
      return { created: within(2, 5) + 0.5, rejected: 1, custodyEnds: 0 };
    case 'protected': {
      const approved = within(10, 25);
      return { created: approved + 1, approved, custodyEnds: 0 };
    }
    case 'protectedExpiringSoon':
      return { created: 28.5, approved: 28, custodyEnds: 0 };
    case 'intent':
      return { created: 25, approved: 24, intent: 6, custodyEnds: 0 };
    case 'formal': {
      // A year of business: the first formal customer signed over a year ago and never again (a drag
      // customer, V1); the others at staggered dates, then bought again (AFTER_SALES_YEAR).
      const signed = FORMAL_SIGNED[formalIndex % FORMAL_SIGNED.length] ?? 20;
      return { created: signed + 22, approved: signed + 21, intent: signed + 10, signed, custodyEnds: signed + 0.5 };
    }
    case 'pool': {
      const approved = within(40, 80);
      return { created: approved + 1, approved, expired: approved - 30, custodyEnds: approved - 30 + 0.5 };
    }
    case 'poolAbandoned': {
      const approved = within(10, 25);
      return { created: approved + 1, approved, abandoned: 5, custodyEnds: 5.5 };
    }
  }
}
