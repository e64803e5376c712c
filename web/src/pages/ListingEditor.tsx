import {
  AppError,
  CATEGORY_TREE,
  CONDITIONS,
  MAX_LISTING_PHOTOS,
  moneyInputOf,
  parseMoneyInput,
  photoOf,
  type TCondition,
  type TListingBody,
  type TListingDetail,
  type TPhoto,
} from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { call, invalidate, messageOf, queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { PhotoPicker } from '../components/PhotoPicker.tsx';
import { useSession } from '../session.tsx';
import { ErrorPage, pageForError } from './ErrorPage.tsx';

type TSizeRow = { key: string; id?: string; label: string; quantity: string; held: number };
type TDraft = {
  photos: TPhoto[];
  title: string;
  description: string;
  brand: string;
  category: string;
  condition: TCondition | '';
  price: string;
  originalPrice: string;
  sizes: TSizeRow[];
};

const newRow = (label = ''): TSizeRow => ({ key: crypto.randomUUID(), label, quantity: '1', held: 0 });

const EMPTY: TDraft = {
  photos: [], title: '', description: '', brand: '', category: '', condition: '', price: '', originalPrice: '', sizes: [newRow('One size')],
};

const draftOf = (l: TListingDetail): TDraft => ({
  // The page knows a photo's sizes, not its pixels: the picker shows the thumb either way.
  photos: l.photos.map((p) => photoOf({ id: p.id, width: 1, height: 1 })),
  title: l.title,
  description: l.description,
  brand: l.brand,
  category: l.category,
  condition: l.condition,
  price: moneyInputOf(l.priceMinor),
  originalPrice: l.originalPriceMinor === null ? '' : moneyInputOf(l.originalPriceMinor),
  sizes: l.variants.map((v) => ({ key: v.id, id: v.id, label: v.label, quantity: String(v.quantity), held: v.quantity - v.free })),
});

/** The body the api takes, or what is wrong with the form in words. */
const bodyOf = (d: TDraft): TListingBody | string => {
  if (d.photos.length === 0) return 'Add at least one photo: the first is the cover.';
  if (!d.category) return 'Pick a category.';
  if (!d.condition) return 'Say what condition it is in.';
  const priceMinor = parseMoneyInput(d.price);
  if (!priceMinor) return 'The price: an amount above $0, like 24 or 24.50.';
  const originalPriceMinor = d.originalPrice.trim() === '' ? null : parseMoneyInput(d.originalPrice);
  if (originalPriceMinor === null && d.originalPrice.trim() !== '') return 'The original price: an amount, or leave it empty.';
  if (originalPriceMinor !== null && originalPriceMinor < priceMinor) return 'The original price cannot be below the price.';
  const variants = [];
  for (const row of d.sizes) {
    const quantity = Number(row.quantity);
    if (!row.label.trim()) return 'Each size needs a name (S, M, 38, One size…).';
    if (!Number.isInteger(quantity) || quantity < 0) return `Size ${row.label}: a whole number of items.`;
    if (quantity < row.held) return `Size ${row.label}: ${row.held} are in shows or orders, so at least ${row.held}.`;
    variants.push({ ...(row.id ? { id: row.id } : {}), label: row.label.trim(), quantity });
  }
  if (variants.length === 0) return 'Add at least one size.';
  return {
    title: d.title.trim(), description: d.description.trim(), brand: d.brand.trim(), category: d.category, condition: d.condition,
    priceMinor, originalPriceMinor, variants, photoIds: d.photos.map((p) => p.id),
  };
};

/** /closet/new and /listings/:id/edit: a listing's photos, words, price and sizes, checked here and by the api. */
export const ListingEditorPage = () => {
  const { id } = useParams();
  const editing = id !== undefined;
  const { me } = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const existing = useQuery({ ...queryOf('listings.get', { params: { id: id ?? '' } }), enabled: editing });
  const [draft, setDraft] = useState<TDraft>(EMPTY);
  const [invalid, setInvalid] = useState<string | null>(null);
  useEffect(() => {
    if (existing.data) setDraft(draftOf(existing.data));
  }, [existing.data]);
  const save = useMutation({
    mutationFn: (body: TListingBody) => (id ? call('listings.update', { params: { id }, body }) : call('listings.create', { body })),
    onSuccess: async (listing) => {
      await invalidate(client, 'closet.mine', 'listings.get');
      navigate(`/listings/${listing.id}`, { state: { notice: editing ? 'Saved: your changes are live.' : 'Listed! Buyers can find it now, and you can put it in a show.' } });
    },
  });
  if (editing) {
    if (existing.error instanceof AppError && existing.error.code === 'NOT_FOUND') return <ErrorPage kind="not-found" />;
    const refused = pageForError(existing.error);
    if (refused) return refused;
    if (existing.data && me && existing.data.sellerId !== me.id) return <ErrorPage kind="forbidden" />;
  }
  const set = <K extends keyof TDraft>(key: K, value: TDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setRow = (key: string, change: Partial<TSizeRow>) => set('sizes', draft.sizes.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = bodyOf(draft);
    if (typeof body === 'string') return setInvalid(body);
    setInvalid(null);
    save.mutate(body);
  };
  return (
    <Layout>
      <h1>{editing ? 'Edit listing' : 'List an item'}</h1>
      {me && !me.emailVerified && (
        <p className="banner banner-warning">Confirm your email before you list: open the link we mailed you (<Link to="/account">send it again</Link>).</p>
      )}
      {editing && !existing.data ? <div className="loading" role="status">Loading…</div> : (
        <form className="form listing-form" onSubmit={submit} noValidate>
          <fieldset className="card stack">
            <legend>Photos</legend>
            <p className="muted">Up to {MAX_LISTING_PHOTOS}. The first is the cover; drag or use the arrows to reorder.</p>
            <PhotoPicker value={draft.photos} onChange={(photos) => set('photos', photos)} max={MAX_LISTING_PHOTOS} label="Listing photos" />
          </fieldset>
          <div className="card form">
            <label>
              Title
              <input name="title" required maxLength={120} value={draft.title} onChange={(e) => set('title', e.target.value)} />
            </label>
            <label>
              Description
              <textarea name="description" rows={4} maxLength={2000} value={draft.description} onChange={(e) => set('description', e.target.value)} />
            </label>
            <label>
              Brand (optional)
              <input name="brand" maxLength={60} value={draft.brand} onChange={(e) => set('brand', e.target.value)} />
            </label>
            <div className="form-row">
              <label>
                Category
                <select name="category" required value={draft.category} onChange={(e) => set('category', e.target.value)}>
                  <option value="">Choose…</option>
                  {CATEGORY_TREE.map((top) => (
                    <optgroup key={top.slug} label={top.name}>
                      <option value={top.slug}>{top.name}: other</option>
                      {top.children.map(([slug, name]) => <option key={slug} value={`${top.slug}/${slug}`}>{name}</option>)}
                    </optgroup>
                  ))}
                </select>
              </label>
              <label>
                Condition
                <select name="condition" required value={draft.condition} onChange={(e) => set('condition', e.target.value as TCondition)}>
                  <option value="">Choose…</option>
                  {Object.entries(CONDITIONS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
                </select>
              </label>
            </div>
            <div className="form-row">
              <label>
                Price ($)
                <input name="price" inputMode="decimal" required value={draft.price} onChange={(e) => set('price', e.target.value)} />
              </label>
              <label>
                Original price ($, optional)
                <input name="originalPrice" inputMode="decimal" value={draft.originalPrice} onChange={(e) => set('originalPrice', e.target.value)} />
              </label>
            </div>
          </div>
          <fieldset className="card stack">
            <legend>Sizes and quantities</legend>
            {draft.sizes.map((row, i) => (
              <div key={row.key} className="size-row">
                <label>
                  Size
                  <input value={row.label} maxLength={40} aria-label={`Size ${i + 1}`} onChange={(e) => setRow(row.key, { label: e.target.value })} />
                </label>
                <label>
                  How many
                  <input inputMode="numeric" value={row.quantity} aria-label={`How many of size ${i + 1}`} onChange={(e) => setRow(row.key, { quantity: e.target.value })} />
                </label>
                {row.held > 0 ? <span className="muted">{row.held} in shows or orders</span> : (
                  <button type="button" className="link-button" disabled={draft.sizes.length === 1}
                    onClick={() => set('sizes', draft.sizes.filter((r) => r.key !== row.key))}>
                    Remove
                  </button>
                )}
              </div>
            ))}
            <button type="button" className="button small" onClick={() => set('sizes', [...draft.sizes, newRow()])}>Add a size</button>
          </fieldset>
          <div aria-live="polite">
            {invalid && <p className="error" role="alert" data-testid="listing-invalid">{invalid}</p>}
            {save.error && <p className="error" role="alert" data-testid="listing-error">{messageOf(save.error)}</p>}
          </div>
          <button className="button primary" disabled={save.isPending} data-testid="save-listing">
            {save.isPending ? 'Saving…' : editing ? 'Save changes' : 'List it'}
          </button>
        </form>
      )}
    </Layout>
  );
};
