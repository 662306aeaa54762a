-- Issue 14: the customer list's keyword filter and the duplicate check search customer_names'
-- name-pairs index now; this one was maintained by every customer write (a claim is not a HOT
-- update), as customers_trade_name_trgm_idx was before migration 0011 dropped it.
DROP INDEX "customers_name_trgm_idx";
