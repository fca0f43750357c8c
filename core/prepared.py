"""Queries that every cached page asks, planned once per database connection.

A cached dashboard page costs a handful of small queries, and on PostgreSQL the
largest of them (the page's data version: a recursive lineage and five
aggregates) took three times longer to plan than to run: 4 ms a read, where the
same statement prepared once runs in 1 ms. psycopg2 binds parameters on the
client and never prepares, so these few statements are prepared by name with
SQL's own `PREPARE` and run with `EXECUTE`. A prepared statement belongs to the
server session and outlives a rolled-back transaction; a new connection (after
`CONN_MAX_AGE`, or a database restart) prepares it again. SQLite plans its
statements in microseconds and runs them as they are.
"""

import re

from django.db import connection

_PLACEHOLDER = re.compile(r"%s")


def fetch_one(name: str, sql: str, params=()) -> tuple:
    """The first row of `sql` (with `%s` placeholders), as a statement named `name` on PostgreSQL.

    `name` must be a constant identifier and `sql` constant for that name: the
    statement is prepared the first time a connection runs it.
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchone()
        raw = connection.connection
        prepared = getattr(connection, "_prepared_statements", None)
        if prepared is None or prepared[0] is not raw:
            prepared = connection._prepared_statements = (raw, set())
        if name not in prepared[1]:
            numbers = iter(range(1, len(params) + 1))
            # Past Django's cursor wrapper, so that a page asks as many queries on a new
            # connection as on an old one (the tests count them), with Django's errors.
            with connection.wrap_database_errors:
                cursor.cursor.execute(
                    f"PREPARE {name} AS " + _PLACEHOLDER.sub(lambda _m: f"${next(numbers)}", sql)
                )
            prepared[1].add(name)
        arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
        cursor.execute(f"EXECUTE {name}{arguments}", params)
        return cursor.fetchone()
