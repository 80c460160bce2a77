import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { limiter } from '../runtime/limiter.js';

/**
 * What FAL trains on, made once per upload with sharp (libvips): the photo is
 * decoded under a pixel limit, turned upright by its EXIF orientation, stripped
 * of its metadata (location included), converted to sRGB and stored as a JPEG
 * whose long side is at most `maxSide`. A small thumbnail is made with it for
 * the gallery, and a fingerprint of the picture itself for duplicates that are
 * not byte-equal (the same photo sent as a photo and as a file).
 */

/** Why a photo was not accepted; the bot words it for the user. */
export type PhotoRefusal =
  | { kind: 'not_image' }
  | { kind: 'unsupported_format'; format: string }
  /** HEIC/HEIF from an iPhone: this sharp build cannot read it. */
  | { kind: 'heic' }
  | { kind: 'too_large'; maxBytes: number }
  | { kind: 'too_small'; side: number; minSide: number }
  /** Past what any camera takes: a decompression bomb, or a header that lies. */
  | { kind: 'too_many_pixels'; maxSide: number; maxMegapixels: number }
  /** Quality hints: a picture nobody could train on. */
  | { kind: 'too_dark' }
  | { kind: 'too_uniform' }
  | { kind: 'too_blurry' }
  | { kind: 'duplicate' }
  | { kind: 'over_limit'; max: number }
  | { kind: 'download_failed' };

/** Lower bounds a photo must reach; 0 turns a check off. */
type QualityLimits = { minBrightness: number; minContrast: number; minSharpness: number };

export type PhotoOptions = { maxBytes: number; minSide: number; maxSide: number; quality: QualityLimits };

export type PreparedPhoto = {
  /** The normalised JPEG, what is stored and zipped for FAL. */
  jpeg: Buffer;
  width: number;
  height: number;
  thumbnail: Buffer;
  /** A 256-bit difference hash of the picture, as hex: near-equal for the same picture re-encoded or resized. */
  fingerprint: string;
  /** What the user sent. */
  sourceFormat: string;
};

// Every photo is decoded once: libvips' operation cache would only hold memory (up to 50 MB) for nothing.
sharp.cache(false);
/**
 * Decodes at a time. A 12 MP photo takes about 100 MB while it is normalised
 * and libvips already spreads one over the cores: four at once (as an album's
 * downloads finish) would take some 250 MB of a 512 MB machine for no speed.
 */
const decodeSlot = limiter(2);
/**
 * JPEG shrinks on load and PNG and WebP decode as a stream (a 100 MP photo costs 15–75 MB), but
 * libvips decodes an AVIF whole: about 18 bytes a pixel (measured: 6 MP 120 MB, 8 MP 160 MB,
 * 16 MP 300 MB, 99.7 MP 1.8 GB — from a 2 KB file). AVIFs are taken up to 6 MP (a 1536 px training
 * photo needs 2.4), decoded one at a time: two sent together stay under 200 MB (bench: photos).
 */
const MAX_AVIF_MEGAPIXELS = 6;
const avifSlot = limiter(1);

/** No phone takes more; anything bigger is refused from its header, before it is decoded. */
const MAX_SIDE = 20_000;
const MAX_MEGAPIXELS = 100;
const ACCEPTED = new Set(['jpeg', 'png', 'webp']);
const THUMBNAIL_SIDE = 320;
/** The quality measures are taken at this size, so they do not depend on the camera's resolution. */
const MEASURE_SIDE = 512;

/**
 * Judges and normalises an uploaded file by its bytes (never its name or
 * declared type). Refusals come as cheap as possible: size, then the header
 * (format, pixel count), then the decoded picture's quality.
 */
export async function preparePhoto(file: { path: string; size: number }, options: PhotoOptions): Promise<PreparedPhoto | PhotoRefusal> {
  if (file.size > options.maxBytes) return { kind: 'too_large', maxBytes: options.maxBytes };
  return decodeSlot(() => prepare(file, options));
}

