import pino from 'pino';
import t from 'tap';
import { createBackgroundTasks } from '../src/runtime/background-tasks.js';

/** drain() is what shutdown and the tests wait on: it must cover the work tasks hand on to other tasks. */

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('drain waits for the tasks that running tasks start, as a finished generation starts the outbox drain', async (t) => {
  const tasks = createBackgroundTasks(pino({ level: 'silent' }));
  const done: string[] = [];
  tasks.run('generation', async () => {
    await later(20);
    done.push('generation');
    tasks.run('drain-outbox', async () => {
      await later(20);
      done.push('drain-outbox');
    });
  });
  await tasks.drain(5_000);
  t.same(done, ['generation', 'drain-outbox']);
});

t.test('drain gives up after its timeout, and a failed task does not stop it', async (t) => {
  const logger = pino({ level: 'silent' });
  const tasks = createBackgroundTasks(logger);
  let stop = false;
  const loop = async (): Promise<void> => {
    await later(10);
    if (!stop) tasks.run('again', loop);
  };
  tasks.run('again', loop);
  tasks.run('broken', async () => {
    throw new Error('boom');
  });
  const started = Date.now();
  await tasks.drain(100);
  t.ok(Date.now() - started >= 90, 'it waited until the timeout');
  stop = true;
  await tasks.drain(5_000);
});
