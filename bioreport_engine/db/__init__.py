"""PostgreSQL: the connection pool, the schema migrations and the repositories."""
