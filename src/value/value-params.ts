/** What the value figures depend on: the moment, the policy's value section, its time zone. */
export interface ValueParams {
  now: Date;
  /** The start of the value window (now − `value.window`). */
  windowStart: Date;
  /** Customers with no purchase since this are drag customers (now − `value.dragAfter`). */
  dragBefore: Date;
  goldShare: number;
  tiers: { VIP: string; MAJOR: string; ORDINARY: string };
  advocateReferrals: number;
  partnerYears: number;
  timeZone: string;
}
