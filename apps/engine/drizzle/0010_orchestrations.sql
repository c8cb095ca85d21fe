CREATE TABLE `orchestrations` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`thread_id` text NOT NULL,
	`spec` text NOT NULL,
	`state` text NOT NULL,
	`status` text NOT NULL,
	`deadline` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `orchestrations_running` ON `orchestrations` (`status`,`deadline`);