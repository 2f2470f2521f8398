-- HarmonyLite change capture, schema version 2 (version 1 plus the change log's ver and m0 columns).
-- Statements are separated by a semicolon at the end of a line. The change log's value columns c0, c1, ... have no
-- declared type (so every value keeps its storage class) and are added by ChangeCapture as wider tables are watched,
-- as are the mask columns m1, m2, ... of tables with more than 64 columns. A version 1 change log is migrated in place:
-- ChangeCapture adds ver and m0 with ALTER TABLE ADD COLUMN (their rows keep NULL there until they are recorded).
-- The clock table the triggers read is created by ClockTable.

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
-- state: 0 pending, 1 published, 2 failed. The row with the highest id is never deleted, so ids are never reused,
-- and its ver keeps this node's versions increasing.
-- ver: the change's version (hybrid logical clock: epoch ms << 16 | counter), made final when the change is recorded.
-- m0: for an UPDATE, bit i is set when layout column i changed (columns 64.. in m1, m2, ...); NULL otherwise.
CREATE TABLE IF NOT EXISTS "__harmonylite__change_log" (
	id INTEGER PRIMARY KEY,
	tbl TEXT NOT NULL,
	op INTEGER NOT NULL,
	layout INTEGER NOT NULL,
	ts INTEGER NOT NULL,
	state INTEGER NOT NULL DEFAULT 0,
	ver INTEGER,
	m0 INTEGER
);
