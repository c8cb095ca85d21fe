CREATE TABLE `journal_counts` (
	`state` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `thread_participants` (
	`name` text NOT NULL,
	`first_at` integer NOT NULL,
	`thread_id` text NOT NULL,
	PRIMARY KEY(`name`, `first_at`, `thread_id`)
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `threads` ADD `open` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `threads` ADD `failed` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `threads_active_last` ON `threads` (`last_at`,`id`) WHERE open > 0;--> statement-breakpoint
CREATE INDEX `threads_failed_last` ON `threads` (`last_at`,`id`) WHERE open = 0 AND failed > 0;--> statement-breakpoint
-- Written by hand below this line: the backfill, for journals written before this migration. From
-- here on the journal's write statements (journal/sqlite/statements.ts) keep these in the same
-- transaction as the entries: `journal_counts` per state, `threads.open` and `threads.failed`, and
-- `thread_participants` (triggers would too, but cost the hot path half its speed).
INSERT INTO `journal_counts` (`state`, `n`)
  SELECT s.state, (SELECT count(*) FROM `messages` m WHERE m.state = s.state)
  FROM (SELECT 'PENDING' AS state UNION ALL SELECT 'DISPATCHED' UNION ALL SELECT 'ACKED' UNION ALL SELECT 'FAILED') s;--> statement-breakpoint
UPDATE `threads` SET
  `open` = (SELECT count(*) FROM `messages` m WHERE m.thread_id = threads.id AND m.state IN ('PENDING', 'DISPATCHED')),
  `failed` = (SELECT count(*) FROM `messages` m WHERE m.thread_id = threads.id AND m.state = 'FAILED')
  WHERE `id` IN (SELECT `thread_id` FROM `messages` WHERE `state` <> 'ACKED');--> statement-breakpoint
INSERT OR IGNORE INTO `thread_participants` (`name`, `first_at`, `thread_id`)
  SELECT m.from_name, t.first_at, m.thread_id FROM `messages` m JOIN `threads` t ON t.id = m.thread_id
    WHERE m.from_name IS NOT NULL
  UNION
  SELECT m.to_name, t.first_at, m.thread_id FROM `messages` m JOIN `threads` t ON t.id = m.thread_id
    WHERE m.to_name IS NOT NULL;
