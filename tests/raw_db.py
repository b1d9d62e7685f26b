"""Read every table of a database with plain SQL, bypassing the ORM."""

from django.db import connections


def all_cell_bytes(alias: str = "default"):
    """Yield (table, raw cell as bytes) for every non-null cell of every table."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for cell in row:
                    if cell is None:
                        continue
                    if isinstance(cell, (bytes, bytearray, memoryview)):
                        yield table, bytes(cell)
                    else:
                        yield table, str(cell).encode("utf-8")


def tables_containing(needle: str, alias: str = "default") -> set[str]:
    target = needle.encode("utf-8")
    folded = needle.lower().encode("utf-8")
    return {
        table for table, cell in all_cell_bytes(alias) if target in cell or folded in cell.lower()
    }
