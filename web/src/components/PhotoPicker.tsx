import { MAX_PHOTO_BYTES, type TPhoto } from '@showcart/shared';
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { messageOf } from '../api.ts';
import { uploadPhoto } from '../upload-photo.ts';
import './photos.css';

export type TPhotoPickerProps = {
  /** The photos chosen so far, in order; with `max` > 1 the first is the cover. */
  value: TPhoto[];
  /** Called with the whole new list once an upload has finished, or after a removal or a move. */
  onChange: (photos: TPhoto[]) => void;
  /** How many it holds: 8 for a listing, 1 for an avatar or a show's cover (where a new photo replaces the one there). */
  max: number;
  /** What the photos are ("Listing photos"): names the list and the file chooser for screen readers. */
  label: string;
  /** The chooser's own words, where the page knows better ("Choose another photo" beside an avatar). */
  addLabel?: string;
  disabled?: boolean;
};

type TPending = { key: string; name: string; preview: string; progress: number };
type TFailure = { key: string; name: string; message: string };

/**
 * Chooses, uploads, orders and removes photos. Each chosen file is uploaded at once
 * (POST /api/photos) with its progress shown over a preview; the server's refusal of a
 * file ("That file is not a photo…") is listed by the file's name until dismissed. The
 * photos are reordered by dragging (HTML5 drag and drop) or by the earlier/later buttons
 * of each (keyboards, phones); the first is marked Cover. The parent holds the list
 * (`value`): it changes only through `onChange`. Uploads still running when the picker
 * goes are cancelled.
 *
 * ```tsx
 * <PhotoPicker value={photos} onChange={setPhotos} max={MAX_LISTING_PHOTOS} label="Listing photos" />
 * ```
 */
