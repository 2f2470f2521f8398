-- Notes of the notes web page. The id is a random UUID chosen by the node that creates the note, so that notes created
-- at the same time on different nodes never collide (an auto-incremented id would: both nodes would pick the same one).
-- updated_at (epoch milliseconds) and updated_by (node id) record the last edit, as written by the node that made it.
CREATE TABLE IF NOT EXISTS notes (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL
);
