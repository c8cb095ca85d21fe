-- The text index over payloads (journal/search): FTS5, contentless (the payload is already in `messages`;
-- the index holds only its words), rows deletable (prune, discard), keyed by the entry's rowid. `text` is
-- the payload's text and attribute values; `to_name` and `from_name` the route's names, so a search within a
-- listener or a producer is narrowed by the index before any row is read. The journal's insert statement
-- feeds it in the same transaction; this backfills the entries already there. organism_payload_text is
-- registered on every connection by open-database.ts (journal/search/payload-text.ts).
CREATE VIRTUAL TABLE `messages_text` USING fts5(text, to_name, from_name, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO `messages_text` (rowid, text, to_name, from_name) SELECT rowid, organism_payload_text(payload), to_name, from_name FROM `messages` WHERE payload IS NOT NULL;
