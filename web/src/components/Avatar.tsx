import './photos.css';

/**
 * A person's face: the avatar photo, or the first letter of the name in a circle. Beside
 * the name it stands for, so it is decorative to screen readers.
 */
export const Avatar = ({ url, name, size = 'small' }: { url: string | null; name: string; size?: 'small' | 'large' }) =>
  url ? (
    <img className={`avatar avatar-${size}`} src={url} alt="" data-testid="avatar" />
  ) : (
    <span className={`avatar avatar-${size} avatar-initial`} aria-hidden="true" data-testid="avatar-initial">
      {[...name.trim()][0]?.toUpperCase() ?? '?'}
    </span>
  );
