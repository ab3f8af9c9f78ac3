-- The stored articles sharing a band key with a round of new ones, in the buckets of the story window
-- (parameters: the buckets, the round's sorted keys, both as integer[] literals).
-- `= ANY` of the sorted keys is one index scan: PostgreSQL 17+ steps along the B-tree's leaf pages from one
-- array key to the next instead of descending from the root for each, as a join on unnest() does.
-- Each candidate comes with the batch keys it shares: the rule needs no others, so a candidate's keys are
-- never recomputed. A candidate from an earlier round of this load is indexed but not yet inserted: its story
-- is in pg_temp.story_decisions.
-- The keys reach the scan through a sub-select, which the planner cannot look into: given the literal itself,
-- it estimates the selectivity of each element, a planning cost per round that grows with the round.
-- The buckets lead the index, so the scan stays within the window's stretch of it.
SELECT c.article_id, coalesce(a.source, d.source), coalesce(a.story_id, d.story_id), g.minhash, g.dated, c.keys
FROM (SELECT b.article_id, array_agg(b.band_key) AS keys FROM core.article_bands AS b
      WHERE b.bucket = ANY((SELECT %s::integer[])::integer[]) AND b.band_key = ANY((SELECT %s::integer[])::integer[])
      GROUP BY b.article_id) AS c
JOIN core.article_signatures AS g ON g.article_id = c.article_id
LEFT JOIN core.articles AS a ON a.article_id = c.article_id
LEFT JOIN pg_temp.story_decisions AS d ON d.article_id = c.article_id
