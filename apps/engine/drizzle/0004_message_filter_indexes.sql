DROP INDEX `messages_state_updated`;--> statement-breakpoint
DROP INDEX `messages_to_created`;--> statement-breakpoint
DROP INDEX `messages_root_created`;--> statement-breakpoint
CREATE INDEX `messages_state_created` ON `messages` (`state`,`created_at`,`to_name`,`from_name`,`root`);--> statement-breakpoint
CREATE INDEX `messages_from_created` ON `messages` (`from_name`,`created_at`,`to_name`,`root`);--> statement-breakpoint
CREATE INDEX `messages_error_created` ON `messages` (`error_code`,`created_at`,`to_name`,`from_name`,`root`) WHERE error_code IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_to_created` ON `messages` (`to_name`,`created_at`,`from_name`,`root`);--> statement-breakpoint
CREATE INDEX `messages_root_created` ON `messages` (`root`,`created_at`,`to_name`,`from_name`);