using System.Data.Common;
using System.Globalization;
using ExpertPool.Domain.Common;
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
    public static Task ReadAsync(ExpertPoolDbContext db, string sql, IReadOnlyList<object> parameters, Action<Guid, IdRow> onRow, CancellationToken ct) =>
        ReadAsync(db, sql, parameters, row => onRow(row.Guid(0), row), ct);

    /// <summary>Calls <paramref name="onRow"/> for every row, whatever its columns.</summary>
    private static async Task ReadAsync(ExpertPoolDbContext db, string sql, IReadOnlyList<object> parameters, Action<IdRow> onRow, CancellationToken ct)
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

    /// <summary>
    /// <c>SELECT {idColumn} {fromWhere}</c> as a list. On SQLite the ids come back as one row,
    /// <c>group_concat({idColumn}, '')</c>, and are cut from that text 36 bytes at a time: SQLite still walks the same index
    /// entries, but the host pays for one row instead of one per id (stepping, column calls and checks per row cost more
    /// than SQLite's own work at tens of thousands of ids).
    /// </summary>
    public static async Task<List<Guid>> ReadIdsAsync(ExpertPoolDbContext db, string idColumn, string fromWhere, IReadOnlyList<object> parameters, CancellationToken ct)
    {
        var ids = new List<Guid>();
        if (db.Database.IsSqlite())
            await ReadAsync(db, $"SELECT group_concat({idColumn}, '') {fromWhere}", parameters, row => row.AppendIds(0, ids), ct);
        else
            await ReadAsync(db, $"SELECT {idColumn} {fromWhere}", parameters, (id, _) => ids.Add(id), ct);
        return ids;
    }

    /// <summary>
    /// <c>SELECT {keyColumn}, {idColumn} {fromWhere}</c> grouped by the key (a text column with few values, such as a status).
    /// On SQLite one row per key, with the ids concatenated (see <see cref="ReadIdsAsync(ExpertPoolDbContext, string, string, IReadOnlyList{object}, CancellationToken)"/>).
    /// </summary>
    public static async Task<Dictionary<string, List<Guid>>> ReadIdsByKeyAsync(ExpertPoolDbContext db, string idColumn, string keyColumn, string fromWhere, IReadOnlyList<object> parameters, CancellationToken ct)
    {
        var groups = new Dictionary<string, List<Guid>>(StringComparer.Ordinal);
        List<Guid> Group(string key) => groups.TryGetValue(key, out var ids) ? ids : groups[key] = [];
        if (db.Database.IsSqlite())
        {
            await ReadAsync(db, $"SELECT {keyColumn}, group_concat({idColumn}, '') {fromWhere} GROUP BY {keyColumn}", parameters,
                row => row.AppendIds(1, Group(row.String(0) ?? "")), ct);
        }
        else
        {
            await ReadAsync(db, $"SELECT {idColumn}, {keyColumn} {fromWhere}", parameters, (id, row) => Group(row.String(1) ?? "").Add(id), ct);
        }
        return groups;
    }

    /// <summary>
    /// Several id lists in one statement: <paramref name="with"/> (a WITH clause the parts share, or empty) and, for each
    /// part, <c>SELECT {idColumn} {part}</c>. Returns the lists in the order of the parts. On SQLite each part is one
    /// row, its ids concatenated by a scalar <c>group_concat</c> (no GROUP BY, so no sort of the whole result).
    /// </summary>
    public static async Task<List<List<Guid>>> ReadIdListsAsync(ExpertPoolDbContext db, string with, IReadOnlyList<string> parts, string idColumn, IReadOnlyList<object> parameters, CancellationToken ct)
    {
        var lists = parts.Select(_ => new List<Guid>()).ToList();
        if (parts.Count == 0)
            return lists;
        if (db.Database.IsSqlite())
        {
            var selects = parts.Select((part, i) => string.Create(CultureInfo.InvariantCulture, $"SELECT {i}, (SELECT group_concat({idColumn}, '') {part})"));
            await ReadAsync(db, with + string.Join("\nUNION ALL\n", selects), parameters, row => row.AppendIds(1, lists[row.Int(0)]), ct);
        }
        else
        {
            var selects = parts.Select((part, i) => string.Create(CultureInfo.InvariantCulture, $"SELECT {idColumn}, {i} {part}"));
            await ReadAsync(db, with + string.Join("\nUNION ALL\n", selects), parameters, (id, row) => lists[row.Int(1)].Add(id), ct);
        }
        return lists;
    }

    private static void ReadSqlite(SqliteConnection connection, string sql, IReadOnlyList<object> parameters, Action<IdRow> onRow, CancellationToken ct)
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
                onRow(row);
            }
        }
    }

    private static async Task ReadGenericAsync(ExpertPoolDbContext db, DbConnection connection, string sql, IReadOnlyList<object> parameters, Action<IdRow> onRow, CancellationToken ct)
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
            onRow(row);
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

    public bool IsNull(int column) =>
        _reader is not null ? _reader.IsDBNull(column) : raw.sqlite3_column_type(_stmt!, column) == raw.SQLITE_NULL;

    public Guid Guid(int column)
    {
        if (_reader is not null)
            return _reader.GetGuid(column);
        var bytes = raw.sqlite3_column_blob(_stmt!, column);
        if (bytes.Length == 16)
            return new Guid(bytes);
        if (!IsoText.TryParseGuid(bytes, out var value))
            throw new FormatException($"Column {column} is not a GUID.");
        return value;
    }

    /// <summary>
    /// Appends the ids of a text column that holds GUIDs in EF's SQLite form (36-character "D" text) back to back, as
    /// <c>group_concat(id, '')</c> makes them; NULL (no rows) appends nothing. SQLite only.
    /// </summary>
    public void AppendIds(int column, List<Guid> ids)
    {
        var bytes = raw.sqlite3_column_blob(_stmt ?? throw new InvalidOperationException("Concatenated ids are a SQLite form."), column);
        if (bytes.Length % 36 != 0)
            throw new FormatException($"Column {column} is not a run of 36-character GUIDs ({bytes.Length} bytes).");
        ids.EnsureCapacity(ids.Count + bytes.Length / 36);
        for (var i = 0; i < bytes.Length; i += 36)
        {
            if (!IsoText.TryParseGuid(bytes.Slice(i, 36), out var value))
                throw new FormatException($"Column {column} holds something that is not a GUID at byte {i}.");
            ids.Add(value);
        }
    }

    /// <summary>An integer column.</summary>
    public int Int(int column) =>
        _reader is not null ? _reader.GetInt32(column) : raw.sqlite3_column_int(_stmt!, column);

    /// <summary>A date column: ISO text on SQLite (as EF stores <see cref="DateOnly"/> there), a date elsewhere.</summary>
    public DateOnly? Date(int column)
    {
        if (_reader is not null)
            return _reader.IsDBNull(column) ? null : _reader.GetFieldValue<DateOnly>(column);
        if (raw.sqlite3_column_type(_stmt!, column) == raw.SQLITE_NULL)
            return null;
        return IsoText.TryParseDate(raw.sqlite3_column_blob(_stmt!, column), out var date)
            ? date
            : throw new FormatException($"Column {column} is not a yyyy-MM-dd date.");
    }

    public string? String(int column)
    {
        if (_reader is not null)
            return _reader.IsDBNull(column) ? null : _reader.GetString(column);
        return raw.sqlite3_column_type(_stmt!, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(_stmt!, column).utf8_to_string();
    }
}
