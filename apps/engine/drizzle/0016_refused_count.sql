-- journal_counts keeps one more count beside the four states: REFUSED, the FAILED entries that are
-- refused input (kind 'rejected'), so the console shows failed deliveries and refused input apart
-- (entry-changes.ts). Counted here once from the entries, then kept by the write statements.
INSERT INTO `journal_counts` (`state`, `n`)
  SELECT 'REFUSED', count(*) FROM `messages` WHERE `state` = 'FAILED' AND `kind` = 'rejected';
