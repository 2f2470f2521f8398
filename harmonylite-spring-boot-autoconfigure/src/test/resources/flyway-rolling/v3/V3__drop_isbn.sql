-- Release 2, second migration: drops a column the capture triggers name (SQLite refuses while they exist).
ALTER TABLE Books DROP COLUMN isbn;
