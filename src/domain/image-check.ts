import { imageSizeFromFile } from 'image-size/fromFile';

/** Why a photo was not accepted; the bot words it for the user. */
export type PhotoRefusal =
  | { kind: 'not_image' }
  | { kind: 'unsupported_format'; format: string }
  | { kind: 'too_large'; maxBytes: number }
  | { kind: 'too_small'; side: number; minSide: number }
  /** Past what any camera takes: a decompression bomb, or a header that lies. */
  | { kind: 'too_many_pixels'; maxSide: number; maxMegapixels: number }
  | { kind: 'duplicate' }
  | { kind: 'over_limit'; max: number }
  | { kind: 'download_failed' };

export type ImageInfo = { format: 'jpeg' | 'png' | 'webp'; width: number; height: number };

/** No phone takes more; anything bigger is refused before it is stored. */
const MAX_SIDE = 20_000;
const MAX_MEGAPIXELS = 100;

const ACCEPTED: Record<string, ImageInfo['format']> = { jpg: 'jpeg', png: 'png', webp: 'webp' };

/**
 * Judges an uploaded file by its bytes (never by its name or declared type),
 * reading only its header: JPEG, PNG or WebP, no larger than `maxBytes`, at
 * least `minSide` px on its short side, and not past what any camera takes.
 */
export async function checkImage(
  file: { path: string; size: number },
  limits: { maxBytes: number; minSide: number },
): Promise<ImageInfo | PhotoRefusal> {
  if (file.size > limits.maxBytes) return { kind: 'too_large', maxBytes: limits.maxBytes };
  let size: Awaited<ReturnType<typeof imageSizeFromFile>>;
  try {
    size = await imageSizeFromFile(file.path);
  } catch {
    return { kind: 'not_image' };
  }
  const format = size.type ? ACCEPTED[size.type] : undefined;
  if (!format) return { kind: 'unsupported_format', format: size.type ?? 'unknown' };
  // EXIF orientations 5-8 swap width and height; the short side is the same either way.
  const side = Math.min(size.width, size.height);
  if (side < limits.minSide) return { kind: 'too_small', side, minSide: limits.minSide };
  if (Math.max(size.width, size.height) > MAX_SIDE || size.width * size.height > MAX_MEGAPIXELS * 1e6) {
    return { kind: 'too_many_pixels', maxSide: MAX_SIDE, maxMegapixels: MAX_MEGAPIXELS };
  }
  return { format, width: size.width, height: size.height };
}

export const extensionOf = (format: ImageInfo['format']) => (format === 'jpeg' ? 'jpg' : format);
export const contentTypeOf = (format: ImageInfo['format']) => `image/${format}`;
