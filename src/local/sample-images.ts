import { createHash } from 'node:crypto';
import sharp, { type OverlayOptions, type Sharp } from 'sharp';

/**
 * The simulator's results, drawn with sharp from SVG: a landscape in the
 * prompt's colours with the prompt written on it and, for a LoRA avatar, the
 * face it was trained on framed in the middle (the sample photos to upload are
 * real ones: sample-faces.ts).
 */

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Bytes of a seed, for colours and positions. */
const seeded = (seed: string) => createHash('sha256').update(seed).digest();
const hsl = (h: number, s: number, l: number) => `hsl(${Math.round(h) % 360},${s}%,${l}%)`;

/** A grain layer, as a camera sensor adds: it keeps flat SVG areas from looking (and measuring) blurred. */
async function withGrain(svg: string, width: number, height: number, sigma: number): Promise<Sharp> {
  const grain = await sharp({
    create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma } },
  })
    .png()
    .toBuffer();
  return sharp(Buffer.from(svg))
    .resize(width, height)
    .composite([{ input: grain, blend: 'overlay' }]);
}

/**
 * The simulator's picture for a prompt: hills under a sky in the prompt's
 * colours, the prompt written across it, and `face` (a training photo) framed
 * in the middle, so the likeness check has the avatar's face to find.
 */
export async function simulatedPicture(prompt: string, width: number, height: number, face: Buffer | null = null): Promise<Buffer> {
  const b = seeded(prompt);
  const hue = b[0]! * 1.4;
  // The user's words: the avatar's trigger (and its subject) is for the model, not for the picture.
  const said = prompt
    .replace(/TOK_[0-9a-f]+( (man|woman|person))?,?\s*/g, '')
    .replace(/,?\s*in the style of\s*$/, '')
    .trim();
  const words = said.length > 80 ? `${said.slice(0, 77)}…` : said;
  // Small enough for the words to fit across the picture (a glyph is about 0.55 em wide).
  const font = Math.round(Math.min(Math.min(width, height) / 16, (width * 0.9) / (0.55 * Math.max(1, [...words].length))));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${hsl(hue, 60, 25)}"/><stop offset="1" stop-color="${hsl(hue + 40, 70, 70)}"/></linearGradient></defs>
  <rect width="${width}" height="${height}" fill="url(#sky)"/>
  <circle cx="${width * (0.2 + (b[1]! % 60) / 100)}" cy="${height * 0.35}" r="${Math.min(width, height) / 9}" fill="${hsl(hue + 180, 90, 80)}"/>
  <path d="M0 ${height * 0.7} Q${width * 0.3} ${height * 0.5} ${width * 0.6} ${height * 0.68} T${width} ${height * 0.62} V${height} H0 Z" fill="${hsl(hue + 90, 40, 30)}"/>
  <path d="M0 ${height * 0.85} Q${width * 0.4} ${height * 0.7} ${width} ${height * 0.82} V${height} H0 Z" fill="${hsl(hue + 110, 45, 18)}"/>
  <text x="50%" y="${height * 0.93}" font-family="sans-serif" font-size="${font}" fill="#fff" text-anchor="middle">${escapeXml(words)}</text>
</svg>`;
  const picture = await withGrain(svg, width, height, 8);
  const framed = face ? await framedFace(face, width, height) : null;
  if (!framed) return picture.jpeg({ quality: 88 }).toBuffer();
  // sharp keeps one composite per pipeline: the grain's is rendered first.
  return sharp(await picture.png().toBuffer())
    .composite([framed])
    .jpeg({ quality: 88 })
    .toBuffer();
}

/** A training photo's middle as a framed portrait in the upper middle of the picture, about 70 % of its short side; null when it is not a picture. */
async function framedFace(face: Buffer, width: number, height: number): Promise<OverlayOptions | null> {
  const side = Math.round(Math.min(width, height) * 0.7);
  const border = Math.max(4, Math.round(side / 60));
  const input = await sharp(face)
    .metadata()
    .then(({ width: w = 0, height: h = 0 }) => {
      // The face is near the middle of a training photo: its middle 70 % is kept, so the face fills the frame.
      const crop = Math.round(Math.min(w, h) * 0.7);
      return sharp(face)
        .extract({ left: Math.round((w - crop) / 2), top: Math.round((h - crop) / 2), width: crop, height: crop })
        .resize(side - 2 * border, side - 2 * border)
        .extend({ top: border, bottom: border, left: border, right: border, background: '#f4efe6' })
        .png()
        .toBuffer();
    })
    .catch(() => null);
  return input && { input, left: Math.round((width - side) / 2), top: Math.round((height - side) * 0.3) };
}
