/**
 * The simulator's stand-in for an LLM: common Russian words of picture
 * requests turned into English by a small phrase table, then the details a
 * real assistant adds. Enough to show the flow offline; it is no translator.
 */

/** The longest stem first: "город" is a city before "гор" is mountains. */
const byLength = (table: [string, string][]) => [...table].sort((a, b) => b[0].length - a[0].length);

/** Word stems (matched at a word's start, so every case ending fits) and their English. `at`: a time of day, its preposition replaced. */
const WORDS: [string, string][] = byLength([
  ['красн', 'red'],
  ['син', 'blue'],
  ['бел', 'white'],
  ['чёрн', 'black'],
  ['черн', 'black'],
  ['зелен', 'green'],
  ['зелён', 'green'],
  ['жёлт', 'yellow'],
  ['желт', 'yellow'],
  ['розов', 'pink'],
  ['золот', 'golden'],
  ['серебрян', 'silver'],
  ['фиолетов', 'purple'],
  ['длинн', 'long'],
  ['коротк', 'short'],
  ['красив', 'beautiful'],
  ['стар', 'old'],
  ['нов', 'new'],
  ['огромн', 'huge'],
  ['маленьк', 'small'],
  ['вечерн', 'evening'],
  ['летн', 'summer'],
  ['зимн', 'winter'],
  ['деловой', 'business'],
  ['делов', 'business'],
  ['кожан', 'leather'],
  ['плать', 'dress'],
  ['костюм', 'suit'],
  ['пальт', 'coat'],
  ['куртк', 'jacket'],
  ['шляп', 'hat'],
  ['очк', 'glasses'],
  ['рубашк', 'shirt'],
  ['свитер', 'sweater'],
  ['джинс', 'jeans'],
  ['доспех', 'armour'],
  ['корон', 'crown'],
  ['скафандр', 'spacesuit'],
  ['шарф', 'scarf'],
  ['пляж', 'beach'],
  ['мор', 'sea'],
  ['гор', 'mountains'],
  ['лес', 'forest'],
  ['город', 'city'],
  ['улиц', 'street'],
  ['кафе', 'café'],
  ['парк', 'park'],
  ['космос', 'space'],
  ['марс', 'Mars'],
  ['париж', 'Paris'],
  ['токио', 'Tokyo'],
  ['замк', 'castle'],
  ['замок', 'castle'],
  ['офис', 'office'],
  ['студи', 'studio'],
  ['снег', 'snow'],
  ['дожд', 'rain'],
  ['пустын', 'desert'],
  ['океан', 'ocean'],
  ['сад', 'garden'],
  ['крыш', 'rooftop'],
  ['библиотек', 'library'],
  ['яхт', 'yacht'],
  ['поле', 'field'],
  ['цвет', 'flowers'],
  ['кот', 'cat'],
  ['собак', 'dog'],
  ['лошад', 'horse'],
  ['машин', 'car'],
  ['мотоцикл', 'motorcycle'],
  ['книг', 'book'],
  ['кофе', 'coffee'],
  ['гитар', 'guitar'],
  ['астронавт', 'astronaut'],
  ['космонавт', 'astronaut'],
  ['рыцар', 'knight'],
  ['супергеро', 'superhero'],
  ['принцесс', 'princess'],
  ['корол', 'king'],
  ['пират', 'pirate'],
  ['ковбо', 'cowboy'],
  ['самура', 'samurai'],
  ['викинг', 'viking'],
  ['волшебник', 'wizard'],
  ['аниме', 'anime style'],
  ['киберпанк', 'cyberpunk'],
  ['кинематографичн', 'cinematic'],
  ['акварел', 'watercolor'],
  ['мульт', 'cartoon'],
  ['фэнтези', 'fantasy'],
  ['ретро', 'retro'],
  ['нуар', 'film noir'],
  ['свет', 'light'],
  ['портрет', 'portrait'],
]);
const TIMES: [string, string][] = byLength([
  ['закат', 'at sunset'],
  ['рассвет', 'at sunrise'],
  ['ноч', 'at night'],
  ['утр', 'in the morning'],
  ['вечер', 'in the evening'],
  ['зим', 'in winter'],
  ['лет', 'in summer'],
  ['осен', 'in autumn'],
  ['весн', 'in spring'],
]);
const LINKS: Record<string, string> = {
  в: 'in',
  во: 'in',
  на: 'on',
  с: 'with',
  со: 'with',
  у: 'by',
  под: 'under',
  над: 'above',
  и: 'and',
  по: 'along',
  среди: 'among',
};
/** Words that take no article. */
const BARE = new Set(['Mars', 'Paris', 'Tokyo', 'space', 'snow', 'rain', 'anime style', 'cyberpunk', 'film noir', 'watercolor', 'light']);
const REFUSE = /(голая|голый|голой|обнаж|naked|nude|секс|sex|порн|porn)/i;

