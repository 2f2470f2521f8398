-- HarmonyLite change capture, schema version 1.
-- Statements are separated by a semicolon at the end of a line. The change log's value columns c0, c1, ... have no
-- declared type (so every value keeps its storage class) and are added by ChangeCapture as wider tables are watched.

-- Key/value settings, e.g. the capture epoch that keeps published message ids unique across re-installs.
CREATE TABLE IF NOT EXISTS "__harmonylite__meta" (
	key TEXT PRIMARY KEY NOT NULL,
	value
) WITHOUT ROWID;

-- The column list (JSON array of names) a table's triggers write into c0..ck, and its primary key at that time.
CREATE TABLE IF NOT EXISTS "__harmonylite__capture_layout" (
	id INTEGER PRIMARY KEY,
	tbl TEXT NOT NULL,
	columns TEXT NOT NULL,
	primary_key TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

-- One row per captured change of any watched table; id is the global capture order.
-- state: 0 pending, 1 published, 2 failed. The row with the highest id is never deleted, so ids are never reused.
CREATE TABLE IF NOT EXISTS "__harmonylite__change_log" (
	id INTEGER PRIMARY KEY,
	tbl TEXT NOT NULL,
	op INTEGER NOT NULL,
	layout INTEGER NOT NULL,
	ts INTEGER NOT NULL,
	state INTEGER NOT NULL DEFAULT 0
);
