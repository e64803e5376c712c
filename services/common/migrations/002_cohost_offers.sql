-- A seller may also offer its item to a host's show: 'offered' waits for the host's
-- decision, as 'requested' (the host's ask) waits for the seller's.
alter table cohost_items drop constraint cohost_items_status_check;
alter table cohost_items add constraint cohost_items_status_check
  check (status in ('requested', 'offered', 'approved', 'declined', 'withdrawn'));