/** Two-word phrases Russian orders the other way round ("костюм астронавта": an astronaut suit). */
const PHRASES: [RegExp, string][] = [
  [/костюм\S* (астронавт|космонавт)\S*/g, 'скафандр'],
  [/костюм\S* супергеро\S*/g, 'superhero suit'],
];
/** Who the subject becomes ("as a knight"), and what is with them ("with a cat"). */
const ROLES = new Set(['astronaut', 'knight', 'superhero', 'princess', 'king', 'pirate', 'cowboy', 'samurai', 'viking', 'wizard']);
const COMPANIONS = new Set(['cat', 'dog', 'horse', 'car', 'motorcycle', 'book', 'coffee', 'guitar', 'flowers']);

const stemOf = (word: string, table: [string, string][]) => table.find(([stem]) => word.startsWith(stem))?.[1];

/** Russian words in English, clause by clause, in the same order (Russian puts adjectives before nouns too). */
function translate(text: string): string {
  return text.split(',').map(translateClause).filter(Boolean).join(', ');
}

function translateClause(text: string): string {
  const out: string[] = [];
  let link: string | null = null;
  let phrased = text.toLowerCase();
  for (const [pattern, english] of PHRASES) phrased = phrased.replace(pattern, english.replace(/ /g, '\u00a0'));
  for (const raw of phrased.split(/[\s.;!?«»"]+/).filter(Boolean)) {
    if (raw === 'я' || raw === 'меня' || raw === 'мы') continue;
    if (LINKS[raw]) {
      link = LINKS[raw];
      continue;
    }
    const time = stemOf(raw, TIMES);
    if (time) {
      out.push(time);
      link = null;
      continue;
    }
    const word = /[а-яё]/.test(raw) ? stemOf(raw, WORDS) : raw.replace(/\u00a0/g, ' ');
    if (!word) continue;
    if (!link && out.length === 0) link = ROLES.has(word) ? 'as' : COMPANIONS.has(word) ? 'with' : null;
    if (link) out.push(BARE.has(word) || word[0] === word[0]?.toUpperCase() ? link : `${link} a`);
    out.push(word);
    link = null;
  }
  return out.join(' ').replace(/\ba ([aeiou])/g, 'an $1');
}

/** What `openrouter/router` would answer the app's instructions (system prompt) and words (prompt). */
export function simulatedRewrite(instructions: string, prompt: string): string {
  const subject = /"the (man|woman|person)"/.exec(instructions)?.[1];
  const variation = /^Prompt: (.*)\nNew setting: (.*)$/s.exec(prompt);
  if (variation) return `${variation[1]}, moved ${variation[2]}`;
  if (REFUSE.test(prompt)) return 'REFUSED';
  const latin = !/[а-яё]/i.test(prompt);
  if (latin && prompt.split(/\s+/).length >= 12) return prompt;
  const scene = latin ? prompt : translate(prompt);
  const who = subject ? `photo of the ${subject}${scene ? (latin ? ', ' : ' ') : ''}` : '';
  const details = subject
    ? 'natural light, 50mm lens, shallow depth of field, photorealistic, high detail'
    : 'detailed scene, balanced composition, soft light';
  return `${who}${scene}, ${details}`;
}
