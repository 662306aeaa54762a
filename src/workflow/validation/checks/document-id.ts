/** The document's id is the workflow's name. */
import type { DocumentCheck } from '../check.js';
import { isObject } from '../json.js';

/** The id is the workflow's name, which absolute targets (`#customer.pool`) refer to. */
export const documentId: DocumentCheck = {
  name: 'document-id',
  description: 'The document’s id is the workflow’s name, which targets such as #name.state refer to.',
  phase: 'shape',
  run: ({ ctx, report }) => ({
    document(input) {
      if (isObject(input) && input.id !== ctx.name) report('id', `must be ${JSON.stringify(ctx.name)} (targets such as #${ctx.name}.x refer to it)`);
    },
  }),
};
