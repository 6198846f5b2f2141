using System.Data.Common;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Tests.Fixtures;

/// <summary>
/// A provider-neutral description of a database's schema: one sorted line per column, index and constraint.
/// Quartz's job-store tables (<c>qrtz_*</c>) are created by our migrations but are not part of the EF model, so they are left out.
/// </summary>
public static class SchemaSnapshot
{
    public static async Task<List<string>> TakeAsync(ExpertPoolDbContext db)
    {
        var conn = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            return db.Database.IsSqlite() ? await SqliteAsync(conn) : await PostgresAsync(conn);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<List<string>> SqliteAsync(DbConnection conn)
    {
        var lines = new List<string>();
        var tables = await QueryAsync(conn, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('__ef_migrations', '__EFMigrationsLock') AND name NOT LIKE 'qrtz\\_%' ESCAPE '\\'", r => r.GetString(0));
        foreach (var t in tables)
        {
            lines.AddRange(await QueryAsync(conn, $"PRAGMA table_info(\"{t}\")", r => $"column {t}.{r["name"]} {r["type"]} notnull={r["notnull"]} default={r["dflt_value"]} pk={r["pk"]}"));
            lines.AddRange(await QueryAsync(conn, $"PRAGMA foreign_key_list(\"{t}\")", r => $"fk {t}.{r["from"]} -> {r["table"]}.{r["to"]} on delete {r["on_delete"]}"));
            var indexes = await QueryAsync(conn, $"PRAGMA index_list(\"{t}\")", r => (Name: (string)r["name"], Unique: Convert.ToInt64(r["unique"], System.Globalization.CultureInfo.InvariantCulture), Origin: (string)r["origin"]));
            foreach (var ix in indexes)
            {
                var cols = await QueryAsync(conn, $"PRAGMA index_info(\"{ix.Name}\")", r => (string)r["name"]);
                var name = ix.Origin == "c" ? ix.Name : $"({ix.Origin})";
                lines.Add($"index {t} {name} unique={ix.Unique} ({string.Join(",", cols)})");
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<string>> PostgresAsync(DbConnection conn)
    {
        var lines = new List<string>();
        lines.AddRange(await QueryAsync(conn, """
            SELECT table_name, column_name, data_type, coalesce(character_maximum_length, -1), is_nullable, coalesce(column_default, ''), is_identity
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__ef_migrations' AND table_name NOT LIKE 'qrtz\_%'
            """, r => $"column {r.GetString(0)}.{r.GetString(1)} {r.GetString(2)}({r.GetInt32(3)}) nullable={r.GetString(4)} default={r.GetString(5)} identity={r.GetString(6)}"));
        lines.AddRange(await QueryAsync(conn, "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__ef_migrations' AND tablename NOT LIKE 'qrtz\\_%'",
            r => $"index {r.GetString(0)} {r.GetString(1)}"));
        lines.AddRange(await QueryAsync(conn, """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '__ef_migrations' AND c.conrelid::regclass::text NOT LIKE 'qrtz\_%'
            """, r => $"constraint {r.GetString(0)} {r.GetString(1)} {r.GetString(2)}"));
        // Triggers (append-only draw tables, Quartz) are not part of the EF model; DrawsApiTests cover the append-only ones.
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<T>> QueryAsync<T>(DbConnection conn, string sql, Func<DbDataReader, T> map)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await reader.ReadAsync())
            list.Add(map(reader));
        return list;
    }
}
