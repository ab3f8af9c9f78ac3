-- The source an article credits ("Theo TTXVN", "Nguồn: Bộ Y tế", CafeF's "Theo <outlet>" box): an organisation,
-- never an author. NULL where the article credits none, and for articles loaded before extraction read it (a
-- reprocess of their runs fills it in where their text changed).
ALTER TABLE staging.articles ADD COLUMN source_credit text;
ALTER TABLE core.articles ADD COLUMN source_credit text;
