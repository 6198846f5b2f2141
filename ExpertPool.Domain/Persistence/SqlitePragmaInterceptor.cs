using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ExpertPool.Domain.Persistence;

/// <summary>
/// WAL journal, enforced foreign keys and a busy timeout on every SQLite connection, so the Api and an in-process worker
/// can share the file. Reads go through a memory map (up to 256 MB) and a 32 MB page cache: eligibility probes indexes
/// of the whole pool, and the default 2 MB cache turned those probes into read() calls. Checkpoints are left to the
/// background (<see cref="SqliteCheckpointer"/>): SQLite's own, inside whichever commit takes the log past
/// wal_autocheckpoint pages, is raised from 1,000 to 4,096 pages (16 MB) and is only the bound for processes that do not
/// run the checkpointer.
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    public static readonly SqlitePragmaInterceptor Instance = new();

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA mmap_size=268435456; PRAGMA cache_size=-32768; PRAGMA wal_autocheckpoint=4096;";

    /// <summary>
    /// The native handles already set up. Microsoft.Data.Sqlite pools handles, and EF opens and closes the connection
    /// around every query outside a transaction; the settings live as long as the handle, so they are sent once per
    /// handle rather than seven statements before every query.
    /// </summary>
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!NeedsPragmas(connection))
            return;
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        cmd.ExecuteNonQuery();
        Configured(connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!NeedsPragmas(connection))
            return;
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        Configured(connection);
    }

    private bool NeedsPragmas(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || !_configured.TryGetValue(handle, out _);

    private void Configured(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
            _configured.AddOrUpdate(handle, Marker);
    }

    private static readonly object Marker = new();
}
