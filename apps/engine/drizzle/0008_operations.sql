CREATE TABLE `paused_listeners` (
	`name` text PRIMARY KEY NOT NULL,
	`paused_by` text NOT NULL,
	`paused_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `republishes` (
	`message_id` text PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`actor` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `republishes_source` ON `republishes` (`source_id`,`at`);