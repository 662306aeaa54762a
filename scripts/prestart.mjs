/**
 * npm start's prestart: compile only when a source changed, then make PGlite's template cluster
 * (src/platform/db/pglite.ts) and the demo story's recording (src/demo/recording.ts) unless they exist. Plain JavaScript, so that a fresh build costs no
 * TypeScript start-up: the build counts as fresh while tsc -b's build info is newer than every file
 * and folder under src/ and the tsconfig and package files (an added, edited or deleted source
 * changes a modification time). Otherwise `tsc -b tsconfig.build.json` decides, incrementally.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildInfo = join(root, 'dist', 'tsconfig.build.tsbuildinfo');

/** The newest modification time of `path` and, for a folder, of everything under it. */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const built = newest(buildInfo);
if (built === 0 || inputs.some((input) => newest(join(root, input)) >= built)) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // tsc -b leaves its build info alone when only package.json changed: mark this check's inputs seen.
  const now = new Date();
  utimesSync(buildInfo, now, now);
}
// With PostgreSQL there is nothing to prepare: its demo seed (SEED_DEMO=true) runs the story itself.
if (!process.env.DATABASE_URL) {
  const { ensurePgliteTemplate } = await import(new URL('../dist/src/platform/db/pglite.js', import.meta.url).href);
  await ensurePgliteTemplate();
  // The demo story, recorded for this build (src/demo/recording.ts): an empty start replays it in bulk.
  const recording = await import(new URL('../dist/src/demo/recording.js', import.meta.url).href);
  const key = recording.demoRecordingKey();
  if (!recording.loadDemoRecording(key)) {
    const { recordDemoStory } = await import(new URL('../dist/src/demo/record-story.js', import.meta.url).href);
    recording.saveDemoRecording(await recordDemoStory(key));
  }
}
