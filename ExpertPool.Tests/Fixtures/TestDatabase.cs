using ExpertPool.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Tests.Fixtures;

/// <summary>A real, migrated database for domain tests: a temporary SQLite file, or a fresh PostgreSQL database when configured.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _sqliteFile;
    private readonly string? _pgDatabase;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? sqliteFile, string? pgDatabase)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteFile = sqliteFile;
        _pgDatabase = pgDatabase;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <summary>Environment variable holding an admin connection string to a PostgreSQL server (set by .ci/run).</summary>
    public const string PostgresVariable = "EXPERTPOOL_TEST_POSTGRES";

    public static string? PostgresAdminConnectionString => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool migrate = true)
    {
        TestDatabase db;
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), "expertpool-tests", $"{Guid.NewGuid():N}.db");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            db = new TestDatabase(provider, $"Data Source={file}", file, null);
        }
        else
        {
            var admin = PostgresAdminConnectionString ?? throw new InvalidOperationException(
                $"PostgreSQL tests need {PostgresVariable} (an admin connection string); .ci/run sets it.");
            var name = $"ep_test_{Guid.NewGuid():N}";
            await using (var conn = new Npgsql.NpgsqlConnection(admin))
            {
                await conn.OpenAsync();
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = $"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0";
                await cmd.ExecuteNonQueryAsync();
            }
            var cs = new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
            db = new TestDatabase(provider, cs, null, name);
        }
        if (migrate)
        {
            await using var ctx = db.CreateContext();
            await ctx.Database.MigrateAsync();
        }
        return db;
    }

    public ExpertPoolDbContext CreateContext()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var o = new DbContextOptionsBuilder<SqliteExpertPoolDbContext>();
            PersistenceServiceCollectionExtensions.ConfigureSqlite(o, ConnectionString);
            return new SqliteExpertPoolDbContext(o.Options);
        }
        var p = new DbContextOptionsBuilder<PostgresExpertPoolDbContext>();
        PersistenceServiceCollectionExtensions.ConfigurePostgres(p, ConnectionString);
        return new PostgresExpertPoolDbContext(p.Options);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqliteFile is not null)
        {
            // Only this database's pools: clearing every pool would close other tests' idle connections while they run
            // (and SQLite checkpoints when a file's last connection closes). The host and the checkpointer open the same
            // file with slightly different connection strings, each with a pool of its own.
            foreach (var cs in new[] { ConnectionString, PersistenceServiceCollectionExtensions.SqliteConnectionString(ConnectionString, "/") })
            {
                foreach (var mode in new SqliteOpenMode?[] { null, SqliteOpenMode.ReadWrite })
                {
                    var builder = new SqliteConnectionStringBuilder(cs);
                    if (mode is { } m)
                        builder.Mode = m;
                    using var connection = new SqliteConnection(builder.ToString());
                    SqliteConnection.ClearPool(connection);
                }
            }
            foreach (var f in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
            {
                try { File.Delete(f); } catch (IOException) { }
            }
        }
        if (_pgDatabase is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var conn = new Npgsql.NpgsqlConnection(PostgresAdminConnectionString);
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"DROP DATABASE IF EXISTS \"{_pgDatabase}\" WITH (FORCE)";
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
