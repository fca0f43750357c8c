"""Queries of many expressions, written by the ORM once per database connection.

For a query of many aggregates, writing the SQL is a large part of its cost: the
national totals of a phase (25 aggregates over its provinces' rows) took 8 ms to
write, as long as running it, once or twice in every agreement's recompute.
Here a queryset is built once with markers in place of the values that change,
written once, and run again with the values put in the markers' places. Its
rows get the same conversions (decimals, dates) as the ORM's.
"""

from django.db import connection

# Markers are integers no real key or quarter takes, one per value, so each is found
# among the query's parameters and nowhere else. They lie within every integer
# column's range: the ORM drops or empties a comparison with a value out of range.
_MARKER_BASE = 2_147_480_000


class _Statement:
    def __init__(self, queryset, markers: dict):
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.places = {}
        for name, marker in markers.items():
            places = [i for i, param in enumerate(self.params) if param == marker]
            if not places:
                raise ValueError(f"The query does not use {name!r} as a parameter.")
            self.places[name] = places
        selected = compiler.select[: compiler.col_count]
        self.columns = [alias for _expression, _sql, alias in selected]
        self.compiler = compiler
        self.converters = compiler.get_converters([expression for expression, _, _ in selected])

    def rows(self, values: dict) -> list[dict]:
        params = list(self.params)
        for name, places in self.places.items():
            for place in places:
                params[place] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        if self.converters:
            fetched = self.compiler.apply_converters(fetched, self.converters)
        return [dict(zip(self.columns, row, strict=True)) for row in fetched]


def rows(name: str, build, **values) -> list[dict]:
    """The rows of `build(**markers)`, a `values()` queryset, with `values` in the markers' place.

    `name` identifies the query; `build` must return the same query for the same
    markers each time. Each value is an integer parameter of the query (a key, a
    quarter's code).
    """
    statements = getattr(connection, "_compiled_statements", None)
    if statements is None:
        statements = connection._compiled_statements = {}
    statement = statements.get(name)
    if statement is None:
        markers = {key: _MARKER_BASE + i for i, key in enumerate(sorted(values))}
        statement = statements[name] = _Statement(build(**markers), markers)
    return statement.rows(values)
