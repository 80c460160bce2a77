import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./s3rver-main.mjs', import.meta.url));

/** A local S3 (s3rver) with one bucket, in a child process; `stop` ends it. */
export async function startS3Server(directory: string, bucket: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', MAIN, directory, bucket], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    exited.then(() => {
      throw new Error('s3rver exited before listening');
    }),
  ])) as [string];
  const { port } = JSON.parse(first) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
