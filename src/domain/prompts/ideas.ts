import { randomInt } from 'node:crypto';

/**
 * Ready ideas for "✨ Идеи" — English prompts for FLUX, trigger not included
 * (added like any prompt's) — and the settings "🔁 Вариация" moves a picture
 * to. The titles shown for them are texts (bot/texts/, `ideas`).
 */

const PORTRAIT_IDEAS = {
  astronaut:
    'as an astronaut in a white spacesuit on the red surface of Mars, helmet under the arm, dramatic rim light, wide shot, cinematic, 35mm',
  paris:
    'walking on a Paris street at golden hour, Eiffel Tower softly blurred in the background, casual elegant outfit, candid street photo, 50mm, warm light',
  knight: 'as a medieval knight in polished plate armour in a castle courtyard, holding a sword, overcast light, epic fantasy film still',
  business:
    'professional business headshot, tailored dark suit, clean light grey studio background, soft key light, 85mm lens, sharp focus',
  cyberpunk:
    'in a neon-lit cyberpunk city street at night, rain, reflective jacket, pink and cyan lights, shallow depth of field, cinematic',
  beach: 'relaxing on a tropical beach at sunset, linen clothes, turquoise water and palm trees, warm backlight, lifestyle photo, 35mm',
  mountains:
    'hiker on a mountain ridge above the clouds at sunrise, outdoor jacket and backpack, epic landscape, wide angle, natural light',
  vintage: 'vintage 1950s Hollywood portrait, glamorous outfit, black and white film photo, dramatic studio lighting, film grain',
  winter: 'in a snowy winter forest, cozy knitted sweater and scarf, snowflakes falling, soft daylight, 85mm portrait, bokeh',
  superhero:
    'as a superhero in a sleek suit standing on a skyscraper rooftop at dusk, city lights below, wind, dynamic low angle, film still',
  cafe: 'sitting in a cozy café by the window with a cup of coffee, morning light, reading a book, candid lifestyle photo, 50mm',
  anime: 'as an anime character, cel-shaded illustration, vibrant colours, detailed background of a Tokyo street, studio anime style',
} as const;

const STYLE_IDEAS = {
  city: 'a busy city street at dusk with people, cars and shop lights',
  forest: 'a quiet forest path with tall trees and morning fog',
  cat: 'a cat sleeping on a windowsill next to potted plants',
  harbor: 'a small fishing harbour with boats at sunrise',
  portrait: 'a portrait of a young woman with a hat, head and shoulders',
  still: 'a still life of fruit, a jug and flowers on a wooden table',
  castle: 'a castle on a hill above a river valley',
  space: 'an astronaut floating above the Earth',
  market: 'a street market full of fruit stalls and shoppers',
  lighthouse: 'a lighthouse on a rocky coast during a storm',
} as const;

export type IdeaId = keyof typeof PORTRAIT_IDEAS | keyof typeof STYLE_IDEAS;

const IDEAS: Record<'portrait' | 'style', Record<string, string>> = { portrait: PORTRAIT_IDEAS, style: STYLE_IDEAS };

/** The prompt of an idea for this kind of avatar; null for one it does not have (an old or made-up button). */
export function ideaPrompt(type: 'portrait' | 'style', id: string): string | null {
  const ideas = IDEAS[type];
  return Object.hasOwn(ideas, id) ? (ideas[id] ?? null) : null;
}

/** Five different ideas for this kind of avatar, in a new order each time. */
export function pickIdeas(type: 'portrait' | 'style', count = 5): IdeaId[] {
  const ids = Object.keys(IDEAS[type]) as IdeaId[];
  for (let i = ids.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, count);
}

const SETTINGS = [
  'on a sunny beach at golden hour',
  'in a snowy mountain village at dusk',
  'on a rooftop in New York at night, city lights behind',
  'in a blooming garden in spring, soft morning light',
  'in a cozy library with warm lamp light',
  'on a desert road at sunset, long shadows',
  'in a rainy neon-lit Tokyo street at night',
  'in an autumn park with falling golden leaves',
  'on a yacht deck on a turquoise sea, midday sun',
  'in a grand ballroom with chandeliers',
  'in a misty pine forest at dawn',
  'in a minimalist white photo studio',
] as const;

/** A setting for a variation: one its prompt does not already have. */
export function newSetting(prompt: string): string {
  const text = prompt.toLowerCase();
  const fresh = SETTINGS.filter((s) => !text.includes(s));
  return fresh[randomInt(fresh.length)]!;
}
