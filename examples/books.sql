-- The Books table every example node starts with, created with the sqlite3 CLI before HarmonyLite runs, as in the
-- original HarmonyLite demo. The same rows are inserted on every node, so the nodes start identical.
CREATE TABLE Books (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    publication_year INTEGER
);
INSERT INTO Books (id, title, author, publication_year) VALUES
    (1, 'The Hitchhiker''s Guide to the Galaxy', 'Douglas Adams', 1979),
    (2, 'The Lord of the Rings', 'J.R.R. Tolkien', 1954),
    (3, 'Harry Potter and the Sorcerer''s Stone', 'J.K. Rowling', 1997),
    (4, 'The Catcher in the Rye', 'J.D. Salinger', 1951),
    (5, 'To Kill a Mockingbird', 'Harper Lee', 1960),
    (6, 'One Hundred Years of Solitude', 'Gabriel García Márquez', 1967),
    (7, 'The Hobbit', 'J.R.R. Tolkien', 1937),
    (8, 'Pride and Prejudice', 'Jane Austen', 1813);
