import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { isWorkingDate } from '../../src/workflow/policy/calendar.js';
import {
  DEFAULT_POLICY,
  loadPolicyFile,
  mergePolicy,
  POLICY_SECTIONS,
  PolicyError,
  validatePolicy,
  type PolicyValidation,
} from '../../src/workflow/policy/policy.js';

function problemPaths(result: PolicyValidation): string[] {
  return result.ok ? [] : result.problems.map((p) => p.path);
}

describe('policy (P11)', () => {
  describe('defaults', () => {
    it('should be a valid policy', () => {
      expect(validatePolicy(DEFAULT_POLICY)).toEqual({ ok: true, policy: DEFAULT_POLICY });
    });

    it('should hold the numbers of the domain rules (P1–P5, A5)', () => {
      expect(DEFAULT_POLICY.customer).toMatchObject({
        prospectTerm: 'P30D', // P2
        intentTerm: 'P15D', // P4
        extensionTerm: 'P15D', // P3
        abandonCoolDown: 'P3D', // P5
        rejectionReleaseWorkingDays: 3, // P1
        maxCustomersPerSales: null, // P7
        dailyClaimLimit: null, // P7
      });
      expect(DEFAULT_POLICY.application.auditSla.workingDays).toBe(3); // A5
      expect(DEFAULT_POLICY.application.steps.PROTECTION).toEqual([{ role: 'AUDITOR', mode: 'ANY' }]);
      expect(DEFAULT_POLICY.application.minContactsForIntent).toBe(3); // F1: THREE_CONTACTS
      expect(DEFAULT_POLICY.contract).toEqual({ afterSales: { mode: 'LEAST_LOADED', username: null }, numberPrefix: 'HT', creditTermDays: 30 });
      expect(DEFAULT_POLICY.followUp).toMatchObject({ grace: 'P1D', escalateAfter: 'P3D', onCustodyChange: 'CARRY' }); // F6
      // V6: the six after-sale visits of the handbook, days after the signing.
      expect(DEFAULT_POLICY.followUp.visitPlan.map((v) => `${v.step} ${v.after}`)).toEqual([
        'THANK_YOU_VISIT P3D',
        'PHONE_CHECK P14D',
        'LETTER P30D',
        'SATISFACTION_SURVEY P90D',
        'REFERRAL_REQUEST P120D',
        'REPURCHASE_LETTER P330D',
      ]);
    });

    it('should use a Shanghai calendar with China 2026 holidays and make-up workdays', () => {
      const calendar = DEFAULT_POLICY.calendar;
      expect(calendar.timeZone).toBe('Asia/Shanghai');
      expect(calendar.weekend).toEqual([6, 7]);
      expect(isWorkingDate('2026-10-01', calendar)).toBe(false); // National Day
      expect(isWorkingDate('2026-02-17', calendar)).toBe(false); // Spring Festival
      expect(isWorkingDate('2026-10-10', calendar)).toBe(true); // make-up Saturday
      expect(isWorkingDate('2027-02-08', calendar)).toBe(false); // 2027 Spring Festival (statutory)
    });

    it('should be deeply frozen', () => {
      expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
      expect(Object.isFrozen(DEFAULT_POLICY.customer)).toBe(true);
      expect(Object.isFrozen(DEFAULT_POLICY.calendar.holidays)).toBe(true);
      expect(Object.isFrozen(DEFAULT_POLICY.application.steps.INTENT[0])).toBe(true);
    });

    it('should list its sections', () => {
      expect(Object.keys(DEFAULT_POLICY)).toEqual([...POLICY_SECTIONS]);
    });
  });

  describe('validatePolicy', () => {
    it.each<[string, unknown, string]>([
      ['a malformed duration', { customer: { prospectTerm: 'P' } }, 'customer.prospectTerm'],
      ['a zero duration', { customer: { abandonCoolDown: 'PT0S' } }, 'customer.abandonCoolDown'],
      ['a number instead of a duration', { customer: { intentTerm: 15 } }, 'customer.intentTerm'],
      ['an extension above its cap (P3)', { customer: { extensionTerm: 'P45D' } }, 'customer.extensionTerm'],
      ['a zero count (P1)', { customer: { rejectionReleaseWorkingDays: 0 } }, 'customer.rejectionReleaseWorkingDays'],
      ['a fractional count', { customer: { rejectionReleaseWorkingDays: 2.5 } }, 'customer.rejectionReleaseWorkingDays'],
      ['a negative cap (P7)', { customer: { maxCustomersPerSales: -1 } }, 'customer.maxCustomersPerSales'],
      ['a text daily limit (P7)', { customer: { dailyClaimLimit: '5' } }, 'customer.dailyClaimLimit'],
      ['a non-boolean flag', { customer: { capCountsFormal: 'yes' } }, 'customer.capCountsFormal'],
      ['null where no null is allowed', { customer: { prospectTerm: null } }, 'customer.prospectTerm'],
      ['an unknown key', { customer: { prospectTrem: 'P30D' } }, 'customer.prospectTrem'],
      ['an unknown section', { reports: {} }, 'reports'],
      ['a zero audit SLA (A5)', { application: { auditSla: { workingDays: 0 } } }, 'application.auditSla.workingDays'],
      ['a kind without steps (A1)', { application: { steps: { INTENT: [] } } }, 'application.steps.INTENT'],
      ['an unknown kind', { application: { steps: { REFUND: [] } } }, 'application.steps.REFUND'],
      ['a negative contact threshold (F1)', { application: { minContactsForIntent: -1 } }, 'application.minContactsForIntent'],
      ['a fractional contact threshold (F1)', { application: { minContactsForIntent: 2.5 } }, 'application.minContactsForIntent'],
      ['a contact threshold above its bound (F1)', { application: { minContactsForIntent: 101 } }, 'application.minContactsForIntent'],
      ['an unknown role', { application: { steps: { EXTENSION: [{ role: 'BOSS', mode: 'ANY' }] } } }, 'application.steps.EXTENSION.0.role'],
      ['an unknown mode', { application: { steps: { PROTECTION: [{ role: 'AUDITOR', mode: 'MOST' }] } } }, 'application.steps.PROTECTION.0.mode'],
      ['an unknown step key', { application: { steps: { INTENT: [{ role: 'AUDITOR', mode: 'ANY', quorum: 2 }] } } }, 'application.steps.INTENT.0.quorum'],
      ['a blank after-sales username', { contract: { afterSales: { mode: 'USER', username: ' ' } } }, 'contract.afterSales.username'],
      ['no username with mode USER', { contract: { afterSales: { mode: 'USER', username: null } } }, 'contract.afterSales.username'],
      ['an unknown after-sales mode', { contract: { afterSales: { mode: 'RANDOM', username: null } } }, 'contract.afterSales.mode'],
      ['an empty number prefix', { contract: { numberPrefix: '' } }, 'contract.numberPrefix'],
      ['an unknown time zone', { calendar: { timeZone: 'Mars/Olympus_Mons' } }, 'calendar.timeZone'],
      ['a weekday out of range', { calendar: { weekend: [6, 8] } }, 'calendar.weekend.1'],
      ['a week without working days', { calendar: { weekend: [1, 2, 3, 4, 5, 6, 7] } }, 'calendar.weekend'],
      ['an unreal holiday', { calendar: { holidays: ['2026-01-01', '2026-02-30'] } }, 'calendar.holidays.1'],
      ['a duplicate holiday', { calendar: { holidays: ['2026-01-01', '2026-01-01'] } }, 'calendar.holidays.1'],
      ['a malformed workday', { calendar: { workdays: ['tomorrow'] } }, 'calendar.workdays.0'],
      ['a workday that is also a holiday', { calendar: { holidays: ['2026-10-10'], workdays: ['2026-10-10'] } }, 'calendar.workdays.0'],
      ['a list that is not a list', { calendar: { holidays: '2026-01-01' } }, 'calendar.holidays'],
    ])('should report %s with its path', (_label, changes, path) => {
      const result = mergePolicy(DEFAULT_POLICY, changes);
      expect(result.ok).toBe(false);
      expect(problemPaths(result)).toEqual([path]);
      if (!result.ok) expect(result.problems[0]?.message).toEqual(expect.any(String));
    });

    it('should explain the problem in words', () => {
      const result = mergePolicy(DEFAULT_POLICY, {
        customer: { prospectTerm: 'P0D' },
        application: { steps: { INTENT: [{ role: 'BOSS', mode: 'ANY' }] } },
      });
      expect(result).toEqual({
        ok: false,
        problems: [
          { path: 'customer.prospectTerm', message: expect.stringContaining('longer than zero') },
          { path: 'application.steps.INTENT.0.role', message: expect.stringContaining('AUDITOR') },
        ],
      });
    });

    it('should report every problem at once', () => {
      const result = mergePolicy(DEFAULT_POLICY, {
        customer: { prospectTerm: 'PT', dailyClaimLimit: 0 },
        application: { auditSla: { workingDays: -3 } },
        contract: { numberPrefix: 42 },
        calendar: { timeZone: 'Nowhere', weekend: [0] },
        colour: 'blue',
      });
      expect(problemPaths(result)).toEqual([
        'colour',
        'customer.prospectTerm',
        'customer.dailyClaimLimit',
        'application.auditSla.workingDays',
        'contract.numberPrefix',
        'calendar.timeZone',
        'calendar.weekend.0',
      ]);
    });

    it('should report a missing setting as required', () => {
      const { dailyClaimLimit: _omitted, ...customer } = DEFAULT_POLICY.customer;
      const result = validatePolicy({ ...DEFAULT_POLICY, customer });
      expect(result).toEqual({ ok: false, problems: [{ path: 'customer.dailyClaimLimit', message: 'is required' }] });
    });

    it('should report a missing section once, not each of its settings', () => {
      const { contract: _omitted, ...rest } = DEFAULT_POLICY;
      expect(validatePolicy(rest)).toEqual({ ok: false, problems: [{ path: 'contract', message: 'is required' }] });
    });

    it('should refuse a document that is not an object', () => {
      expect(problemPaths(validatePolicy(null))).toEqual(['']);
      expect(problemPaths(validatePolicy([DEFAULT_POLICY]))).toEqual(['']);
    });

    it('should accept null where it means "none"', () => {
      const result = mergePolicy(DEFAULT_POLICY, {
        customer: { maxCustomersPerSales: null, dailyClaimLimit: null },
        contract: { afterSales: { mode: 'LEAST_LOADED', username: null } },
      });
      expect(result.ok).toBe(true);
    });

    it('should read a document published with the old contract.afterSalesAssignee as afterSales (P6)', () => {
      const named = mergePolicy(DEFAULT_POLICY, { contract: { afterSalesAssignee: 'aftersales1' } });
      expect(named.ok && named.policy.contract.afterSales).toEqual({ mode: 'USER', username: 'aftersales1' });
      const none = mergePolicy(DEFAULT_POLICY, { contract: { afterSalesAssignee: null } });
      expect(none.ok && none.policy.contract.afterSales).toEqual({ mode: 'LEAST_LOADED', username: null });
    });

    it('should return a copy that shares nothing with the input', () => {
      const input = JSON.parse(JSON.stringify(DEFAULT_POLICY)) as unknown;
      const result = validatePolicy(input);
      expect(result.ok && result.policy).toEqual(input);
      expect(result.ok && result.policy).not.toBe(input);
      expect(result.ok && Object.isFrozen(result.policy.calendar.weekend)).toBe(true);
    });
  });

  describe('mergePolicy', () => {
    it('should change only the settings given', () => {
      const result = mergePolicy(DEFAULT_POLICY, { customer: { prospectTerm: 'P45D', maxCustomersPerSales: 200 } });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.policy.customer).toEqual({ ...DEFAULT_POLICY.customer, prospectTerm: 'P45D', maxCustomersPerSales: 200 });
      expect(result.policy.application).toEqual(DEFAULT_POLICY.application);
      expect(result.policy.calendar).toEqual(DEFAULT_POLICY.calendar);
    });

    it('should merge approval steps per kind and replace the list of a kind', () => {
      const steps = [
        { role: 'AUDITOR', mode: 'ANY' },
        { role: 'MANAGER', mode: 'ALL' },
      ];
      const result = mergePolicy(DEFAULT_POLICY, { application: { steps: { INTENT: steps } } });
      expect(result.ok && result.policy.application.steps).toEqual({ ...DEFAULT_POLICY.application.steps, INTENT: steps });
    });

    it('should replace lists rather than append to them', () => {
      const result = mergePolicy(DEFAULT_POLICY, { calendar: { holidays: ['2028-01-01'], workdays: [] } });
      expect(result.ok && result.policy.calendar).toEqual({ ...DEFAULT_POLICY.calendar, holidays: ['2028-01-01'], workdays: [] });
    });

    it('should set a cap back to null', () => {
      const capped = mergePolicy(DEFAULT_POLICY, { customer: { dailyClaimLimit: 10 } });
      expect(capped.ok).toBe(true);
      if (!capped.ok) return;
      const uncapped = mergePolicy(capped.policy, { customer: { dailyClaimLimit: null } });
      expect(uncapped.ok && uncapped.policy.customer.dailyClaimLimit).toBeNull();
    });

    it('should leave the base untouched', () => {
      const before = JSON.stringify(DEFAULT_POLICY);
      mergePolicy(DEFAULT_POLICY, { customer: { prospectTerm: 'P10D' }, calendar: { weekend: [7] } });
      expect(JSON.stringify(DEFAULT_POLICY)).toBe(before);
    });

    it('should report a __proto__ key instead of following it', () => {
      const result = mergePolicy(DEFAULT_POLICY, JSON.parse('{"__proto__": {"polluted": true}}'));
      expect(problemPaths(result)).toEqual(['__proto__']);
      expect(Object.prototype).not.toHaveProperty('polluted');
    });

    it('should refuse changes that are not an object', () => {
      expect(problemPaths(mergePolicy(DEFAULT_POLICY, 'P30D'))).toEqual(['']);
      expect(problemPaths(mergePolicy(DEFAULT_POLICY, null))).toEqual(['']);
    });
  });

  describe('loadPolicyFile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-policy-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    function file(name: string, content: string): string {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    }

    it('should return the defaults without a file', () => {
      expect(loadPolicyFile(undefined)).toBe(DEFAULT_POLICY);
    });

    it('should merge a partial file over the defaults', () => {
      const path = file('override.json', JSON.stringify({ customer: { prospectTerm: 'P60D' }, contract: { numberPrefix: 'CT' } }));
      const policy = loadPolicyFile(path);
      expect(policy.customer.prospectTerm).toBe('P60D');
      expect(policy.customer.intentTerm).toBe('P15D');
      expect(policy.contract.numberPrefix).toBe('CT');
      expect(policy.calendar).toEqual(DEFAULT_POLICY.calendar);
    });

    it('should throw a PolicyError listing every problem of an invalid file', () => {
      const path = file('invalid.json', JSON.stringify({ customer: { prospectTerm: 'thirty days' }, calendar: { holidays: ['2026-02-30'] } }));
      expect(() => loadPolicyFile(path)).toThrow(PolicyError);
      try {
        loadPolicyFile(path);
        expect.unreachable('loadPolicyFile should have thrown');
      } catch (error) {
        expect(error).toBeInstanceOf(PolicyError);
        if (!(error instanceof PolicyError)) return;
        expect(error.code).toBe('INVALID_POLICY');
        expect(error.problems.map((p) => p.path)).toEqual(['customer.prospectTerm', 'calendar.holidays.0']);
        expect(error.message).toContain(path);
        expect(error.message).toContain('2 problems');
        expect(error.message).toContain('- customer.prospectTerm: ');
        expect(error.message).toContain('- calendar.holidays.0: ');
      }
    });

    it('should throw a PolicyError for a file that is not JSON', () => {
      const path = file('broken.json', '{ "customer": { "prospectTerm": "P30D", } ');
      expect(() => loadPolicyFile(path)).toThrow(PolicyError);
      expect(() => loadPolicyFile(path)).toThrow(/not valid JSON/);
    });

    it('should throw a PolicyError for a file that is not an object', () => {
      expect(() => loadPolicyFile(file('array.json', '[]'))).toThrow(/must be an object/);
    });

    it('should throw a PolicyError for a missing file', () => {
      expect(() => loadPolicyFile(join(dir, 'missing.json'))).toThrow(/cannot read the file/);
    });
  });
});
