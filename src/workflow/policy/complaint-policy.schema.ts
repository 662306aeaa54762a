/** V4: the policy section `complaint` (the complaint machine's terms). */
import { section, term } from './policy-parts.js';

export const complaintPolicySchema = section({
  /** V4: an open or in-progress complaint logged longer ago than this is overdue (reports). */
  slaTerm: term,
  /** V4: a resolved complaint nobody closed or reopened closes by itself after this (AUTO_CLOSE). */
  autoCloseAfter: term,
  /** V4: a closed complaint may be reopened this long after closing; later, a new one is logged. */
  reopenWithin: term,
});

/** V4 defaults, also for policy documents written before the section existed. */
export const DEFAULT_COMPLAINT_POLICY = { slaTerm: 'P2D', autoCloseAfter: 'P7D', reopenWithin: 'P30D' };
