-- pg_trgm powers the fuzzy duplicate check (E2). drizzle-kit does not emit CREATE EXTENSION.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
