CREATE TABLE `tokens_epoch` (
	`id` integer PRIMARY KEY NOT NULL,
	`epoch` integer NOT NULL
);--> statement-breakpoint
-- Written by hand below this line. Every write that can change a token check's answer bumps the
-- epoch, whichever connection or process makes it: the engine keeps the tokens it checked only while
-- the epoch stays the same (journal/operators/token-cache.ts). A token's last use is not among them.
INSERT INTO `tokens_epoch` (`id`, `epoch`) VALUES (1, 0);--> statement-breakpoint
CREATE TRIGGER `api_tokens_issued` AFTER INSERT ON `api_tokens` BEGIN
	UPDATE `tokens_epoch` SET `epoch` = `epoch` + 1 WHERE `id` = 1;
END;--> statement-breakpoint
CREATE TRIGGER `api_tokens_changed` AFTER UPDATE OF `id`, `name`, `producers`, `hash`, `created_by`, `created_at`, `revoked_at` ON `api_tokens` BEGIN
	UPDATE `tokens_epoch` SET `epoch` = `epoch` + 1 WHERE `id` = 1;
END;--> statement-breakpoint
CREATE TRIGGER `api_tokens_deleted` AFTER DELETE ON `api_tokens` BEGIN
	UPDATE `tokens_epoch` SET `epoch` = `epoch` + 1 WHERE `id` = 1;
END;
