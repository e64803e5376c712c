import { categoryLabel, type TShowCard } from '@showcart/shared';
import { Link } from 'react-router-dom';
import { startTimeLabel } from '../show/countdown.ts';
import { StatusBadge } from './StatusBadge.tsx';
import '../discovery.css';

/** Where a show's card leads: the replay once there is one to watch, else the show's own page (live, or before it starts). */
const hrefOf = (show: TShowCard) => (show.status === 'live' || show.status === 'scheduled' ? `/shows/${show.id}` : `/replays/${show.id}`);

/** What a card says of when: watching now, when it starts, or when it ran. */
const whenOf = (show: TShowCard) => {
  if (show.status === 'live') return show.viewers ? `${show.viewers} watching` : 'Live now';
  if (show.status === 'scheduled') return show.scheduledAt ? startTimeLabel(show.scheduledAt) : 'Starts when the host goes live';
  return show.startedAt ? `Replay · ${startTimeLabel(show.startedAt)}` : 'Replay';
};

/** A show in a row of the home page or of search: its picture, status, title, host and when. */
export const ShowCard = ({ show }: { show: TShowCard }) => (
  <article className="show-tile" data-testid="show-card" data-show-id={show.id}>
    <Link to={hrefOf(show)} className="show-tile-link">
      {show.photoUrl ? (
        <img className="show-tile-photo" src={show.photoUrl} alt="" loading="lazy" decoding="async" width={480} height={320} />
      ) : (
        <div className="show-tile-photo show-tile-none" aria-hidden="true">{show.title.slice(0, 1).toUpperCase()}</div>
      )}
      <span className="show-tile-badge">{show.status === 'live' || show.status === 'scheduled' ? <StatusBadge status={show.status} /> : <span className="badge">replay</span>}</span>
      <h3 className="show-tile-title">{show.title}</h3>
    </Link>
    <p className="show-tile-meta">
      <Link to={`/@${show.hostHandle}`}>{show.hostName}</Link>
      {' · '}<span data-testid="show-card-when">{whenOf(show)}</span>
    </p>
    <p className="show-tile-meta muted">
      {show.entryCount} {show.entryCount === 1 ? 'item' : 'items'}{show.category && <> · {categoryLabel(show.category)}</>}
    </p>
  </article>
);
