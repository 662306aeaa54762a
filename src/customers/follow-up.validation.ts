/** F2 input rules for follow-ups, as a zod schema over the `follow_ups` table. */
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';

import { FOLLOW_UP_CHANNELS, followUps } from '../platform/db/schema.js';
import { evenAfterOtherProblems } from '../platform/validation.js';

const NOTES = 'must describe the contact (at least 5 characters)';

/** F2: notes must say something: enough characters, and not one character repeated. */
function nonTrivial(notes: string): boolean {
  const text = notes.replace(/\s/g, '');
  return text.length >= 5 && new Set(text).size >= 3;
}

/** The columns of `follow_ups` a client writes; author, customer and time are the server's (F4). */
const followUpRecord = createInsertSchema(followUps)
  .pick({ channel: true, notes: true, nextContactAt: true, contactId: true })
  .extend({
    channel: z.enum(FOLLOW_UP_CHANNELS, { error: `must be one of ${FOLLOW_UP_CHANNELS.join(', ')}` }),
    notes: z.string({ error: NOTES }).trim().refine(nonTrivial, NOTES),
    // Ids are checked as ids at the edge (platform/graphql/ids.ts); whose contact it is, the service checks.
    contactId: z.string().nullish(),
  });

/** A follow-up as a client sends it (GraphQL `FollowUpInput`). */
export type FollowUpInput = z.input<typeof followUpRecord>;

/** What {@link followUpInput}'s checks depend on. */
export interface FollowUpContext {
  readonly now: Date;
  /** F2: a follow-up by the custodian (a salesperson) must say when the next contact is. */
  readonly nextContactRequired: boolean;
}

/** F2: channel, meaningful notes, and a next contact time in the future (required when `nextContactRequired`). */
export function followUpInput({ now, nextContactRequired }: FollowUpContext) {
  return followUpRecord.superRefine(
    ({ nextContactAt }, ctx) => {
      if (nextContactAt instanceof Date) {
        if (nextContactAt <= now) ctx.addIssue({ code: 'custom', path: ['nextContactAt'], message: 'must be in the future' });
      } else if (nextContactAt == null && nextContactRequired) {
        ctx.addIssue({ code: 'custom', path: ['nextContactAt'], message: 'is required: when is the next contact? (F2)' });
      }
    },
    { when: evenAfterOtherProblems },
  );
}
