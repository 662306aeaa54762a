/** Migration 0019 (F5): existing contacts become active instances of the contact machine, exactly as new ones start. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { contactMachine } from '../../src/customers/contact.workflow.js';
import { statePath } from '../../src/workflow/machine-paths.js';

const SQL = readFileSync(new URL('../../drizzle/0019_contact_machine.sql', import.meta.url), 'utf8');

describe('migration 0019: contacts run on the contact machine (F5)', () => {
  const literal = /"snapshot" jsonb DEFAULT '([^']+)'::jsonb/u.exec(SQL)?.[1] ?? '';

  it('should backfill the persisted snapshot engine.initial writes for a new contact (F5)', () => {
    const [initial] = initialTransition(contactMachine, {});
    expect(JSON.parse(literal)).toEqual(contactMachine.getPersistedSnapshot(initial));
  });

  it('should backfill a snapshot the engine restores as active, with a CREATE history row each (F5)', () => {
    const restored = contactMachine.resolveState(JSON.parse(literal) as Parameters<typeof contactMachine.resolveState>[0]);
    expect(statePath(restored.value)).toBe('active');
    expect(restored.context).toEqual({ leftOn: null, leftNote: null });
    expect(SQL).toContain(`ADD COLUMN "state" text DEFAULT 'active' NOT NULL`);
    expect(SQL).toMatch(/INSERT INTO "transitions"[\s\S]*'CREATE', NULL, 'active', "created_by_id"/u);
  });
});
