ALTER TABLE `messages` ADD `thread_row` integer;--> statement-breakpoint
-- Written by hand below this line. A thread's entries are found by the thread's rowid from here on
-- (journal/sqlite/statements.ts writes the thread's row first, then its entries with that rowid):
-- rowids grow as threads begin, so the index on them takes a new thread's entries at its end, where
-- the one on `thread_id` (random UUIDs) took a page anywhere in it per entry. The backfill gives the
-- entries already written their thread's rowid, before the index is built.
UPDATE `messages` SET `thread_row` = (SELECT t.rowid FROM `threads` t WHERE t.id = messages.thread_id)
  WHERE `thread_id` IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_thread_row_created` ON `messages` (`thread_row`,`created_at`);--> statement-breakpoint
DROP INDEX `messages_thread_created`;
