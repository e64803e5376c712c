import { categoryLabel, photoUrl, type TShowDetail } from '@showcart/shared';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { startsIn, startTimeLabel } from '../show/countdown.ts';
import { Avatar } from './Avatar.tsx';
import { NewSellerBadge } from './NewSellerBadge.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import '../schedule.css';

/** The countdown moves on once a second: "Starting any moment" shows within a second of the time. */
const TICK_MS = 1_000;

const useNow = (enabled: boolean) => {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [enabled]);
  return now;
};

/**
 * The show's cover where its video will be: the photo at the size the screen needs, or
 * the title's first letter on the brand's colour when the host gave none.
 */
export const ShowCover = ({ show, children }: { show: TShowDetail; children?: ReactNode }) => (
  <section className="stage preshow-cover" aria-label="Video">
    {show.coverPhotoId ? (
      <img
        className="cover-photo"
        src={photoUrl(show.coverPhotoId, 'card')}
        srcSet={`${photoUrl(show.coverPhotoId, 'card')} 480w, ${photoUrl(show.coverPhotoId, 'full')} 1600w`}
        sizes="(min-width: 900px) 560px, 100vw"
        alt=""
        data-testid="show-cover"
      />
    ) : (
      <div className="cover-photo cover-none" aria-hidden="true">{show.title.slice(0, 1).toUpperCase()}</div>
    )}
    {children}
  </section>
);

/** When the show starts, ticking: "Starts in 2 h 14 min · Sat, 14 Jun, 19:00", or that the host goes live when ready. */
export const ShowCountdown = ({ show }: { show: TShowDetail }) => {
  const now = useNow(show.status === 'scheduled' && show.scheduledAt !== null);
  if (show.status !== 'scheduled') return null;
  return (
    <p className="countdown" data-testid="show-countdown">
      <strong role="timer">{show.scheduledAt ? startsIn(Date.parse(show.scheduledAt), now) : `Starts when ${show.hostName} goes live`}</strong>
      {show.scheduledAt && <span className="muted"> · {startTimeLabel(show.scheduledAt)}</span>}
    </p>
  );
};

/** Who hosts the show, with a way to their page. */
export const ShowHost = ({ show }: { show: TShowDetail }) => (
  <Link to={`/@${show.hostHandle}`} className="show-host" data-testid="show-host">
    <Avatar url={show.hostAvatarUrl} name={show.hostName} />
    <span>
      <span className="show-host-name">{show.hostName}</span>
      <span className="muted"> @{show.hostHandle}</span>
      <NewSellerBadge show={show.hostNewSeller} />
    </span>
  </Link>
);

/**
 * What a show is, as its page says before it starts: status, category, title, when, host
 * and description. The studio leaves out the status, which its video bar shows already.
 */
export const ShowFacts = ({ show, heading: Heading = 'h1', withStatus = true }: { show: TShowDetail; heading?: 'h1' | 'h2'; withStatus?: boolean }) => (
  <div className="show-facts">
    {(withStatus || show.category) && (
      <p className="show-facts-status">
        {withStatus && <StatusBadge status={show.status} testId="show-status" />}
        {show.category && <span className="muted" data-testid="show-category">{categoryLabel(show.category)}</span>}
      </p>
    )}
    <Heading className="show-facts-title" data-testid="show-title">{show.title}</Heading>
    <ShowCountdown show={show} />
    <ShowHost show={show} />
    {show.description && <p className="show-description" data-testid="show-description">{show.description}</p>}
  </div>
);
