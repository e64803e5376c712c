import { CATEGORY_TREE, MAX_SCHEDULE_DAYS } from '@showcart/shared';
import { localInput, type TShowDraft } from '../show/show-draft.ts';
import { PhotoPicker } from './PhotoPicker.tsx';
import '../schedule.css';

/** The details of a show as a form, phone-first: title, when, cover, category, description. */
export const ShowDetailsFields = ({ draft, onChange }: { draft: TShowDraft; onChange: (next: TShowDraft) => void }) => {
  const set = <K extends keyof TShowDraft>(key: K, value: TShowDraft[K]) => onChange({ ...draft, [key]: value });
  const now = Date.now();
  return (
    <>
      <label>
        Title
        <input data-testid="show-title-input" value={draft.title} onChange={(e) => set('title', e.target.value)} required minLength={3} maxLength={120} placeholder="Sunday closet drop" />
      </label>
      <fieldset className="choices">
        <legend>When</legend>
        <label className="choice">
          <input type="radio" name="when" checked={draft.when === 'ready'} onChange={() => set('when', 'ready')} data-testid="show-when-ready" />
          Go live when I’m ready
        </label>
        <label className="choice">
          <input type="radio" name="when" checked={draft.when === 'later'} onChange={() => set('when', 'later')} data-testid="show-when-later" />
          Schedule a start time
        </label>
      </fieldset>
      {draft.when === 'later' && (
        <label>
          Starts at <span className="muted field-hint">your time, within {MAX_SCHEDULE_DAYS} days; you can still go live early</span>
          <input
            type="datetime-local"
            data-testid="show-starts-at"
            required
            value={draft.startsAt}
            min={localInput(now)}
            max={localInput(now + MAX_SCHEDULE_DAYS * 86_400_000)}
            onChange={(e) => set('startsAt', e.target.value)}
          />
        </label>
      )}
      <fieldset className="choices">
        <legend>Cover photo <span className="muted field-hint">shown on the show’s page until it starts</span></legend>
        <PhotoPicker value={draft.cover} onChange={(cover) => set('cover', cover)} max={1} label="Cover photo" />
      </fieldset>
      <label>
        Category
        <select data-testid="show-category-input" value={draft.category} onChange={(e) => set('category', e.target.value)}>
          <option value="">No category</option>
          {CATEGORY_TREE.map((top) => (
            <optgroup key={top.slug} label={top.name}>
              <option value={top.slug}>{top.name}: a bit of everything</option>
              {top.children.map(([slug, name]) => <option key={slug} value={`${top.slug}/${slug}`}>{name}</option>)}
            </optgroup>
          ))}
        </select>
      </label>
      <label>
        Description <span className="muted field-hint">optional</span>
        <textarea
          data-testid="show-description-input"
          rows={4}
          maxLength={2000}
          value={draft.description}
          onChange={(e) => set('description', e.target.value)}
          placeholder="What you will show, sizes, brands, anything buyers should know."
        />
      </label>
    </>
  );
};
