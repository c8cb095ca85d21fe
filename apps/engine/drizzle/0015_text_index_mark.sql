CREATE TABLE `text_index_mark` (
	`id` integer PRIMARY KEY NOT NULL,
	`row` integer NOT NULL
);--> statement-breakpoint
-- Written by hand below this line. Every entry written so far with a payload is in the text index (the
-- journal indexed each in its own transaction until now), so the mark starts at the highest rowid.
INSERT INTO `text_index_mark` (`id`, `row`) VALUES (1, coalesce((SELECT max(rowid) FROM `messages`), 0));
