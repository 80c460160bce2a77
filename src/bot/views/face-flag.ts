import type { Texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** A photo that looks like someone else: keep it (it is the user after all) or delete it. */
export function faceFlagView(t: Texts, avatarId: string, sha256: string): View {
  const photo = sha256.slice(0, 8);
  return view(t.faceStranger, [
    [
      button(t.keepPhoto, { action: 'avatar_face_keep', avatarId, photo }),
      button(t.dropPhoto, { action: 'avatar_face_drop', avatarId, photo }),
    ],
  ]);
}
