using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Regions;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// A draw's snapshot transaction can lend a second connection that reads exactly what the transaction reads, so that
/// half of the rule queries run beside the other half (decision 013 section 9). It is only lent when that is certain.
/// </summary>
public class SnapshotPeerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Peer_InsideTheSnapshotTransaction_ReadsItsStateWhileAnotherWriterWaits()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var main = db.CreateContext();
        var before = await main.Regions.CountAsync();

        await using var transaction = await main.BeginSnapshotTransactionAsync(CancellationToken.None);
        await using var peer = await main.OpenSnapshotPeerAsync(CancellationToken.None);
        peer.Should().NotBeNull("a fresh BEGIN IMMEDIATE transaction on a file can lend a peer");
        peer!.Context.Should().NotBeSameAs(main);
        peer.Context.Database.GetDbConnection().Should().NotBeSameAs(main.Database.GetDbConnection(), "the peer reads on its own connection");

        // While the snapshot transaction holds the write lock, nobody else can commit: the peer cannot see a newer state.
        await using (var writer = new SqliteExpertPoolDbContext(new DbContextOptionsBuilder<SqliteExpertPoolDbContext>()
            .UseSqlite(db.ConnectionString + ";Default Timeout=1").Options))
        {
            writer.Regions.Add(Region.Create("980000", "对等连接测试省", "Peer test", null));
            var write = () => writer.SaveChangesAsync();
            await write.Should().ThrowAsync<DbUpdateException>("the snapshot transaction holds the write lock");
        }
        (await peer.Context.Regions.CountAsync()).Should().Be(before);
        (await main.Regions.CountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Peer_IsNotLent_OutsideTheSnapshotTransaction_OrAfterItWrote()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var main = db.CreateContext();

        (await main.OpenSnapshotPeerAsync(CancellationToken.None)).Should().BeNull("no transaction at all");
        await using (await main.Database.BeginTransactionAsync())
            (await main.OpenSnapshotPeerAsync(CancellationToken.None)).Should().BeNull("a caller's own transaction may be deferred: its snapshot is not certain");
        await using (await main.BeginReadSnapshotAsync(CancellationToken.None))
            (await main.OpenSnapshotPeerAsync(CancellationToken.None)).Should().BeNull("a read snapshot holds no write lock, so others may commit meanwhile");

        await using (await main.BeginSnapshotTransactionAsync(CancellationToken.None))
        {
            main.Regions.Add(Region.Create("970000", "已写入测试省", "Written", null));
            await main.SaveChangesAsync();
            (await main.OpenSnapshotPeerAsync(CancellationToken.None)).Should().BeNull("the peer would not see this transaction's own write");
        }
    }

    [Fact]
    public async Task Peer_IsNotLent_ForAnInMemoryDatabase_OrOnPostgres()
    {
        var memory = new SqliteExpertPoolDbContext(new DbContextOptionsBuilder<SqliteExpertPoolDbContext>()
            .UseSqlite("Data Source=:memory:").Options);
        await using (memory)
        {
            await memory.Database.OpenConnectionAsync();
            await memory.Database.MigrateAsync();
            await using (await memory.BeginSnapshotTransactionAsync(CancellationToken.None))
                (await memory.OpenSnapshotPeerAsync(CancellationToken.None)).Should().BeNull("another connection would open another, empty database");
        }

        if (!PostgresRequirement.IsAvailable(output)) return;
        await using var pg = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var context = pg.CreateContext();
        await using (await context.BeginSnapshotTransactionAsync(CancellationToken.None))
            (await context.OpenSnapshotPeerAsync(CancellationToken.None)).Should().BeNull("PostgreSQL evaluates on one connection");
    }
}
