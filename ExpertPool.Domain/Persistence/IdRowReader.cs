using System.Buffers.Text;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace ExpertPool.Domain.Persistence;

/// <summary>
/// Reads large id lists (tens of thousands of rows) for eligibility without per-row materialisation costs: plain SQL on
/// the context's connection, inside its current transaction. On SQLite, where ids are stored as text, the statement is
/// stepped through SQLitePCL and ids are parsed from the UTF-8 bytes in place (no string per row); elsewhere it is an
/// ordinary <see cref="DbDataReader"/> (PostgreSQL sends uuids in binary). Only the provider-specific part lives here.
/// <para>
/// SQL must quote identifiers ("experts"."Id" style works on both providers) and name parameters <c>@p0</c>, <c>@p1</c>…
/// Parameter values are strings, integers, GUIDs or <see cref="DateOnly"/>.
/// </para>
/// </summary>
internal static class IdRowReader
{
    /// <summary>Calls <paramref name="onRow"/> for every row; column 0 must be a GUID. Other columns are read on demand through the row.</summary>
    public static async Task ReadAsync(ExpertPoolDbContext db, string sql, IReadOnlyList<object> parameters, Action<Guid, IdRow> onRow, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            if (connection is SqliteConnection sqlite)
                ReadSqlite(sqlite, sql, parameters, onRow, ct);
            else if (db.Database.IsSqlite())
                throw new NotSupportedException("IdRowReader needs the SqliteConnection itself on SQLite (a wrapped connection would bind GUIDs as blobs, which match nothing).");
            else
                await ReadGenericAsync(db, connection, sql, parameters, onRow, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The name of parameter <paramref name="index"/> (<c>@p0</c>, <c>@p1</c>…).</summary>
    public static string Parameter(int index) => "@p" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>"@pN, @pN+1, …" for an IN list of <paramref name="count"/> parameters starting at <paramref name="first"/>.</summary>
    public static string Parameters(int first, int count) => string.Join(", ", Enumerable.Range(first, count).Select(Parameter));

    /// <summary>Column 0 of every row as a list.</summary>
    public static async Task<List<Guid>> ReadIdsAsync(ExpertPoolDbContext db, string sql, IReadOnlyList<object> parameters, CancellationToken ct)
    {
        var ids = new List<Guid>();
        await ReadAsync(db, sql, parameters, (id, _) => ids.Add(id), ct);
        return ids;
    }

    private static void ReadSqlite(SqliteConnection connection, string sql, IReadOnlyList<object> parameters, Action<Guid, IdRow> onRow, CancellationToken ct)
    {
        Check(connection, raw.sqlite3_prepare_v2(connection.Handle, sql, out var stmt));
        using (stmt)
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                var index = raw.sqlite3_bind_parameter_index(stmt, Parameter(i));
                if (index == 0)
                    throw new ArgumentException($"The SQL has no parameter @p{i}.", nameof(parameters));
                var rc = parameters[i] switch
                {
                    string s => raw.sqlite3_bind_text(stmt, index, s),
                    int n => raw.sqlite3_bind_int64(stmt, index, n),
                    long n => raw.sqlite3_bind_int64(stmt, index, n),
                    // EF stores Guid as upper-case "D" text and DateOnly as ISO text on SQLite.
                    Guid g => raw.sqlite3_bind_text(stmt, index, g.ToString("D").ToUpperInvariant()),
                    DateOnly d => raw.sqlite3_bind_text(stmt, index, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                    var other => throw new ArgumentException($"Unsupported parameter type {other.GetType().Name}.", nameof(parameters)),
                };
                Check(connection, rc);
            }

            var row = new IdRow(stmt);
            for (var n = 1; ; n++)
            {
                if ((n & 4095) == 0)
                    ct.ThrowIfCancellationRequested();
                var rc = raw.sqlite3_step(stmt);
                if (rc == raw.SQLITE_DONE)
                    break;
                if (rc != raw.SQLITE_ROW)
                    Check(connection, rc);
                onRow(row.Guid(0), row);
            }
        }
    }

    private static async Task ReadGenericAsync(ExpertPoolDbContext db, DbConnection connection, string sql, IReadOnlyList<object> parameters, Action<Guid, IdRow> onRow, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = Parameter(i);
            p.Value = parameters[i];
            command.Parameters.Add(p);
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var row = new IdRow(reader);
        while (await reader.ReadAsync(ct))
            onRow(reader.GetGuid(0), row);
    }

    private static void Check(SqliteConnection connection, int rc)
    {
        if (rc != raw.SQLITE_OK)
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}", rc);
    }
}

/// <summary>The current row of an <see cref="IdRowReader"/> query; valid only inside the row callback.</summary>
internal sealed class IdRow
{
    private readonly sqlite3_stmt? _stmt;
    private readonly DbDataReader? _reader;

    internal IdRow(sqlite3_stmt stmt) => _stmt = stmt;

    internal IdRow(DbDataReader reader) => _reader = reader;

    public Guid Guid(int column)
    {
        if (_reader is not null)
            return _reader.GetGuid(column);
        var bytes = raw.sqlite3_column_blob(_stmt!, column);
        if (bytes.Length == 16)
            return new Guid(bytes);
        if (!Utf8Parser.TryParse(bytes, out Guid value, out var consumed) || consumed != bytes.Length)
            throw new FormatException($"Column {column} is not a GUID.");
        return value;
    }

    /// <summary>A date column: ISO text on SQLite (as EF stores <see cref="DateOnly"/> there), a date elsewhere.</summary>
    public DateOnly? Date(int column)
    {
        if (_reader is not null)
            return _reader.IsDBNull(column) ? null : _reader.GetFieldValue<DateOnly>(column);
        return String(column) is { } text ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
    }

    public string? String(int column)
    {
        if (_reader is not null)
            return _reader.IsDBNull(column) ? null : _reader.GetString(column);
        return raw.sqlite3_column_type(_stmt!, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(_stmt!, column).utf8_to_string();
    }
}
