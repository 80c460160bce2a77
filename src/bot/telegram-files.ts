import type { Telegram } from 'telegraf';

export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
}

/**
 * Downloads a file the user sent (getFile, then the file URL), refusing to
 * read more than `maxBytes`: the declared size is not trusted.
 */
export async function downloadTelegramFile(telegram: Telegram, fileId: string, maxBytes: number): Promise<Buffer> {
  const url = await telegram.getFileLink(fileId);
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok || !response.body) throw new Error(`file download answered HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new FileTooLargeError(`file is ${declared} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > maxBytes) throw new FileTooLargeError(`file is over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
