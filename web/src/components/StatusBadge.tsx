import type { TShowStatus } from '@showcart/shared';

const LABELS: Record<TShowStatus, string> = {
  scheduled: 'scheduled',
  live: 'live',
  ended: 'ended',
  settling: 'settling · charging orders',
  settled: 'settled',
  cancelled: 'cancelled',
};

export const StatusBadge = ({ status, testId }: { status: TShowStatus; testId?: string }) => (
  <span className={`badge badge-${status}`} data-testid={testId}>
    {status === 'live' && <span className="dot" />}
    {LABELS[status]}
  </span>
);
