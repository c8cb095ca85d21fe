-- The text index over payloads (journal/search): FTS5, contentless (the payload is already in `messages`;
-- the index holds only its words), rows deletable (prune, discard), keyed by the entry's rowid. The
-- journal's insert statement feeds it in the same transaction; this backfills the entries already there.
-- organism_payload_text is registered on every connection by open-database.ts (journal/search/payload-text.ts).
CREATE VIRTUAL TABLE `messages_text` USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO `messages_text` (rowid, text) SELECT rowid, organism_payload_text(payload) FROM `messages` WHERE payload IS NOT NULL;
