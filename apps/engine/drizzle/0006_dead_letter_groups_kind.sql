DROP INDEX `messages_failed_groups`;--> statement-breakpoint
CREATE INDEX `messages_failed_groups` ON `messages` (`to_name`,`error_code`,`updated_at`,`kind`) WHERE state = 'FAILED';