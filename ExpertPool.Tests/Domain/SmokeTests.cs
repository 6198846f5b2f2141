using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Tests.Domain;

public class SmokeTests
{
    [Fact]
    public async Task Migrate_OnEmptySqliteFile_CreatesTables()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var ctx = db.CreateContext();
        (await ctx.Experts.CountAsync()).Should().Be(0);
    }
}
