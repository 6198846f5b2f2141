using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace ExpertPool.Domain.Seeding;

/// <summary>
/// Writes whole expert aggregates (expert, specialties, status history, blackouts) far faster than SaveChanges:
/// a prepared INSERT per table on SQLite, binary COPY on PostgreSQL. Table names, column names and value conversions
/// (enums as text, UTC timestamps) come from the EF model, so rows are stored exactly as EF would store them.
/// Used only for seeding an empty database; the caller has already validated every aggregate through the domain.
/// </summary>
internal abstract class BulkExpertWriter
{
    protected BulkExpertWriter(ExpertPoolDbContext db)
    {
        Db = db;
        Tables =
        [
            TableMap.For<Expert>(db, experts => experts),
            TableMap.For<ExpertSpecialty>(db, experts => experts.SelectMany(e => e.Specialties)),
            TableMap.For<ExpertStatusChange>(db, experts => experts.SelectMany(e => e.StatusHistory)),
            TableMap.For<ExpertChange>(db, experts => experts.SelectMany(e => e.Changes)),
            TableMap.For<AvailabilityBlackout>(db, experts => experts.SelectMany(e => e.Blackouts)),
        ];
    }

    protected ExpertPoolDbContext Db { get; }

    /// <summary>In foreign-key order: experts before their children.</summary>
    protected IReadOnlyList<TableMap> Tables { get; }

    /// <summary>A bulk writer for the context's provider, or null when there is none (the caller falls back to SaveChanges).</summary>
    public static BulkExpertWriter? For(ExpertPoolDbContext db) =>
        db.Database.IsSqlite() ? new SqliteBulkExpertWriter(db)
        : db.Database.IsNpgsql() ? new PostgresBulkExpertWriter(db)
        : null;

    /// <summary>Writes the batch in one transaction.</summary>
    public async Task WriteAsync(IReadOnlyList<Expert> batch, CancellationToken ct)
    {
        await Db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var tx = await Db.Database.BeginTransactionAsync(ct);
            var connection = Db.Database.GetDbConnection();
            var transaction = tx.GetDbTransaction();
            foreach (var table in Tables)
                await WriteTableAsync(connection, transaction, table, table.Rows(batch), ct);
            await tx.CommitAsync(ct);
        }
        finally
        {
            await Db.Database.CloseConnectionAsync();
        }
    }

    protected abstract Task WriteTableAsync(DbConnection connection, DbTransaction transaction, TableMap table, IEnumerable<object> rows, CancellationToken ct);

    protected static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>One table: its name, its columns (with the EF type mapping of each) and how to find its rows in a batch of experts.</summary>
    internal sealed class TableMap
    {
        private TableMap(string name, IReadOnlyList<Column> columns, Func<IReadOnlyList<Expert>, IEnumerable<object>> rows)
        {
            Name = name;
            Columns = columns;
            Rows = rows;
        }

        public string Name { get; }
        public IReadOnlyList<Column> Columns { get; }
        public Func<IReadOnlyList<Expert>, IEnumerable<object>> Rows { get; }

        public static TableMap For<T>(DbContext db, Func<IReadOnlyList<Expert>, IEnumerable<T>> rows)
            where T : class
        {
            var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
            var table = entity.GetTableName() ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped to a table.");
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            var columns = entity.GetProperties()
                .Select(p => new Column(p.GetColumnName(store) ?? p.Name, p.GetRelationalTypeMapping(), p.GetGetter()))
                .ToList();
            return new TableMap(table, columns, experts => rows(experts));
        }
    }

    internal sealed class Column(string name, RelationalTypeMapping mapping, IClrPropertyGetter getter)
    {
        public string Name { get; } = name;
        public RelationalTypeMapping Mapping { get; } = mapping;

        /// <summary>The value as the database stores it (after the model's value converter), or null.</summary>
        public object? ProviderValue(object entity)
        {
            var value = getter.GetClrValueUsingContainingEntity(entity);
            if (value is null)
                return null;
            return Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
        }
    }
}

/// <summary>SQLite: one prepared, parameterised INSERT per table, executed per row inside the batch transaction.</summary>
internal sealed class SqliteBulkExpertWriter(ExpertPoolDbContext db) : BulkExpertWriter(db)
{
    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Table and column names come from the EF model; values are parameters.")]
    protected override Task WriteTableAsync(DbConnection connection, DbTransaction transaction, TableMap table, IEnumerable<object> rows, CancellationToken ct)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {Quote(table.Name)} ({string.Join(", ", table.Columns.Select(c => Quote(c.Name)))}) " +
                              $"VALUES ({string.Join(", ", table.Columns.Select((_, i) => "@p" + i))})";
        var parameters = table.Columns.Select((c, i) =>
        {
            // The mapping sets what EF would set (for example DbType.String for Guid, which SQLite stores as upper-case text).
            var p = c.Mapping.CreateParameter(command, "@p" + i, null, nullable: true);
            command.Parameters.Add(p);
            return p;
        }).ToArray();
        command.Prepare();

        // Microsoft.Data.Sqlite runs synchronously anyway; the synchronous calls avoid a Task per row.
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < parameters.Length; i++)
                parameters[i].Value = table.Columns[i].ProviderValue(row) ?? DBNull.Value;
            command.ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }
}

/// <summary>PostgreSQL: binary COPY per table inside the batch transaction.</summary>
internal sealed class PostgresBulkExpertWriter(ExpertPoolDbContext db) : BulkExpertWriter(db)
{
    protected override async Task WriteTableAsync(DbConnection connection, DbTransaction transaction, TableMap table, IEnumerable<object> rows, CancellationToken ct)
    {
        var npgsql = (NpgsqlConnection)connection;
        var types = table.Columns.Select(c => TypeOf(c.Mapping.StoreType)).ToArray();
        var copy = $"COPY {Quote(table.Name)} ({string.Join(", ", table.Columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await npgsql.BeginBinaryImportAsync(copy, ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            for (var i = 0; i < types.Length; i++)
            {
                var value = table.Columns[i].ProviderValue(row);
                if (value is null)
                    await importer.WriteNullAsync(ct);
                else
                    await importer.WriteAsync(value, types[i], ct);
            }
        }
        await importer.CompleteAsync(ct);
    }

    private static NpgsqlDbType TypeOf(string storeType)
    {
        var paren = storeType.IndexOf('(', StringComparison.Ordinal);
        var name = (paren < 0 ? storeType : storeType[..paren]).Trim();
        return name switch
        {
            "uuid" => NpgsqlDbType.Uuid,
            "character varying" or "varchar" => NpgsqlDbType.Varchar,
            "text" => NpgsqlDbType.Text,
            "integer" or "int" or "int4" => NpgsqlDbType.Integer,
            "bigint" or "int8" => NpgsqlDbType.Bigint,
            "smallint" or "int2" => NpgsqlDbType.Smallint,
            "boolean" or "bool" => NpgsqlDbType.Boolean,
            "timestamp with time zone" or "timestamptz" => NpgsqlDbType.TimestampTz,
            "timestamp without time zone" or "timestamp" => NpgsqlDbType.Timestamp,
            "date" => NpgsqlDbType.Date,
            _ => throw new NotSupportedException($"Bulk seeding does not know the PostgreSQL type '{storeType}'; add it here."),
        };
    }
}
