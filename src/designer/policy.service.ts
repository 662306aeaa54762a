/**
 * Policies as designers change them (P11): each publish is validated, stored as a new version
 * with its author and diff, and put in force for deadlines and applications started after it
 * (running terms keep the deadline they were given).
 */
import { desc, eq } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import { policyVersions, type PolicyVersionRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { ConflictError, FieldErrorCollector, NotFoundError } from '../platform/errors.js';
import { mergePolicy, type Policy, type PolicySection } from '../workflow/policy/policy.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { invariant } from '../platform/invariant.js';

/** Which policy sections each workflow owns. */
export const WORKFLOW_SECTIONS: Record<string, PolicySection[]> = {
  customer: ['customer', 'calendar'],
  application: ['application'],
  contract: ['contract'],
  followUpPlan: ['followUp'],
  contact: [],
};

function leaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) for (const [p, x] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(p, x);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** Leaf-by-leaf differences between two documents (arrays compared whole). */
function policyDiff(before: unknown, after: unknown): { path: string; from: unknown; to: unknown }[] {
  const a = leaves(before);
  const b = leaves(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p))).map((p) => ({ path: p, from: a.get(p) ?? null, to: b.get(p) ?? null }));
}

export class PolicyService {
  private version = 0;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly current: () => Policy,
    private readonly put: (policy: Policy) => void,
  ) {}

  /** The version in force (0 = the built-in or POLICY_FILE document). */
  get currentVersion(): number {
    return this.version;
  }

  /** Loads the newest published version, if any (at start, and periodically on every instance). */
  async refresh(): Promise<void> {
    const [latest] = await this.database.db.select().from(policyVersions).orderBy(desc(policyVersions.version)).limit(1);
    if (!latest || latest.version <= this.version) return;
    const result = mergePolicy(this.current(), latest.document);
    if (result.ok) {
      this.put(result.policy);
      this.version = latest.version;
    }
  }

  async update(viewer: Viewer, workflow: string, changes: unknown, expectedVersion: number, note?: string | null): Promise<PolicyVersionRow> {
    requireRole(viewer, 'DESIGNER');
    const sections = WORKFLOW_SECTIONS[workflow];
    if (!sections) throw new NotFoundError('Workflow', workflow);
    const errors = new FieldErrorCollector();
    if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
      errors.add('changes', 'must be an object of policy sections, e.g. { "customer": { "prospectTerm": "P20D" } }');
    } else {
      for (const key of Object.keys(changes)) {
        if (!sections.includes(key as PolicySection))
          errors.add(`changes.${key}`, `is not a policy of the ${workflow} workflow (its sections: ${sections.join(', ')})`);
      }
    }
    errors.throwIfAny('Invalid policy change');
    await this.refresh();
    if (expectedVersion !== this.version) {
      throw new ConflictError(`The policies are at version ${this.version}, you had ${expectedVersion}; reload and retry`, { currentVersion: this.version });
    }
    const merged = mergePolicy(this.current(), changes);
    if (!merged.ok) for (const p of merged.problems) errors.add(p.path ? `changes.${p.path}` : 'changes', p.message);
    errors.throwIfAny('Invalid policy change');
    invariant(merged.ok, 'a policy that does not merge has at least one problem');
    const document: Record<string, unknown> = { ...merged.policy };
    const diff = policyDiff(this.current(), document);
    try {
      const [row] = await this.database.db
        .insert(policyVersions)
        .values({
          version: this.version + 1,
          workflow,
          document,
          changes: changes as Record<string, unknown>,
          diff,
          authorId: viewer.id,
          note: note?.trim() || null,
          createdAt: this.clock(),
        })
        .returning();
      invariant(row, 'insert … returning gives the row');
      this.put(merged.policy);
      this.version = row.version;
      return row;
    } catch (err) {
      if (uniqueViolation(err)) throw new ConflictError('Someone published a policy change at the same time; reload and retry', {});
      throw err;
    }
  }

  async history(workflow: string): Promise<PolicyVersionRow[]> {
    return this.database.db.select().from(policyVersions).where(eq(policyVersions.workflow, workflow)).orderBy(desc(policyVersions.version));
  }
}
