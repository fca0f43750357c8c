"""Writing many rows of plain figures at once.

`QuerySet.bulk_create` prepares every value through its field, one call chain a
value: for the progress tables (about 27 numbers, dates and flags a row) that
was a third of an agreement's recompute, for 130 rows. The figures written
there are already what the columns hold (decimals rounded by the rules,
integers, text, flags), so `insert` passes them to the database as they are,
adapting only dates and times as the database wants them.
"""

from collections.abc import Mapping

from django.db import connection, models

# Values of these fields reach the database driver as Python gives them.
_AS_GIVEN = (
    models.BooleanField,
    models.CharField,
    models.DecimalField,
    models.FloatField,
    models.ForeignKey,
    models.IntegerField,
    models.TextField,
)


def _adapter(field):
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, _AS_GIVEN):
        return None
    raise TypeError(f"{field!r} is not a field that insert() writes as given.")


def insert(model, objects) -> int:
    """Insert unsaved `objects` of `model` (their primary keys left to the database).

    Each object is an instance of `model` or a mapping of its fields' attribute names
    to values, which saves building a model instance for every row; a field a mapping
    leaves out takes its default, the same for every row of the call. Unlike `bulk_create`, no `pre_save` runs (no
    `auto_now`), no signal is sent, and the objects get no primary key. Returns the
    number of rows inserted.
    """
    objects = list(objects)
    if not objects:
        return 0
    fields = [field for field in model._meta.local_concrete_fields if not field.primary_key]
    adapters = [(field.attname, _adapter(field)) for field in fields]
    defaults = {field.attname: field.get_default() for field in fields}
    rows = []
    for obj in objects:
        get = obj.get if isinstance(obj, Mapping) else None
        row = []
        for attname, adapt in adapters:
            value = get(attname, defaults[attname]) if get else getattr(obj, attname)
            row.append(adapt(value) if adapt is not None and value is not None else value)
        rows.append(row)
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) VALUES "
    )
    placeholders = f"({', '.join(['%s'] * len(fields))})"
    size = max(connection.ops.bulk_batch_size(fields, objects), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                head + ", ".join([placeholders] * len(batch)),
                [value for row in batch for value in row],
            )
    return len(rows)
