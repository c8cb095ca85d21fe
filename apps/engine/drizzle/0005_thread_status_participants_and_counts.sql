CREATE TABLE `journal_counts` (
	`state` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE `threads` ADD `open` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `threads` ADD `failed` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `threads` ADD `participants` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `threads_failed_last` ON `threads` (`last_at`,`id`) WHERE open = 0 AND failed > 0;--> statement-breakpoint
-- Written by hand below this line: the backfill, for journals written before this migration. From
-- here on the journal's write statements (journal/sqlite/statements.ts) keep these in the same
-- transaction as the entries: `journal_counts` per state, and each thread's `open`, `failed` and
-- `participants` (each name followed by char(31), the first preceded by it).
INSERT INTO `journal_counts` (`state`, `n`)
  SELECT s.state, (SELECT count(*) FROM `messages` m WHERE m.state = s.state)
  FROM (SELECT 'PENDING' AS state UNION ALL SELECT 'DISPATCHED' UNION ALL SELECT 'ACKED' UNION ALL SELECT 'FAILED') s;--> statement-breakpoint
UPDATE `threads` SET
  `open` = (SELECT count(*) FROM `messages` m WHERE m.thread_id = threads.id AND m.state IN ('PENDING', 'DISPATCHED')),
  `failed` = (SELECT count(*) FROM `messages` m WHERE m.thread_id = threads.id AND m.state = 'FAILED')
  WHERE `id` IN (SELECT `thread_id` FROM `messages` WHERE `state` <> 'ACKED');--> statement-breakpoint
UPDATE `threads` SET `participants` = p.names
  FROM (SELECT `thread_id`, char(31) || group_concat(`name`, char(31)) || char(31) AS names
        FROM (SELECT `thread_id`, `from_name` AS `name` FROM `messages` WHERE `thread_id` IS NOT NULL AND `from_name` IS NOT NULL
              UNION SELECT `thread_id`, `to_name` FROM `messages` WHERE `thread_id` IS NOT NULL AND `to_name` IS NOT NULL)
        GROUP BY `thread_id`) p
  WHERE p.thread_id = threads.id;
