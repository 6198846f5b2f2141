using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Regions;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// The eligibility preview reads through a read snapshot: all its queries see one state of the database, and it never
/// holds up a writer (decision 016).
/// </summary>
public class ReadSnapshotTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReadSnapshot_SeesOneState_AndDoesNotBlockAWriter(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output)) return;
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var reader = db.CreateContext();
        var before = await reader.Regions.CountAsync();

        await using (await reader.BeginReadSnapshotAsync(CancellationToken.None))
        {
            (await reader.Regions.CountAsync()).Should().Be(before);

            await using (var writer = db.CreateContext())
            {
                writer.Regions.Add(Region.Create("990000", "快照测试省", "Snapshot test", null));
                // A writer that had to wait for the snapshot would sit in SQLite's 30 s busy timeout.
                await writer.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }

            (await reader.Regions.CountAsync()).Should().Be(before, "the snapshot does not see a commit made after it began");
        }

        reader.Database.CurrentTransaction.Should().BeNull();
        reader.Database.GetDbConnection().State.Should().Be(System.Data.ConnectionState.Closed, "the snapshot gives back its connection");
        (await reader.Regions.CountAsync()).Should().Be(before + 1, "after the snapshot the reader sees the commit");
    }
}
