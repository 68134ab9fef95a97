-- The language a person chose (or registered in), as a BCP 47 tag: their
-- mails are in it. NULL: the default language; a tag the catalogs no longer
-- have is read as NULL is.
ALTER TABLE users ADD COLUMN locale TEXT;
