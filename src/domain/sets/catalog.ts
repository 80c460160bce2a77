import { readFile } from 'node:fs/promises';
import { and, asc, eq, notInArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { generations, pictureSets, shootThemes } from '../../db/schema.js';

/**
 * The photo-shoot catalogue: `catalog/shoots.json` in the repository, seeded
 * into `shoot_themes` at start, so a new shoot ships as a line in that file.
 */

const prompt = z.union([z.string().trim().min(1).max(600), z.object({ female: z.string().trim().min(1), male: z.string().trim().min(1) })]);
const theme = z.object({
  // Carried in a button's callback data with an avatar id: 16 characters at most.
  id: z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, 'a lowercase id of at most 16 characters'),
  listed: z.boolean().default(true),
  emoji: z.string().min(1).max(8),
  title: z.object({ ru: z.string().min(1).max(40), en: z.string().min(1).max(40) }),
  types: z.array(z.enum(['portrait', 'style'])).min(1),
  prompts: z.array(prompt).min(1).max(20),
});
const catalogFile = z.object({ themes: z.array(theme).min(1) });

export type ShootTheme = typeof shootThemes.$inferSelect;
type AvatarKind = { trainingType: 'portrait' | 'style'; gender: 'male' | 'female' | null };

/** The catalogue's file: beside `src/` (and `dist/`) in the repository and the image. */
const CATALOG_FILE = new URL('../../../catalog/shoots.json', import.meta.url);

/** Reads and checks the catalogue; a bad file stops the start with what is wrong in it. */
export async function readCatalog(file: URL | string = CATALOG_FILE) {
  const parsed = catalogFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`catalog/shoots.json: ${z.prettifyError(parsed.error)}`);
  return parsed.data.themes;
}

/** Writes the catalogue into the database: new and changed themes upserted, themes gone from the file hidden. */
export async function seedCatalog(db: Db, themes: Awaited<ReturnType<typeof readCatalog>>): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [position, t] of themes.entries()) {
      const row = {
        emoji: t.emoji,
        titleRu: t.title.ru,
        titleEn: t.title.en,
        avatarTypes: t.types,
        prompts: t.prompts,
        listed: t.listed,
        active: true,
        position,
        updatedAt: new Date(),
      };
      await tx
        .insert(shootThemes)
        .values({ id: t.id, ...row })
        .onConflictDoUpdate({ target: shootThemes.id, set: row });
    }
    await tx
      .update(shootThemes)
      .set({ active: false })
      .where(
        notInArray(
          shootThemes.id,
          themes.map((t) => t.id),
        ),
      );
  });
}

/** A theme's prompts for this avatar: each in the variant of its gender (female when it has none). */
export function promptsFor(theme: Pick<ShootTheme, 'prompts'>, avatar: AvatarKind): string[] {
  return theme.prompts.map((p) => (typeof p === 'string' ? p : avatar.gender === 'male' ? p.male : p.female));
}

export async function findTheme(db: Db, id: string): Promise<ShootTheme | null> {
  const [row] = await db
    .select()
    .from(shootThemes)
    .where(and(eq(shootThemes.id, id), eq(shootThemes.active, true)));
  return row ?? null;
}

/** The unlisted theme that makes the welcome set and the preview of this kind of avatar. */
export async function starterTheme(db: Db, avatar: AvatarKind): Promise<ShootTheme | null> {
  const themes = await db
    .select()
    .from(shootThemes)
    .where(and(eq(shootThemes.listed, false), eq(shootThemes.active, true)))
    .orderBy(asc(shootThemes.position));
  return themes.find((t) => t.avatarTypes.includes(avatar.trainingType)) ?? null;
}

export type CatalogEntry = ShootTheme & { likes: number; dislikes: number };

/** The shoots on sale for this kind of avatar, in the file's order, with their 👍 and 👎 so far. */
export async function listShoots(db: Db, trainingType: 'portrait' | 'style'): Promise<CatalogEntry[]> {
  const rows = await db
    .select({
      theme: shootThemes,
      likes: sql<number>`count(${generations.id}) filter (where ${generations.vote} = 1)::int`,
      dislikes: sql<number>`count(${generations.id}) filter (where ${generations.vote} = -1)::int`,
    })
    .from(shootThemes)
    .leftJoin(pictureSets, eq(pictureSets.themeId, shootThemes.id))
    .leftJoin(generations, eq(generations.setId, pictureSets.id))
    .where(and(eq(shootThemes.listed, true), eq(shootThemes.active, true), sql`${shootThemes.avatarTypes} ? ${trainingType}`))
    .groupBy(shootThemes.id)
    .orderBy(asc(shootThemes.position));
  return rows.map((r) => ({ ...r.theme, likes: r.likes, dislikes: r.dislikes }));
}

/** A theme's emoji and titles, listed or not, active or retired: what a set made from it is called. */
export async function themeNames(db: Db, id: string | null): Promise<Pick<ShootTheme, 'emoji' | 'titleRu' | 'titleEn'> | null> {
  if (!id) return null;
  const [row] = await db
    .select({ emoji: shootThemes.emoji, titleRu: shootThemes.titleRu, titleEn: shootThemes.titleEn })
    .from(shootThemes)
    .where(eq(shootThemes.id, id));
  return row ?? null;
}