export const PhotoPicker = ({ value, onChange, max, label, addLabel: ownAddLabel, disabled = false }: TPhotoPickerProps) => {
  const [pending, setPending] = useState<TPending[]>([]);
  const [failures, setFailures] = useState<TFailure[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [dropAt, setDropAt] = useState<number | null>(null);
  // Uploads finish one by one, each after renders of its own: each adds to the latest list.
  const latest = useRef(value);
  latest.current = value;
  const dragFrom = useRef<number | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const focusAfterMove = useRef<{ id: string; direction: 'earlier' | 'later' } | null>(null);
  const uploads = useRef(new Set<AbortController>());
  useEffect(() => () => uploads.current.forEach((u) => u.abort()), []);
  useEffect(() => {
    const wanted = focusAfterMove.current;
    if (!wanted || !list.current) return;
    focusAfterMove.current = null;
    const item = list.current.querySelector(`[data-photo-id="${wanted.id}"]`);
    const button = item?.querySelector<HTMLButtonElement>(`[data-move="${wanted.direction}"]:not(:disabled)`) ?? item?.querySelector<HTMLButtonElement>('[data-move]:not(:disabled)');
    button?.focus();
  });

  const replaces = max === 1;
  const room = replaces ? 1 - pending.length : max - value.length - pending.length;
  const commit = (next: TPhoto[], said: string) => {
    latest.current = next;
    onChange(next);
    setAnnouncement(said);
  };

  const upload = (file: File) => {
    const key = crypto.randomUUID();
    const preview = URL.createObjectURL(file);
    const controller = new AbortController();
    uploads.current.add(controller);
    setPending((p) => [...p, { key, name: file.name, preview, progress: 0 }]);
    setAnnouncement(`Uploading ${file.name}…`);
    uploadPhoto(file, {
      signal: controller.signal,
      onProgress: (progress) => setPending((p) => p.map((x) => (x.key === key ? { ...x, progress } : x))),
    })
      .then(
        (photo) => commit(replaces ? [photo] : [...latest.current, photo].slice(0, max), `${file.name} added.`),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setFailures((f) => [...f, { key, name: file.name, message: messageOf(error) }]);
          setAnnouncement('');
        },
      )
      .finally(() => {
        uploads.current.delete(controller);
        URL.revokeObjectURL(preview);
        setPending((p) => p.filter((x) => x.key !== key));
      });
  };

  const choose = (files: FileList | null) => {
    const chosen = [...(files ?? [])];
    const taken = chosen.slice(0, Math.max(0, room));
    taken.forEach(upload);
    if (taken.length < chosen.length) {
      const left = chosen.length - taken.length;
      setFailures((f) => [...f, {
        key: crypto.randomUUID(), name: `${left} ${left === 1 ? 'file' : 'files'}`,
        message: `not added: ${replaces ? 'one photo goes here' : `${max} photos at most`}.`,
      }]);
    }
  };

  const move = (from: number, to: number) => {
    if (from === to || to < 0 || to >= value.length) return;
    const next = [...value];
    const [photo] = next.splice(from, 1);
    next.splice(to, 0, photo!);
    commit(next, `Photo moved to position ${to + 1} of ${next.length}${to === 0 && max > 1 ? ': it is the cover now' : ''}.`);
  };
  const moveBy = (index: number, by: -1 | 1) => {
    focusAfterMove.current = { id: value[index]!.id, direction: by < 0 ? 'earlier' : 'later' };
    move(index, index + by);
  };
  const remove = (index: number) => commit(value.filter((_, i) => i !== index), `Photo ${index + 1} removed.`);

  // Files dropped on the picker are chosen; a photo dragged within it is moved.
  const onDropOnPicker = (e: DragEvent) => {
    if (dragFrom.current !== null || disabled) return;
    e.preventDefault();
    choose(e.dataTransfer.files);
  };
  const hasCover = max > 1;
  const addLabel = ownAddLabel ?? (replaces ? (value.length > 0 ? 'Replace photo' : 'Choose a photo') : value.length > 0 ? 'Add more' : 'Add photos');

  return (
    <div className="photo-picker" onDragOver={(e) => dragFrom.current === null && e.preventDefault()} onDrop={onDropOnPicker}>
      <ol className="photo-grid" aria-label={label} ref={list}>
        {value.map((photo, i) => (
          <li
            key={photo.id}
            data-photo-id={photo.id}
            className={`photo-tile${dropAt === i ? ' photo-tile-drop' : ''}`}
            draggable={!disabled && value.length > 1}
            onDragStart={(e) => {
              dragFrom.current = i;
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', photo.id);
            }}
            onDragOver={(e) => {
              if (dragFrom.current === null) return;
              e.preventDefault();
              setDropAt(i);
            }}
            onDrop={(e) => {
              if (dragFrom.current === null) return;
              e.preventDefault();
              e.stopPropagation();
              move(dragFrom.current, i);
              dragFrom.current = null;
              setDropAt(null);
            }}
            onDragEnd={() => {
              dragFrom.current = null;
              setDropAt(null);
            }}
          >
            <img src={photo.urls.thumb} alt={`Photo ${i + 1} of ${value.length}${hasCover && i === 0 ? ', the cover' : ''}`} draggable={false} />
            {hasCover && i === 0 && <span className="photo-cover">Cover</span>}
            <span className="photo-tools">
              {value.length > 1 && (
                <>
                  <button type="button" data-move="earlier" className="photo-tool" disabled={disabled || i === 0}
                    aria-label={`Move photo ${i + 1} earlier`} title="Move earlier" onClick={() => moveBy(i, -1)}>←</button>
                  <button type="button" data-move="later" className="photo-tool" disabled={disabled || i === value.length - 1}
                    aria-label={`Move photo ${i + 1} later`} title="Move later" onClick={() => moveBy(i, 1)}>→</button>
                </>
              )}
              <button type="button" className="photo-tool photo-remove" disabled={disabled}
                aria-label={`Remove photo ${i + 1}`} title="Remove" onClick={() => remove(i)}>✕</button>
            </span>
          </li>
        ))}
        {pending.map((p) => (
          <li key={p.key} className="photo-tile photo-tile-pending">
            <img src={p.preview} alt="" />
            <span className="photo-progress">
              Uploading… {Math.round(p.progress * 100)}%
              <progress max={1} value={p.progress} aria-label={`Uploading ${p.name}`} />
            </span>
          </li>
        ))}
        {room > 0 && (
          <li className="photo-tile photo-add-tile">
            <label className={`photo-add${disabled ? ' photo-add-disabled' : ''}`}>
              <span aria-hidden="true" className="photo-add-plus">+</span>
              <span>{addLabel}</span>
              <input
                type="file"
                accept="image/*"
                multiple={!replaces}
                className="sr-only"
                disabled={disabled}
                aria-label={`${addLabel}: ${label}`}
                data-testid="photo-input"
                onChange={(e) => {
                  choose(e.target.files);
                  e.target.value = '';
                }}
              />
            </label>
          </li>
        )}
      </ol>
      <p className="muted photo-hint">
        JPEG, PNG, WebP, AVIF or GIF, up to {MAX_PHOTO_BYTES / 1024 / 1024} MB{hasCover ? `, ${max} at most. Drag to reorder, or use the arrows: the first is the cover.` : '.'}
      </p>
      <p className="sr-only" role="status" aria-live="polite">{announcement}</p>
      {/* Always there, so that a screen reader announces each refusal as it is added. */}
      <div role="alert">
        {failures.length > 0 && (
          <ul className="photo-errors">
            {failures.map((f) => (
              <li key={f.key}>
                <span><strong>{f.name}</strong>: {f.message}</span>
                <button type="button" className="link-button" onClick={() => setFailures((all) => all.filter((x) => x.key !== f.key))}
                  aria-label={`Dismiss the message about ${f.name}`}>Dismiss</button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
};
