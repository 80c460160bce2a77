import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/** A copy of what `npm run lint:architecture` reads (src/, docs/, the rule file), with the installed packages. */
async function copyOfTree(t: Test): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'avatar-bot-arch-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const item of ['src', 'docs', 'scripts', '.dependency-cruiser.cjs', 'tsconfig.json', 'package.json']) {
    await cp(path.join(ROOT, item), path.join(dir, item), { recursive: true });
  }
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** Runs a command of the lint in `dir`: its exit code and everything it printed. */
async function lint(dir: string, command: string, args: string[]): Promise<{ code: number; output: string }> {
  return run(command, args, { cwd: dir }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}
const depcruise = (dir: string) => lint(dir, 'node_modules/.bin/depcruise', ['src']);
const pictureCheck = (dir: string) => lint(dir, process.execPath, ['--import', 'tsx', 'scripts/architecture.ts', '--check']);

t.test('the tree keeps the architecture rules, and the document matches it', async (t) => {
  const dir = await copyOfTree(t);
  const rules = await depcruise(dir);
  t.equal(rules.code, 0, rules.output);
  t.match(rules.output, /no dependency violations found/);
  const doc = await pictureCheck(dir);
  t.equal(doc.code, 0, doc.output);
});

t.test('a forbidden import or a cycle fails the lint, naming the rule it breaks', async (t) => {
  const dir = await copyOfTree(t);
  const write = (file: string, text: string) => writeFile(path.join(dir, file), text);
  await write('src/domain/probe-upward.ts', "import type { BotContext } from '../bot/context.js';\nexport type Probe = BotContext;\n");
  await write('src/domain/probe-telegraf.ts', "import { Composer } from 'telegraf';\nexport const probe = new Composer();\n");
  await write('src/routes/probe-tables.ts', "import { avatars } from '../db/schema.js';\nexport const probe = avatars;\n");
  await write('src/bot/probe-local.ts', "import { localTools } from '../local/index.js';\nexport const probe = localTools;\n");
  await write(
    'src/runtime/probe-domain.ts',
    "import { limiter } from './limiter.js';\nimport type { User } from '../domain/users.js';\nexport const probe: User | null = null;\nexport const l = limiter;\n",
  );
  await write('src/bot/features/probe-a.ts', "import { b } from './probe-b.js';\nexport const a = (): number => b() + 1;\n");
  await write('src/bot/features/probe-b.ts', "import { a } from './probe-a.js';\nexport const b = (): number => a() - 1;\n");

  const { code, output } = await depcruise(dir);
  t.not(code, 0, 'lint fails');
  t.match(output, /layer-domain: src\/domain\/probe-upward\.ts → src\/bot\/context\.ts/, 'domain importing the bot');
  t.match(output, /no-transport-below-bot: src\/domain\/probe-telegraf\.ts → .*telegraf/, 'domain importing telegraf');
  t.match(output, /tables-only-from-domain: src\/routes\/probe-tables\.ts → src\/db\/schema\.ts/, 'a route reading a table');
  t.match(output, /local-only-from-app: src\/bot\/probe-local\.ts → src\/local\/index\.ts/, 'the playground loaded by the bot');
  t.match(output, /layer-runtime: src\/runtime\/probe-domain\.ts → src\/domain\/users\.ts/, 'plumbing importing the domain');
  t.match(output, /no-circular: src\/bot\/features\/probe-a\.ts → /, 'a cycle between two features');
});

t.test('a folder missing from the document, a loose module at the root of src/, or one past 300 lines fails the lint', async (t) => {
  const dir = await copyOfTree(t);
  await mkdir(path.join(dir, 'src/gadgets'));
  await writeFile(path.join(dir, 'src/gadgets/detect.ts'), 'export const detect = () => 0;\n');
  await writeFile(path.join(dir, 'src/helpers.ts'), 'export const helper = () => 0;\n');
  await writeFile(path.join(dir, 'src/domain/long.ts'), 'export const line = 0;\n'.repeat(301));
  await writeFile(path.join(dir, 'src/bot/texts/ru.ts'), 'export const line = 0;\n'.repeat(400));
  const { code, output } = await pictureCheck(dir);
  t.not(code, 0);
  t.match(output, /src\/gadgets\/ is not in the folder table/);
  t.match(output, /src\/helpers\.ts: the root of src\/ holds only/);
  t.match(output, /src\/domain\/long\.ts: 301 lines, more than 300/);
  t.notMatch(output, /texts\/ru\.ts/, 'the texts may be long');
});
