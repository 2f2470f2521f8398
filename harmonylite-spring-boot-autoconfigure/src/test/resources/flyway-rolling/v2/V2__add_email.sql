-- Release 2, first migration: a new column.
ALTER TABLE Books ADD COLUMN email TEXT;
