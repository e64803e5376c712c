-- Issue #17 point 3: a fan-out writes every batch's feed rows first, and delivers them
-- (push, email) in jobs of their own after. A delivery job takes its rows by setting
-- delivered_at where it is null, in one statement: a delivery run twice (a retry, a
-- duplicate job) finds them taken and sends nothing twice.
alter table notifications add column delivered_at timestamptz;
