"""Analysis: what the record and the lists mean — changes, matches, answers still owed.

It reads the record; the one write it asks for (a list snapshot and its draft records) goes
through the store in a single transaction."""
