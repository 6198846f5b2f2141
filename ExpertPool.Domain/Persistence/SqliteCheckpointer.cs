using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExpertPool.Domain.Persistence;

/// <summary>
/// Copies the SQLite write-ahead log back into the database file in the background (a PASSIVE checkpoint, which never
/// blocks readers or writers), once a second. SQLite's own automatic checkpoint runs inside whichever commit crosses its
/// threshold: with multi-megabyte draw records that was every other draw, which then paid 40 ms more for the copy and
/// its fsync. Connections keep a higher automatic threshold (<see cref="SqlitePragmaInterceptor"/>) as the bound for
/// processes that do not run this service (command-line tools, tests without a host).
/// </summary>
internal sealed class SqliteCheckpointer(string connectionString, TimeProvider clock, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckpointAsync(connectionString, stoppingToken);
                failing = false;
            }
            catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // The next tick tries again; SQLite's automatic checkpoint still bounds the log meanwhile. Log once per outage.
                if (!failing)
                    logger.LogWarning(ex, "SQLite background checkpoint failed; will retry.");
                failing = true;
            }
        }
    }

    /// <summary>One PASSIVE checkpoint; returns the frames in the log and the frames now copied into the database.</summary>
    /// <remarks>
    /// Never creates the database: before the migrations have made the file there is nothing to checkpoint, and an empty
    /// file would change how EF sees a database that does not exist yet.
    /// </remarks>
    public static async Task<(long LogFrames, long Checkpointed)> CheckpointAsync(string connectionString, CancellationToken ct)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite };
        if (!File.Exists(builder.DataSource))
            return (0, 0);
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
    }
}
