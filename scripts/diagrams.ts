/** Writes docs/workflows/<name>.md for every workflow (`npm run diagrams`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { allWorkflowDescriptions } from '../src/catalogue.js';
import { workflowMarkdown } from '../src/workflow/describe.js';

const dir = new URL('../docs/workflows/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const d of allWorkflowDescriptions()) {
  writeFileSync(new URL(`${d.name}.md`, dir), workflowMarkdown(d));
  console.log(`wrote docs/workflows/${d.name}.md`);
}
