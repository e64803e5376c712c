import { SEARCH_QUERY_MAX_CHARS } from '@showcart/shared';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import '../discovery.css';

/**
 * The search box: submitting opens /search with the words (and whatever `keep` holds: the
 * filters already chosen). An empty box searches everything, newest first.
 */
export const SearchBox = ({ initial = '', keep }: { initial?: string; keep?: URLSearchParams }) => {
  const navigate = useNavigate();
  const [q, setQ] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const params = new URLSearchParams(keep);
    params.delete('q');
    if (q.trim()) params.set('q', q.trim());
    const query = params.toString();
    navigate(query ? `/search?${query}` : '/search');
  };
  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor="search-q" className="sr-only">Search listings, shows and sellers</label>
      <input id="search-q" type="search" name="q" value={q} onChange={(e) => setQ(e.target.value)} maxLength={SEARCH_QUERY_MAX_CHARS}
        placeholder="Search listings, shows, sellers" autoComplete="off" enterKeyHint="search" data-testid="search-input" />
      <button type="submit" className="button primary" data-testid="search-submit">Search</button>
    </form>
  );
};
