ALTER TABLE `transitions` ADD `message_row` integer;--> statement-breakpoint
-- Written by hand below this line. An entry's transitions are found by its rowid from here on
-- (journal/sqlite/statements.ts writes it with each transition): rowids grow as entries are written,
-- so the index on them is filled at its end, where the one on `message_id` (random UUIDs) took a page
-- anywhere in it per entry and commit. The backfill gives the transitions already written their
-- entry's rowid (null for an entry already discarded), before the index is built.
UPDATE `transitions` SET `message_row` = (SELECT m.rowid FROM `messages` m WHERE m.id = transitions.message_id);--> statement-breakpoint
CREATE INDEX `transitions_message_row` ON `transitions` (`message_row`);--> statement-breakpoint
DROP INDEX `transitions_message`;
