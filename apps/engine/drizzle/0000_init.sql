CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`thread_id` text,
	`parent_id` text,
	`from_name` text,
	`to_name` text,
	`root` text,
	`kind` text NOT NULL,
	`chain` text DEFAULT '[]' NOT NULL,
	`payload` text,
	`raw` text,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error_code` text,
	`error_detail` text,
	`next_attempt_at` integer,
	`egress` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_state_updated` ON `messages` (`state`,`updated_at`);--> statement-breakpoint
CREATE INDEX `messages_thread_created` ON `messages` (`thread_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_to_created` ON `messages` (`to_name`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_root_created` ON `messages` (`root`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_created` ON `messages` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `threads` (
	`id` text PRIMARY KEY NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `threads_last` ON `threads` (`last_at`,`id`);--> statement-breakpoint
CREATE TABLE `transitions` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`thread_id` text,
	`state` text NOT NULL,
	`attempt` integer NOT NULL,
	`error_code` text,
	`detail` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transitions_message` ON `transitions` (`message_id`);--> statement-breakpoint
CREATE INDEX `transitions_at` ON `transitions` (`at`);