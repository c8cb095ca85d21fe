CREATE TABLE `extension_cursors` (
	`extension` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `extension_failures` (
	`id` text PRIMARY KEY NOT NULL,
	`extension` text NOT NULL,
	`handler` text NOT NULL,
	`seq` integer NOT NULL,
	`event` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text NOT NULL,
	`next_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `extension_failures_due` ON `extension_failures` (`extension`,`next_at`);