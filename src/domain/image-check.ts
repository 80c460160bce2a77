import { imageSize } from 'image-size';

/** Why a photo was not accepted; the bot words it for the user. */
export type PhotoRefusal =
  | { kind: 'not_image' }
  | { kind: 'unsupported_format'; format: string }
  | { kind: 'too_large'; maxBytes: number }
  | { kind: 'too_small'; side: number; minSide: number }
  | { kind: 'duplicate' }
  | { kind: 'over_limit'; max: number }
  | { kind: 'download_failed' };

export type ImageInfo = { format: 'jpeg' | 'png' | 'webp'; width: number; height: number };

const ACCEPTED: Record<string, ImageInfo['format']> = { jpg: 'jpeg', png: 'png', webp: 'webp' };

/**
 * Judges an uploaded file by its bytes (never by its name or declared type):
 * JPEG, PNG or WebP, no larger than `maxBytes`, at least `minSide` px on its short side.
 */
export function checkImage(bytes: Buffer, limits: { maxBytes: number; minSide: number }): ImageInfo | PhotoRefusal {
  if (bytes.length > limits.maxBytes) return { kind: 'too_large', maxBytes: limits.maxBytes };
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    return { kind: 'not_image' };
  }
  const format = size.type ? ACCEPTED[size.type] : undefined;
  if (!format) return { kind: 'unsupported_format', format: size.type ?? 'unknown' };
  // EXIF orientations 5-8 swap width and height; the short side is the same either way.
  const side = Math.min(size.width, size.height);
  if (side < limits.minSide) return { kind: 'too_small', side, minSide: limits.minSide };
  return { format, width: size.width, height: size.height };
}

export const extensionOf = (format: ImageInfo['format']) => (format === 'jpeg' ? 'jpg' : format);
export const contentTypeOf = (format: ImageInfo['format']) => `image/${format}`;
