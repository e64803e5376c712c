import { CATEGORY_TREE, categoryLabel, CONDITIONS, formatMoney, ZSearchQuery, type TCondition, type TSearchQueryInput } from '@showcart/shared';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { call, keyOf, messageOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { ListingCard } from '../components/ListingCard.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { ShowCard } from '../components/ShowCard.tsx';
import '../discovery.css';

/** The page's address holds the search: these parameters, as the api takes them. */
const KEYS = ['q', 'category', 'size', 'minPriceMinor', 'maxPriceMinor', 'condition'] as const;
const FILTER_KEYS = KEYS.filter((k) => k !== 'q');

const queryOfParams = (params: URLSearchParams): TSearchQueryInput =>
  Object.fromEntries(KEYS.flatMap((k) => {
    const value = params.get(k)?.trim();
    return value ? [[k, value]] : [];
  }));

/** Whole units of money as typed ("25", "25.50") in minor units, or undefined for none; NaN when it is not a price. */
const minorOf = (typed: string) => {
  const text = typed.trim();
  if (text === '') return undefined;
  return /^\d{1,7}(\.\d{1,2})?$/.test(text) ? Math.round(Number(text) * 100) : NaN;
};
const unitsOf = (minor: string | undefined) => (minor === undefined ? '' : String(Number(minor) / 100));

/** What the filters say, in words: "Women › Jeans · size M · $10.00 to $60.00 · Like new". */
const describe = (query: TSearchQueryInput) => [
  query.category && categoryLabel(query.category),
  query.size && `size ${query.size}`,
  query.minPriceMinor && query.maxPriceMinor ? `${formatMoney(Number(query.minPriceMinor), 'usd')} to ${formatMoney(Number(query.maxPriceMinor), 'usd')}`
    : query.minPriceMinor ? `from ${formatMoney(Number(query.minPriceMinor), 'usd')}`
      : query.maxPriceMinor ? `up to ${formatMoney(Number(query.maxPriceMinor), 'usd')}` : undefined,
  query.condition && CONDITIONS[query.condition as TCondition],
].filter(Boolean).join(' · ');

/** The filters: a panel a phone opens and closes, always open beside the results on a desktop. */
const Filters = ({ query, onApply }: { query: TSearchQueryInput; onApply: (filters: Record<string, string | undefined>) => void }) => {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [category, setCategory] = useState(query.category ?? '');
  const [size, setSize] = useState(query.size ?? '');
  const [min, setMin] = useState(unitsOf(query.minPriceMinor));
  const [max, setMax] = useState(unitsOf(query.maxPriceMinor));
  const [condition, setCondition] = useState(query.condition ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const active = FILTER_KEYS.filter((k) => query[k] !== undefined).length;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const [minMinor, maxMinor] = [minorOf(min), minorOf(max)];
    if (Number.isNaN(minMinor) || Number.isNaN(maxMinor)) return setProblem('A price is a number of dollars, like 25 or 25.50.');
    if (minMinor !== undefined && maxMinor !== undefined && minMinor > maxMinor) return setProblem('The lowest price is above the highest.');
    setProblem(null);
    setOpen(false);
    onApply({
      category: category || undefined, size: size.trim() || undefined, condition: condition || undefined,
      minPriceMinor: minMinor?.toString(), maxPriceMinor: maxMinor?.toString(),
    });
  };
  return (
    <div className="filters">
      <button type="button" className="button small filters-toggle" aria-expanded={open} aria-controls={`${id}-panel`}
        onClick={() => setOpen(!open)} data-testid="filters-toggle">
        Filters{active > 0 && ` (${active})`}
      </button>
      <form id={`${id}-panel`} className={open ? 'filters-panel open' : 'filters-panel'} onSubmit={submit} aria-label="Filters" data-testid="filters">
        <label>
          Category
          <select value={category} onChange={(e) => setCategory(e.target.value)} data-testid="filter-category">
            <option value="">Any category</option>
            {CATEGORY_TREE.map((top) => (
              <optgroup key={top.slug} label={top.name}>
                <option value={top.slug}>All of {top.name}</option>
                {top.children.map(([slug, name]) => <option key={slug} value={`${top.slug}/${slug}`}>{name}</option>)}
              </optgroup>
            ))}
          </select>
        </label>
        <label>
          Size
          <input value={size} onChange={(e) => setSize(e.target.value)} maxLength={40} placeholder="M, 38, One size" data-testid="filter-size" />
        </label>
        <fieldset className="filters-price">
          <legend>Price ($)</legend>
          <label>
            <span className="sr-only">Lowest price</span>
            <input inputMode="decimal" value={min} onChange={(e) => setMin(e.target.value)} placeholder="From" data-testid="filter-min" />
          </label>
          <span aria-hidden="true">–</span>
          <label>
            <span className="sr-only">Highest price</span>
            <input inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} placeholder="To" data-testid="filter-max" />
          </label>
        </fieldset>
        <label>
          Condition
          <select value={condition} onChange={(e) => setCondition(e.target.value)} data-testid="filter-condition">
            <option value="">Any condition</option>
            {Object.entries(CONDITIONS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </label>
        {problem && <p className="error" role="alert">{problem}</p>}
        <div className="row">
          <button type="submit" className="button primary small" data-testid="filters-apply">Show results</button>
          {active > 0 && (
            <button type="button" className="button small" onClick={() => {
              setCategory(''); setSize(''); setMin(''); setMax(''); setCondition(''); setOpen(false);
              onApply({ category: undefined, size: undefined, condition: undefined, minPriceMinor: undefined, maxPriceMinor: undefined });
            }}>Clear filters</button>
          )}
        </div>
      </form>
    </div>
  );
};

/**
 * `/search?q=…&category=…`, open to anyone: shows and sellers named like the words, then
 * listings a page at a time ("Load more" follows the cursor). The address holds the
 * search, so a link or the back button brings it back; what the server refuses is said
 * in its words.
 */
export const SearchPage = () => {
  const [params, setParams] = useSearchParams();
  const query = queryOfParams(params);
  const valid = ZSearchQuery.safeParse(query);
  const results = useInfiniteQuery({
    queryKey: keyOf('discovery.search', undefined, query),
    queryFn: ({ pageParam }) => call('discovery.search', { query: { ...query, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    enabled: valid.success,
  });
  const apply = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) next.delete(k);
      else next.set(k, v);
    }
    setParams(next);
  };
  const first = results.data?.pages[0];
  const listings = results.data?.pages.flatMap((p) => p.listings) ?? [];
  const words = query.q ? `“${query.q}”` : 'everything';
  const filters = describe(query);
  const problem = !valid.success ? `${valid.error.issues[0]?.path.join('.')}: ${valid.error.issues[0]?.message}` : results.error ? messageOf(results.error) : null;

  return (
    <Layout wide open>
      <div className="search-head">
        {/* A new box per search: the back button shows the words of the search it returns to. */}
        <SearchBox key={query.q ?? ''} initial={query.q ?? ''} keep={params} />
      </div>
      <div className="search-layout">
        <Filters key={FILTER_KEYS.map((k) => query[k] ?? '').join('|')} query={query} onApply={apply} />
        <div className="search-results">
          <h1 className="search-title" data-testid="search-title">
            {query.q ? <>Results for {words}</> : 'Everything for sale'}
            {filters && <span className="search-filters muted"> · {filters}</span>}
          </h1>
          <p className="sr-only" role="status" aria-live="polite">
            {results.isFetching ? 'Searching…' : first ? `${listings.length}${results.hasNextPage ? ' or more' : ''} listings found.` : ''}
          </p>
          {problem && (
            <p className="error" role="alert" data-testid="search-problem">
              {problem} <Link to="/search">Start a new search</Link>
            </p>
          )}
          {!first && !problem && <p className="muted">Searching…</p>}
          {first && first.shows.length > 0 && (
            <section aria-labelledby="search-shows" data-testid="search-shows">
              <h2 className="section-title" id="search-shows">Shows</h2>
              <ul className="tile-row tile-row-compact">{first.shows.map((s) => <li key={s.id}><ShowCard show={s} /></li>)}</ul>
            </section>
          )}
          {first && first.sellers.length > 0 && (
            <section aria-labelledby="search-sellers" data-testid="search-sellers">
              <h2 className="section-title" id="search-sellers">Sellers</h2>
              <ul className="seller-row">
                {first.sellers.map((s) => (
                  <li key={s.id}>
                    <Link to={`/@${s.handle}`} className="seller-chip">
                      <span className="seller-initial" aria-hidden="true">{s.displayName.slice(0, 1).toUpperCase()}</span>
                      <span><strong>{s.displayName}</strong> <span className="muted">@{s.handle} · {s.listingCount} listed</span></span>
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {first && listings.length === 0 && (
            <div className="card search-empty" data-testid="search-empty">
              <h2>No listings match {words}{filters && ' with these filters'}.</h2>
              <ul>
                {query.q && <li>Check the spelling, or try fewer or more general words (“jacket” rather than “cropped suede jacket”).</li>}
                {filters && <li>Remove a filter: <button type="button" className="link-button" onClick={() => apply(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])))}>clear them all</button>.</li>}
                <li>Or browse a category: {CATEGORY_TREE.map((top, i) => (
                  <span key={top.slug}>{i > 0 && ', '}<Link to={`/search?category=${top.slug}`}>{top.name}</Link></span>
                ))}.</li>
              </ul>
            </div>
          )}
          {listings.length > 0 && (
            <section aria-labelledby="search-listings">
              <h2 className="section-title" id="search-listings">Listings</h2>
              <ul className="listing-grid" data-testid="search-listings">
                {listings.map((l) => <li key={l.id}><ListingCard listing={l} /></li>)}
              </ul>
              {results.hasNextPage ? (
                <button type="button" className="button load-more" disabled={results.isFetchingNextPage}
                  onClick={() => void results.fetchNextPage()} data-testid="search-more">
                  {results.isFetchingNextPage ? 'Loading…' : 'Load more'}
                </button>
              ) : <p className="muted load-more" data-testid="search-end">That is all {listings.length} {listings.length === 1 ? 'listing' : 'listings'}.</p>}
            </section>
          )}
        </div>
      </div>
    </Layout>
  );
};
