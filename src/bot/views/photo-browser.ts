import type { Texts } from '../texts/index.js';
import { button, pagerRow, type View, view } from './view.js';

/** A photo of an avatar being put together: browse, delete, back to the upload. */
export function photoBrowserView(t: Texts, avatarId: string, index: number, total: number, sha256: string): View {
  return view(t.photoCaption(index + 1, total), [
    pagerRow(index, total, (i) => ({ action: 'avatar_photos', avatarId, index: i })),
    [button(t.deletePhoto, { action: 'avatar_photo_del', avatarId, photo: sha256.slice(0, 8) })],
    [button(t.backToUpload, { action: 'avatar_photos_back', avatarId })],
  ]);
}

/** A photo of an avatar inside its gallery card: browse, back to the card. */
export function galleryPhotoView(t: Texts, avatarId: string, index: number, total: number): View {
  return view(t.photoCaption(index + 1, total), [
    pagerRow(index, total, (i) => ({ action: 'gallery_photos', avatarId, index: i })),
    [button(t.gallery.back, { action: 'gallery_card', avatarId })],
  ]);
}
