/**
 * Draws the folders of src/ and the imports between them (dependency-cruiser,
 * with the rules and options of .dependency-cruiser.cjs) as a mermaid chart, and
 * writes it into docs/architecture.md between its markers. With `--check` it
 * writes nothing and fails when the document's picture is not the code's, when
 * its folder table misses a folder of src/ or names one that is gone, when the
 * root of src/ holds more than the entry points and the wiring, or when a module
 * grew past MAX_LINES (the texts and the schema may: they are lists, not logic).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const DOC = 'docs/architecture.md';
const BEGIN = '<!-- picture: npm run docs:architecture -->';
const END = '<!-- end of picture -->';
const ROOT_FILES = ['app.ts', 'config.ts', 'deps.ts', 'server.ts'];
const MAX_LINES = 300;
const LONG_ALLOWED = /^src\/(bot\/texts\/(ru|en)\.ts|db\/schema\.ts)$/;

async function picture(): Promise<string> {
  const { stdout } = await promisify(execFile)('node_modules/.bin/depcruise', [
    'src',
    '--include-only',
    '^src/',
    // The wiring imports everything and everything reads the config: drawn, they would hide the layers.
    '--exclude',
    '^src/(app|deps|server|config)\\.ts$',
    '--collapse',
    '^src/[^/]+',
    '--output-type',
    'mermaid',
  ]);
  // Edges sorted, so reordering the imports of a file does not redraw the picture.
  const lines = stdout.trim().split('\n');
  const chart = [...lines.filter((line) => !line.includes('-->')), ...lines.filter((line) => line.includes('-->')).sort()].join('\n');
  return `${BEGIN}\n\n\`\`\`mermaid\n${chart}\n\`\`\`\n\n${END}`;
}

/** What the document and the tree disagree on, besides the picture, and the modules grown too long. */
async function mismatches(doc: string): Promise<string[]> {
  const entries = await readdir('src', { withFileTypes: true });
  const modules = (await readdir('src', { recursive: true })).filter((f) => f.endsWith('.ts')).map((f) => path.join('src', f));
  const long = [];
  for (const file of modules.filter((f) => !LONG_ALLOWED.test(f))) {
    const lines = (await readFile(file, 'utf8')).split('\n').length - 1;
    if (lines > MAX_LINES) long.push(`${file}: ${lines} lines, more than ${MAX_LINES}; split it along a seam`);
  }
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const named = new Set([...doc.matchAll(/`src\/([\w-]+)\/`/g)].map((m) => m[1]!));
  return [
    ...folders.filter((f) => !named.has(f)).map((f) => `src/${f}/ is not in the folder table`),
    ...[...named].filter((f) => !folders.includes(f)).map((f) => `src/${f}/ is in the folder table but not in the tree`),
    ...entries
      .filter((e) => e.isFile() && !ROOT_FILES.includes(e.name))
      .map((e) => `src/${e.name}: the root of src/ holds only ${ROOT_FILES.join(', ')}; give it a folder`),
    ...long,
  ];
}

const doc = await readFile(DOC, 'utf8');
const begin = doc.indexOf(BEGIN);
const end = doc.indexOf(END);
if (begin < 0 || end < begin) throw new Error(`${DOC} has no "${BEGIN}" … "${END}" block`);
const next = doc.slice(0, begin) + (await picture()) + doc.slice(end + END.length);

if (process.argv.includes('--check')) {
  const problems = await mismatches(doc);
  if (next !== doc) problems.push('the picture is not what the code imports; run npm run docs:architecture');
  for (const problem of problems) console.error(`${DOC}: ${problem}`);
  if (problems.length > 0) process.exitCode = 1;
} else if (next !== doc) {
  await writeFile(DOC, next);
  console.log(`${DOC}: picture redrawn`);
}
