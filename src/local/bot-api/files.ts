import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest, type Method } from './chat.js';
import type { PlaygroundStore } from './store.js';

export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;
const FAL_CDN = /(^|\.)fal\.media$/;

/**
 * Files of the playground's chat: uploads in Bot API calls, photos named by
 * file_id or URL, getFile and the downloads telegraf makes from its answer.
 * `mediaBase` is the only place besides FAL's CDN a photo may be fetched from by URL.
 */
export function chatFiles(store: PlaygroundStore, mediaBase: string | undefined) {
  /** Only our own media, never an arbitrary URL: the server must not fetch what a caller names. */
  const mayFetch = (url: string) => {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (!parsed) return false;
    return (mediaBase !== undefined && url.startsWith(`${mediaBase}/`)) || (parsed.protocol === 'https:' && FAL_CDN.test(parsed.hostname));
  };

  /** A photo argument: a file_id we know, an upload, `attach://field`, or a URL. */
  async function photoId(value: unknown, fields: Record<string, unknown>): Promise<string> {
    if (typeof value === 'string' && value.startsWith('attach://')) return photoId(fields[value.slice('attach://'.length)], fields);
    if (typeof value === 'object' && value !== null && 'upload' in value) return (value as { upload: string }).upload;
    if (typeof value === 'string' && store.hasFile(value)) return value;
    if (typeof value === 'string' && mayFetch(value)) {
      const response = await fetch(value, { signal: AbortSignal.timeout(30_000) });
      const bytes = Buffer.from(await response.arrayBuffer());
      if (!response.ok || bytes.length > MAX_PHOTO_BYTES) throw badRequest('failed to get HTTP URL content');
      return store.keepFile(bytes);
    }
    throw badRequest('wrong file identifier');
  }

  /** A Bot API call's fields: JSON, or multipart with uploaded files kept as files. */
  async function fieldsOf(contentType: string, body: unknown): Promise<Record<string, unknown>> {
    if (!contentType.startsWith('multipart/form-data')) return (body ?? {}) as Record<string, unknown>;
    const form = await new Response(body as Buffer, { headers: { 'content-type': contentType } }).formData();
    const fields: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) {
      if (typeof value !== 'string') fields[key] = { upload: await store.keepFile(Buffer.from(await value.arrayBuffer())) };
      else fields[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    }
    return fields;
  }

  const getFile: Method = (f) => {
    const size = store.fileSize(String(f.file_id));
    if (size === undefined) throw badRequest('invalid file_id');
    return { file_id: f.file_id, file_unique_id: f.file_id, file_size: size, file_path: String(f.file_id) };
  };

  /** Downloads: the Bot API's `/file/bot<token>/<path>`, and the page's `/files/<id>`. */
  function routes(api: FastifyInstance) {
    api.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: 60 * 1024 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    const sendFile = async (id: string, reply: FastifyReply) => {
      const file = await store.readFile(id);
      if (!file) return reply.code(404).send({ error: 'NotFound', message: 'no such file' });
      const type = file[0] === 0x89 ? 'image/png' : 'image/jpeg';
      return reply.type(type).send(file);
    };
    api.get('/file/*', async (request, reply) => sendFile((request.params as { '*': string })['*'].split('/')[1] ?? '', reply));
    api.get('/files/:id', async (request, reply) => sendFile((request.params as { id: string }).id, reply));
  }

  return { photoId, fieldsOf, methods: { getFile }, routes };
}

export type ChatFiles = ReturnType<typeof chatFiles>;
