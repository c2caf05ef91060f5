-- Receipts per business day and outlet over the POS lines view {view} (voided left out),
-- for views whose receipts validation did not count (see daily_totals.sql).
SELECT business_date, outlet, count(DISTINCT receipt_no) AS receipt_count
FROM {view}
WHERE voided IS NOT TRUE
GROUP BY business_date, outlet
