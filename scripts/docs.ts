/** Writes the generated docs: docs/workflows/<name>.md for every machine and docs/rules.md (`npm run docs`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allWorkflowDescriptions, rulesMarkdown } from '../src/catalogue.js';
import { workflowMarkdown } from '../src/workflow/describe.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = new URL('../docs/workflows/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const d of allWorkflowDescriptions()) {
  writeFileSync(new URL(`${d.name}.md`, dir), workflowMarkdown(d));
  console.log(`wrote docs/workflows/${d.name}.md`);
}
writeFileSync(new URL('../docs/rules.md', import.meta.url), rulesMarkdown(root));
console.log('wrote docs/rules.md');
