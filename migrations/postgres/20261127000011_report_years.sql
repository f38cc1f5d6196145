-- Reports: the aggregate tables gain a third grain, grain 2 = a year (bucket = year).
-- A period is now read as the cheapest signed sum of years, months and days (a partial
-- month as the whole month less the days outside the period, when that reads fewer rows).
-- Forgetting that the aggregates were built makes the next start rebuild them from the
-- base tables, years included (reports::aggregates::install).
DELETE FROM counter WHERE name = 'report_aggregates';
