import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';

/**
 * Pictures the playground shows instead of real ones, drawn with sharp from
 * SVG: sample "portraits" to upload (each a different face, light and
 * background, with a film grain, so they pass the photo checks as real photos
 * would) and the simulator's results (a landscape in the prompt's colours with
 * the prompt written on it).
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

/** One sample portrait: head, hair, shoulders on a gradient; `i` picks the face. */
export async function samplePortrait(i: number): Promise<Buffer> {
  const b = seeded(`sample-${i}`);
  const [w, h] = [768, 1024];
  const skin = hsl(20 + (b[0]! % 20), 45, 55 + (b[1]! % 25));
  const hair = hsl(b[2]! % 40, 40, 12 + (b[3]! % 40));
  const shirt = hsl(b[4]! * 1.4, 55, 35 + (b[5]! % 25));
  const sky = [hsl(b[6]! * 1.4, 50, 70), hsl(b[7]! * 1.4, 45, 35)];
  const dx = (b[8]! % 120) - 60;
  const tilt = (b[9]! % 16) - 8;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="${b[10]! % 2}" y2="1"><stop offset="0" stop-color="${sky[0]}"/><stop offset="1" stop-color="${sky[1]}"/></linearGradient></defs>
  <rect width="${w}" height="${h}" fill="url(#bg)"/>
  <circle cx="${120 + (b[11]! % 500)}" cy="${90 + (b[12]! % 200)}" r="${40 + (b[13]! % 60)}" fill="${hsl(b[14]! * 1.4, 60, 80)}" opacity="0.6"/>
  <g transform="translate(${dx} 0) rotate(${tilt} 384 520)">
    <path d="M84 1024 C110 780 250 720 384 720 C518 720 658 780 684 1024 Z" fill="${shirt}"/>
    <rect x="334" y="600" width="100" height="150" rx="40" fill="${skin}"/>
    <ellipse cx="384" cy="470" rx="${150 + (b[15]! % 30)}" ry="${195 + (b[16]! % 30)}" fill="${skin}"/>
    <path d="M${224 - (b[17]! % 30)} 470 C210 250 300 230 384 235 C470 230 560 250 ${544 + (b[17]! % 30)} 470 C540 340 470 310 384 320 C300 310 230 340 ${224 - (b[17]! % 30)} 470 Z" fill="${hair}"/>
    <ellipse cx="326" cy="470" rx="22" ry="13" fill="#fff"/><circle cx="326" cy="470" r="9" fill="${hsl(b[18]! * 1.4, 50, 25)}"/>
    <ellipse cx="442" cy="470" rx="22" ry="13" fill="#fff"/><circle cx="442" cy="470" r="9" fill="${hsl(b[18]! * 1.4, 50, 25)}"/>
    <path d="M300 440 Q326 ${425 - (b[19]! % 10)} 352 440 M416 440 Q442 ${425 - (b[19]! % 10)} 468 440" stroke="${hair}" stroke-width="7" fill="none"/>
    <path d="M384 480 L372 545 L392 548" stroke="#0003" stroke-width="5" fill="none"/>
    <path d="M340 590 Q384 ${610 + (b[20]! % 25)} 428 590" stroke="${hsl(355, 45, 45)}" stroke-width="9" fill="none" stroke-linecap="round"/>
  </g>
</svg>`;
  return (await withGrain(svg, w, h, 18)).jpeg({ quality: 90 }).toBuffer();
}

/** The simulator's picture for a prompt: hills under a sky in the prompt's colours, the prompt written across it. */
export async function simulatedPicture(prompt: string, width: number, height: number): Promise<Buffer> {
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
  return (await withGrain(svg, width, height, 8)).jpeg({ quality: 88 }).toBuffer();
}
