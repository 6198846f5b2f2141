using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ExpertPool.Domain.Persistence;

/// <summary>
/// WAL journal, enforced foreign keys and a busy timeout on every SQLite connection, so the Api and an in-process worker
/// can share the file. Reads go through a memory map (up to 256 MB) and a 32 MB page cache: eligibility probes indexes
/// of the whole pool, and the default 2 MB cache turned those probes into read() calls.
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    public static readonly SqlitePragmaInterceptor Instance = new();

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA mmap_size=268435456; PRAGMA cache_size=-32768;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
