using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// Every SQLite connection the context uses has the service's settings, whether its native handle is new or comes back
/// from the pool (the settings are sent once per handle).
/// </summary>
public sealed class SqlitePragmaInterceptorTests
{
    private static async Task<(long BusyTimeout, long ForeignKeys, long CacheSize, long MmapSize, long AutoCheckpoint, string JournalMode)> SettingsAsync(ExpertPoolDbContext ctx)
    {
        // Opening through EF runs the interceptor, as every query outside a transaction does.
        await ctx.Database.OpenConnectionAsync();
        try
        {
            var connection = ctx.Database.GetDbConnection();
            async Task<object?> Pragma(string name)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA " + name;
                return await command.ExecuteScalarAsync();
            }
            return ((long)(await Pragma("busy_timeout"))!, (long)(await Pragma("foreign_keys"))!, (long)(await Pragma("cache_size"))!,
                (long)(await Pragma("mmap_size"))!, (long)(await Pragma("wal_autocheckpoint"))!, (string)(await Pragma("journal_mode"))!);
        }
        finally
        {
            await ctx.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Clears this database's pool only; clearing every pool would close other tests' idle connections.</summary>
    private static void ClearThisPool(TestDatabase db)
    {
        using var connection = new SqliteConnection(db.ConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    [Fact]
    public async Task Connections_HaveTheSettings_OnANewHandle_AndOnEveryReuseOfAPooledOne()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var expected = (30_000L, 1L, -32_768L, 268_435_456L, 4_096L, "wal");

        ClearThisPool(db);
        for (var round = 0; round < 3; round++)
        {
            // Each context opens and closes its connection around each query: the first round gets a new native handle,
            // the later ones the pooled one.
            await using var ctx = db.CreateContext();
            (await SettingsAsync(ctx)).Should().Be(expected, $"round {round}");
        }

        ClearThisPool(db);
        await using (var fresh = db.CreateContext())
            (await SettingsAsync(fresh)).Should().Be(expected, "a handle opened after the pool was cleared");
    }
}
