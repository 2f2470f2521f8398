-- IF NOT EXISTS: a database whose Books table was created beforehand (e.g. with the sqlite3 CLI) is picked up as is.
CREATE TABLE IF NOT EXISTS Books (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    publication_year INTEGER
);
