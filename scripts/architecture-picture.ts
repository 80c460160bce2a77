/**
 * Draws the folders of src/ and the imports between them (dependency-cruiser,
 * with the rules and options of .dependency-cruiser.cjs) as a mermaid chart, and
 * writes it into docs/architecture.md between its markers. With `--check` it
 * writes nothing and fails when the document's picture is not the code's.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const DOC = 'docs/architecture.md';
const BEGIN = '<!-- picture: npm run docs:architecture -->';
const END = '<!-- end of picture -->';

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

const doc = await readFile(DOC, 'utf8');
const begin = doc.indexOf(BEGIN);
const end = doc.indexOf(END);
if (begin < 0 || end < begin) throw new Error(`${DOC} has no "${BEGIN}" … "${END}" block`);
const next = doc.slice(0, begin) + (await picture()) + doc.slice(end + END.length);
if (process.argv.includes('--check')) {
  if (next !== doc) {
    console.error(`${DOC}: the picture is not what the code imports; run npm run docs:architecture`);
    process.exitCode = 1;
  }
} else if (next !== doc) {
  await writeFile(DOC, next);
  console.log(`${DOC}: picture redrawn`);
}
