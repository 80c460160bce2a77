import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Real photos for the playground (and the face tests), cut from the demo
 * photos that ship with @vladmandic/face-api (group photos of real people):
 * one person's face cropped ten ways — framing, side, light — so the face check
 * sees one face of one person in each; another person; and a whole group photo.
 */

export const demoPhoto = (n: number) =>
  path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo', `sample${n}.jpg`);

/** A face in a demo photo, in its pixels, as the detector found it. */
export type DemoFace = { photo: number; x: number; y: number; width: number; height: number };

/** The person whose photos the playground offers: the woman on the left of sample3. */
export const PERSON: DemoFace = { photo: 3, x: 585, y: 332, width: 199, height: 268 };
/** Someone else: the woman on the left of sample1. */
const STRANGER: DemoFace = { photo: 1, x: 411, y: 354, width: 181, height: 239 };

export type Framing = { margin: number; dx: number; dy: number; flip: boolean; light: number };

/** A square crop around the face, `margin` times its size, shifted by `dx`/`dy` of the crop. */
export async function cropFace(face: DemoFace, f: Framing): Promise<Buffer> {
  const file = demoPhoto(face.photo);
  const { width: W = 0, height: H = 0 } = await sharp(file).metadata();
  const size = Math.max(face.width, face.height);
  const side = Math.min(Math.round(size * f.margin), W, H);
  const cx = face.x + face.width / 2 + f.dx * side;
  const cy = face.y + face.height / 2 + f.dy * side;
  const left = Math.round(Math.max(0, Math.min(W - side, cx - side / 2)));
  const top = Math.round(Math.max(0, Math.min(H - side, cy - side / 2)));
  let image = sharp(file).extract({ left, top, width: side, height: side });
  if (f.flip) image = image.flop();
  return image.modulate({ brightness: f.light }).jpeg({ quality: 92 }).toBuffer();
}

/** Ten framings of one face, each a different picture (not a duplicate) with the face whole and big. */
const FRAMINGS: Framing[] = [
  { margin: 2.6, dx: 0, dy: 0, flip: false, light: 1 },
  { margin: 2.6, dx: 0.06, dy: 0.04, flip: true, light: 1.05 },
  { margin: 2.9, dx: -0.05, dy: 0, flip: false, light: 0.92 },
  { margin: 2.9, dx: 0.04, dy: -0.05, flip: true, light: 1 },
  { margin: 3.2, dx: 0, dy: 0.06, flip: false, light: 1.08 },
  { margin: 3.2, dx: -0.06, dy: -0.03, flip: true, light: 0.95 },
  { margin: 2.4, dx: 0.03, dy: 0.02, flip: false, light: 1.1 },
  { margin: 2.4, dx: -0.03, dy: 0.05, flip: true, light: 0.9 },
  { margin: 2.75, dx: 0.08, dy: 0, flip: false, light: 1 },
  { margin: 2.75, dx: -0.08, dy: 0.03, flip: true, light: 1.04 },
];

/** Sample photo `i` (0–9) of the playground's person. */
export const samplePortrait = (i: number) => cropFace(PERSON, FRAMINGS[i % FRAMINGS.length]!);

/** A photo of someone else than the playground's person. */
export const sampleStranger = () => cropFace(STRANGER, FRAMINGS[0]!);

/** A group photo: three people on a sofa. */
export const sampleGroup = () => sharp(demoPhoto(3)).resize({ width: 1280 }).jpeg({ quality: 90 }).toBuffer();
