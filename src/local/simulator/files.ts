import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The largest upload one file may be: 20 photos of 20 MB zipped, with room to spare. */
const UPLOAD_LIMIT_BYTES = 512 * 1024 * 1024;

/** Passes a stream through while it stays within `max` bytes; past that it fails with a 413. */
async function* within(source: AsyncIterable<Buffer>, max: number, already = 0): AsyncGenerator<Buffer> {
  let total = already;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > max) throw Object.assign(new Error(`uploads are limited to ${max} bytes`), { statusCode: 413 });
    yield chunk;
  }
}

/**
 * The simulator's files under `dir`, served at `base/files/<id>` like FAL's CDN:
 * what the app uploads through FAL storage (a training's zip), and the results
 * the simulator makes.
 */
export function simulatorFiles(dir: string, base: string) {
  const fileOf = (id: string) => path.join(dir, id.replace(/[^\w.-]/g, '_'));

  /** Streams an upload to its file, refusing (and removing) one past the limit, announced or not. */
  async function receive(request: FastifyRequest, file: string, flags: 'w' | 'a'): Promise<void> {
    const already = flags === 'a' ? ((await stat(file).catch(() => null))?.size ?? 0) : 0;
    if (already + Number(request.headers['content-length'] ?? 0) > UPLOAD_LIMIT_BYTES) {
      throw Object.assign(new Error(`uploads are limited to ${UPLOAD_LIMIT_BYTES} bytes`), { statusCode: 413 });
    }
    try {
      await pipeline(request.body as Readable, (source) => within(source, UPLOAD_LIMIT_BYTES, already), createWriteStream(file, { flags }));
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
  }

  return {
    /** Writes a result file; its URL is returned. */
    async write(name: string, bytes: Buffer | string): Promise<string> {
      await pipeline(
        async function* () {
          yield bytes;
        },
        createWriteStream(fileOf(name)),
      );
      return `${base}/files/${name}`;
    },

    /** The bytes of one of the simulator's own files by its URL; null for any other URL or a missing file. */
    async read(url: unknown): Promise<Buffer | null> {
      const prefix = `${base}/files/`;
      if (typeof url !== 'string' || !url.startsWith(prefix)) return null;
      return readFile(fileOf(url.slice(prefix.length))).catch(() => null);
    },

    routes(app: FastifyInstance, newId: () => string) {
      // Uploads stream to disk: a training zip can weigh hundreds of megabytes.
      app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

      app.post('/rest.fal.ai/storage/upload/:kind', async (request, reply) => {
        const { file_name: name } = (request.body ?? {}) as { file_name?: string };
        const id = `${newId()}-${(name ?? 'upload').replace(/[^\w.-]/g, '_')}`;
        return reply.send({ upload_url: `${base}/uploads/${id}`, file_url: `${base}/files/${id}` });
      });
      app.put('/uploads/:id', async (request) => {
        await receive(request, fileOf((request.params as { id: string }).id), 'w');
        return {};
      });
      // Multipart uploads (over 90 MB): parts arrive in order and are appended.
      app.put('/uploads/:id/:part', async (request) => {
        const { id, part } = request.params as { id: string; part: string };
        await receive(request, fileOf(id), 'a');
        return { partNumber: Number(part), etag: `etag-${part}` };
      });
      app.post('/uploads/:id/complete', async () => ({}));

      app.get('/files/:id', async (request, reply) => {
        const file = fileOf((request.params as { id: string }).id);
        const found = await stat(file).catch(() => null);
        if (!found) return reply.code(404).send({ detail: 'not found' });
        const type = file.endsWith('.jpg') ? 'image/jpeg' : file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
        return reply.type(type).header('content-length', found.size).send(createReadStream(file));
      });
    },
  };
}

export type SimulatorFiles = ReturnType<typeof simulatorFiles>;
