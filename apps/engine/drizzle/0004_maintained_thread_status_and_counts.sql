CREATE TABLE `journal_counts` (
	`state` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `thread_participants` (
	`name` text NOT NULL,
	`thread_id` text NOT NULL,
	PRIMARY KEY(`name`, `thread_id`)
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `threads` ADD `open` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `threads` ADD `failed` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `threads_active_last` ON `threads` (`last_at`,`id`) WHERE open > 0;--> statement-breakpoint
CREATE INDEX `threads_failed_last` ON `threads` (`last_at`,`id`) WHERE open = 0 AND failed > 0;--> statement-breakpoint
-- Written by hand below this line: what drizzle-kit cannot generate. The backfill, then the triggers that
-- keep `journal_counts`, `threads.open`/`threads.failed` and `thread_participants` in the same
-- transaction as every write to `messages`, whoever makes it (pump hooks, retry, discard, retention).
-- A thread's row is written before its entries (Statements.insertRow), so the insert trigger finds it.
INSERT INTO `journal_counts` (`state`, `n`)
  SELECT s.state, (SELECT count(*) FROM `messages` m WHERE m.state = s.state)
  FROM (SELECT 'PENDING' AS state UNION ALL SELECT 'DISPATCHED' UNION ALL SELECT 'ACKED' UNION ALL SELECT 'FAILED') s;--> statement-breakpoint
UPDATE `threads` SET
  `open` = (SELECT count(*) FROM `messages` m WHERE m.thread_id = threads.id AND m.state IN ('PENDING', 'DISPATCHED')),
  `failed` = (SELECT count(*) FROM `messages` m WHERE m.thread_id = threads.id AND m.state = 'FAILED')
  WHERE `id` IN (SELECT `thread_id` FROM `messages` WHERE `state` <> 'ACKED');--> statement-breakpoint
INSERT OR IGNORE INTO `thread_participants` (`name`, `thread_id`)
  SELECT `from_name`, `thread_id` FROM `messages` WHERE `thread_id` IS NOT NULL AND `from_name` IS NOT NULL
  UNION
  SELECT `to_name`, `thread_id` FROM `messages` WHERE `thread_id` IS NOT NULL AND `to_name` IS NOT NULL;--> statement-breakpoint
CREATE TRIGGER `messages_count_insert` AFTER INSERT ON `messages` BEGIN
  UPDATE `journal_counts` SET `n` = `n` + 1 WHERE `state` = new.state;
  UPDATE `threads` SET
    `open` = `open` + (new.state IN ('PENDING', 'DISPATCHED')),
    `failed` = `failed` + (new.state = 'FAILED')
    WHERE `id` = new.thread_id AND new.state <> 'ACKED';
  INSERT OR IGNORE INTO `thread_participants` (`name`, `thread_id`)
    SELECT new.from_name, new.thread_id WHERE new.thread_id IS NOT NULL AND new.from_name IS NOT NULL;
  INSERT OR IGNORE INTO `thread_participants` (`name`, `thread_id`)
    SELECT new.to_name, new.thread_id WHERE new.thread_id IS NOT NULL AND new.to_name IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `messages_count_update` AFTER UPDATE OF `state` ON `messages` WHEN old.state <> new.state BEGIN
  UPDATE `journal_counts` SET `n` = `n` + (`state` = new.state) - (`state` = old.state)
    WHERE `state` IN (old.state, new.state);
  UPDATE `threads` SET
    `open` = `open` + (new.state IN ('PENDING', 'DISPATCHED')) - (old.state IN ('PENDING', 'DISPATCHED')),
    `failed` = `failed` + (new.state = 'FAILED') - (old.state = 'FAILED')
    WHERE `id` = new.thread_id
      AND ((new.state IN ('PENDING', 'DISPATCHED')) <> (old.state IN ('PENDING', 'DISPATCHED'))
        OR (new.state = 'FAILED') <> (old.state = 'FAILED'));
END;--> statement-breakpoint
CREATE TRIGGER `messages_count_delete` AFTER DELETE ON `messages` BEGIN
  UPDATE `journal_counts` SET `n` = `n` - 1 WHERE `state` = old.state;
  UPDATE `threads` SET
    `open` = `open` - (old.state IN ('PENDING', 'DISPATCHED')),
    `failed` = `failed` - (old.state = 'FAILED')
    WHERE `id` = old.thread_id AND old.state <> 'ACKED';
END;
