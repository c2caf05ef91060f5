-- Sums per business day, outlet and raw POS columns over the POS lines view (the placeholder in braces below),
-- voided receipts left out: the ~150k rows a chain's year of ~10M lines reduces to.
-- Validation keeps this per accepted file (pos_day_sums) so previews need not rescan the
-- lines; over any other view daily_totals.sql reads it directly, and DuckDB pushes its
-- period filter on business_date/outlet into the scan (Parquet row groups still prune).
SELECT business_date, outlet, line_type, category, tax_code, payment_method,
       sum(amount) AS amount, sum(quantity) AS quantity
FROM {view}
WHERE voided IS NOT TRUE
GROUP BY business_date, outlet, line_type, category, tax_code, payment_method
