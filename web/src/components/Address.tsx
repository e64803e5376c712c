import { formatAddress, type TAddressBody } from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { call, keyOf, messageOf, queryOf } from '../api.ts';
import { useSession } from '../session.tsx';

/** Countries a seller here ships to most; any other is typed as its two-letter code. */
const COUNTRIES: [string, string][] = [
  ['US', 'United States'], ['CA', 'Canada'], ['GB', 'United Kingdom'], ['IE', 'Ireland'], ['FR', 'France'], ['DE', 'Germany'],
  ['ES', 'Spain'], ['IT', 'Italy'], ['NL', 'Netherlands'], ['BE', 'Belgium'], ['AU', 'Australia'], ['NZ', 'New Zealand'],
];

/** The buyer's default address, where its next order ships (undefined while loading, null when there is none). */
export const useDefaultAddress = () => {
  const { me } = useSession();
  const query = useQuery({ ...queryOf('addresses.list'), enabled: Boolean(me) });
  return query.data ? (query.data.addresses.find((a) => a.isDefault) ?? null) : undefined;
};

/** "Ships to …", with a link to change it, beside every way to buy. */
export const ShipsTo = ({ back }: { back: string }) => {
  const address = useDefaultAddress();
  if (address === undefined) return null;
  return (
    <p className="muted ships-to" data-testid="ships-to">
      {address ? <>Ships to {formatAddress(address)} · </> : <>No shipping address yet · </>}
      <Link to={`/wallet?back=${encodeURIComponent(back)}`}>{address ? 'change' : 'add one'}</Link>
    </p>
  );
};

const EMPTY: TAddressBody = { name: '', line1: '', line2: '', city: '', region: '', postalCode: '', country: 'US' };

/** Adds an address (the first becomes the default); says what happened. */
export const AddressForm = ({ onSaved }: { onSaved?: () => void }) => {
  const client = useQueryClient();
  const { me, setMe } = useSession();
  const [form, setForm] = useState<TAddressBody>(() => ({ ...EMPTY, name: me?.displayName ?? '' }));
  const [makeDefault, setMakeDefault] = useState(true);
  const save = useMutation({
    mutationFn: () => call('addresses.add', { body: { ...form, makeDefault } }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: keyOf('addresses.list') });
      if (me && !me.hasShippingAddress) setMe({ ...me, hasShippingAddress: true });
      setForm({ ...EMPTY, name: me?.displayName ?? '' });
      onSaved?.();
    },
  });
  const field = (name: keyof TAddressBody, label: string, extra: { autoComplete: string; required?: boolean; maxLength: number }) => (
    <label>
      {label}
      <input
        name={name} value={form[name]} required={extra.required ?? true} maxLength={extra.maxLength} autoComplete={extra.autoComplete}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
    </label>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="form" onSubmit={submit} data-testid="address-form">
      {field('name', 'Full name', { autoComplete: 'name', maxLength: 80 })}
      {field('line1', 'Street address', { autoComplete: 'address-line1', maxLength: 120 })}
      {field('line2', 'Apartment, suite (optional)', { autoComplete: 'address-line2', required: false, maxLength: 120 })}
      <div className="form-row">
        {field('city', 'City', { autoComplete: 'address-level2', maxLength: 80 })}
        {field('region', 'State / region (optional)', { autoComplete: 'address-level1', required: false, maxLength: 80 })}
      </div>
      <div className="form-row">
        {field('postalCode', 'Postal code', { autoComplete: 'postal-code', maxLength: 12 })}
        <label>
          Country
          <select name="country" value={form.country} autoComplete="country" onChange={(e) => setForm({ ...form, country: e.target.value })}>
            {COUNTRIES.map(([code, name]) => <option key={code} value={code}>{name}</option>)}
          </select>
        </label>
      </div>
      <label className="choice">
        <input type="checkbox" checked={makeDefault} onChange={(e) => setMakeDefault(e.target.checked)} /> Ship my orders here
      </label>
      {save.error && <p className="error" role="alert">{messageOf(save.error)}</p>}
      {save.isSuccess && <p className="success" role="status">Address saved.</p>}
      <button className="button primary" disabled={save.isPending} data-testid="save-address">{save.isPending ? 'Saving…' : 'Save address'}</button>
    </form>
  );
};

/** The buyer's addresses: the default marked, another made default, one removed. */
export const AddressList = () => {
  const client = useQueryClient();
  const query = useQuery(queryOf('addresses.list'));
  const [said, setSaid] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (p: { id: string; action: 'default' | 'remove' }) =>
      p.action === 'default' ? call('addresses.setDefault', { params: { id: p.id } }) : call('addresses.remove', { params: { id: p.id } }),
    onSuccess: (reply, p) => {
      client.setQueryData(queryOf('addresses.list').queryKey, reply);
      setSaid(p.action === 'default' ? 'Your orders now ship there.' : 'Address removed. Orders already made still ship where they said.');
    },
  });
  const addresses = query.data?.addresses ?? [];
  if (addresses.length === 0) return null;
  return (
    <div className="stack">
      <ul className="addresses" data-testid="addresses">
        {addresses.map((a) => (
          <li key={a.id} className={a.isDefault ? 'address address-default' : 'address'}>
            <span>{formatAddress(a)}</span>
            {a.isDefault ? <strong className="badge">Default</strong> : (
              <button className="link-button" onClick={() => change.mutate({ id: a.id, action: 'default' })}>Ship here</button>
            )}
            <button className="link-button" aria-label={`Remove ${a.line1}`} onClick={() => change.mutate({ id: a.id, action: 'remove' })}>Remove</button>
          </li>
        ))}
      </ul>
      {said && <p className="success" role="status">{said}</p>}
      {change.error && <p className="error" role="alert">{messageOf(change.error)}</p>}
    </div>
  );
};
