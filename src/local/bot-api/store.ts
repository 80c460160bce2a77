import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A chat bubble of the playground page. */
export type Message = {
  message_id: number;
  date: number;
  from: 'bot' | 'user';
  text?: string;
  caption?: string;
  photos?: string[];
  /** A file the page's user sent that is not a photo: shown by its name and size. */
  document?: { name: string; size: number };
  buttons?: { text: string; callback_data?: string }[][];
  /** A Stars invoice the bot sent: the page shows it as a card with a pay button. */
  invoice?: { title: string; description: string; currency: string; amount: number; payload: string; paid?: boolean };
};

/** The chat and its files live under DATA_DIR: the oldest go first past these. */
const MAX_MESSAGES = 1_000;
const MAX_FILE_BYTES = 256 * 1024 * 1024;
const SAVE_DELAY_MS = 200;

/**
 * The playground's chat and files, kept on disk under `DATA_DIR/playground`, so
 * a restart keeps what the bot knows and the page shows in step: file ids the
 * database stored (gallery previews) still open, and the history comes back.
 */
export async function openPlaygroundStore(dir: string) {
  const filesDir = path.join(dir, 'files');
  const historyFile = path.join(dir, 'history.json');
  await mkdir(filesDir, { recursive: true });

  const messages = new Map<number, Message>();
  const saved = (await readFile(historyFile, 'utf8').then(JSON.parse, () => [])) as Message[];
  for (const message of saved) messages.set(message.message_id, message);

  // Files by id, oldest first, with their sizes: the bytes stay on disk.
  const files = new Map<string, number>();
  const found = await Promise.all((await readdir(filesDir)).map(async (name) => ({ name, info: await stat(path.join(filesDir, name)) })));
  for (const { name, info } of found.sort((a, b) => a.info.mtimeMs - b.info.mtimeMs)) files.set(name, info.size);
  let fileBytes = [...files.values()].reduce((a, b) => a + b, 0);

  let saveTimer: NodeJS.Timeout | undefined;
  const save = () => writeFile(historyFile, JSON.stringify([...messages.values()]));
  const saveSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void save().catch(() => {}), SAVE_DELAY_MS);
  };

  return {
    messages,
    nextMessageId: Math.max(0, ...messages.keys()) + 1,
    /** A bubble added or changed. */
    keep(message: Message) {
      messages.set(message.message_id, message);
      for (const id of messages.keys()) {
        if (messages.size <= MAX_MESSAGES) break;
        messages.delete(id);
      }
      saveSoon();
    },
    remove(messageId: number) {
      messages.delete(messageId);
      saveSoon();
    },
    hasFile: (id: string) => files.has(id),
    fileSize: (id: string) => files.get(id),
    readFile: (id: string) => (files.has(id) ? readFile(path.join(filesDir, id)).catch(() => null) : Promise.resolve(null)),
    async keepFile(bytes: Buffer): Promise<string> {
      const id = `pg-${randomBytes(8).toString('hex')}`;
      await writeFile(path.join(filesDir, id), bytes);
      files.set(id, bytes.length);
      fileBytes += bytes.length;
      for (const [old, size] of files) {
        if (fileBytes <= MAX_FILE_BYTES) break;
        files.delete(old);
        fileBytes -= size;
        await rm(path.join(filesDir, old), { force: true });
      }
      return id;
    },
    /** Writes what is pending now (shutdown). */
    async flush() {
      clearTimeout(saveTimer);
      await save();
    },
  };
}

export type PlaygroundStore = Awaited<ReturnType<typeof openPlaygroundStore>>;