async function prepare(file: { path: string; size: number }, options: PhotoOptions): Promise<PreparedPhoto | PhotoRefusal> {
  const input = () => sharp(file.path, { limitInputPixels: MAX_MEGAPIXELS * 1e6, failOn: 'error' });
  if (await isHeic(file.path)) return { kind: 'heic' };
  let meta: Metadata;
  try {
    // The header only: no pixel is decoded, so the size is judged here, with our words, not by libvips' limit.
    meta = await sharp(file.path, { limitInputPixels: false }).metadata();
  } catch {
    return { kind: 'not_image' };
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const avif = meta.format === 'heif' && meta.compression === 'av1';
  const maxMegapixels = avif ? MAX_AVIF_MEGAPIXELS : MAX_MEGAPIXELS;
  if (Math.max(width, height) > MAX_SIDE || width * height > maxMegapixels * 1e6) {
    return { kind: 'too_many_pixels', maxSide: MAX_SIDE, maxMegapixels };
  }
  const readable = ACCEPTED.has(meta.format) || avif;
  if (meta.format === 'heif' && !readable) return { kind: 'heic' };
  if (!readable) return { kind: 'unsupported_format', format: meta.format ?? 'unknown' };
  // An EXIF rotation swaps width and height; the short side is the same either way.
  const side = Math.min(width, height);
  if (side < options.minSide) return { kind: 'too_small', side, minSide: options.minSide };

  let normalised: { data: Buffer; info: OutputInfo };
  try {
    const decode = () =>
      input()
        .autoOrient()
        .resize({ width: options.maxSide, height: options.maxSide, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .jpeg({ quality: 90 })
        .toBuffer({ resolveWithObject: true });
    normalised = avif ? await avifSlot(decode) : await decode();
  } catch {
    // The header was fine, the picture is not (truncated, corrupt).
    return { kind: 'not_image' };
  }
  const jpeg = normalised.data;
  const refusal = await qualityRefusal(jpeg, options.quality);
  if (refusal) return refusal;
  const [thumbnail, fingerprint] = await Promise.all([
    sharp(jpeg).resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside' }).jpeg({ quality: 80 }).toBuffer(),
    fingerprintOf(jpeg),
  ]);
  return { jpeg, width: normalised.info.width, height: normalised.info.height, thumbnail, fingerprint, sourceFormat: meta.format };
}

/** HEIC brands (HEVC-coded HEIF, what iPhones save): told apart from AVIF by the file's `ftyp` box. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);

async function isHeic(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(12), 0, 12, 0);
    return bytesRead === 12 && buffer.toString('latin1', 4, 8) === 'ftyp' && HEIC_BRANDS.has(buffer.toString('latin1', 8, 12));
  } finally {
    await handle.close();
  }
}

type PhotoMeasures = { brightness: number; contrast: number; sharpness: number };

/**
 * Brightness (mean luminance, 0-255), contrast (its standard deviation) and
 * sharpness (the variance of the Laplacian, the usual blur measure) of a
 * picture scaled to 512 px.
 */
async function measurePhoto(image: Buffer): Promise<PhotoMeasures> {
  const { data, info } = await sharp(image)
    .resize({ width: MEASURE_SIDE, height: MEASURE_SIDE, fit: 'inside' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  let sum = 0;
  let squares = 0;
  for (const v of data) {
    sum += v;
    squares += v * v;
  }
  const n = data.length;
  const brightness = sum / n;
  let lapSum = 0;
  let lapSquares = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap = data[i - 1]! + data[i + 1]! + data[i - w]! + data[i + w]! - 4 * data[i]!;
      lapSum += lap;
      lapSquares += lap * lap;
    }
  }
  const m = Math.max(1, (w - 2) * (h - 2));
  return {
    brightness,
    contrast: Math.sqrt(Math.max(0, squares / n - brightness * brightness)),
    sharpness: lapSquares / m - (lapSum / m) ** 2,
  };
}

async function qualityRefusal(image: Buffer, limits: QualityLimits): Promise<PhotoRefusal | null> {
  const m = await measurePhoto(image);
  // A dark photo has little contrast too: darkness is the thing to tell the user about.
  if (m.brightness < limits.minBrightness) return { kind: 'too_dark' };
  if (m.contrast < limits.minContrast) return { kind: 'too_uniform' };
  if (m.sharpness < limits.minSharpness) return { kind: 'too_blurry' };
  return null;
}

/** A difference hash: each bit says whether a pixel of a 17×16 greyscale copy is brighter than its right neighbour. */
async function fingerprintOf(image: Buffer): Promise<string> {
  const data = await sharp(image).resize(17, 16, { fit: 'fill' }).greyscale().raw().toBuffer();
  const bits = Buffer.alloc(32);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      const bit = y * 16 + x;
      if (data[y * 17 + x]! > data[y * 17 + x + 1]!) bits[bit >> 3]! |= 1 << (bit & 7);
    }
  }
  return bits.toString('hex');
}

/** Bits that differ between two fingerprints. */
export function fingerprintDistance(a: string, b: string): number {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  let distance = 0;
  for (let i = 0; i < x.length; i++) {
    let v = x[i]! ^ (y[i] ?? 0);
    for (; v; v &= v - 1) distance += 1;
  }
  return distance;
}

/** Two fingerprints this close (of 256 bits) are the same picture. */
export const SAME_PICTURE_DISTANCE = 16;

/** The side of a gallery card's picture: square, so the card's buttons keep one width whatever the photo was. */
const CARD_SIDE = 720;

/** A stored photo as the avatar's card picture: a square crop on the photo's most salient part (the face). */
export async function cardPicture(photo: Readable): Promise<Buffer> {
  const crop = sharp().rotate().resize(CARD_SIDE, CARD_SIDE, { fit: 'cover', position: sharp.strategy.attention }).jpeg({ quality: 85 });
  photo.on('error', (error) => crop.destroy(error));
  return photo.pipe(crop).toBuffer();
}
