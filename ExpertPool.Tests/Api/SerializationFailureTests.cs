using ExpertPool.Api.Extensions;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Projects;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Api;

/// <summary>
/// Two snapshot transactions that change one row on PostgreSQL: the second fails with SQLSTATE 40001, wrapped by the
/// provider. The API answers that with 409 "retry" (ErrorHandlingExtensions.IsSerializationFailure), not 500.
/// </summary>
public class SerializationFailureTests(ITestOutputHelper output)
{
    [Fact]
    public void OnlyA40001AnywhereInTheChain_IsASerializationFailure()
    {
        var wrapped = new InvalidOperationException("transient", new DbUpdateException("save", new PostgresException("could not serialize access", "ERROR", "ERROR", "40001")));
        ErrorHandlingExtensions.IsSerializationFailure(wrapped).Should().BeTrue();
        ErrorHandlingExtensions.IsSerializationFailure(new DbUpdateException("save", new PostgresException("duplicate key", "ERROR", "ERROR", "23505"))).Should().BeFalse();
        ErrorHandlingExtensions.IsSerializationFailure(new InvalidOperationException("other")).Should().BeFalse();
    }

    [Fact]
    public async Task Postgres_TwoEditsOfOneProjectAtOnce_TheSecondIsASerializationFailure()
    {
        if (!PostgresRequirement.IsAvailable(output)) return;
        await using var pg = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var now = DateTime.UtcNow;
        Guid id;
        await using (var seed = pg.CreateContext())
        {
            var p = Project.Create(Project.Check("RV-" + TestData.Suffix(), "并发", "ProjectReview", now.AddDays(30), "杭州", null, [], [], now), "t", now);
            seed.Projects.Add(p);
            await seed.SaveChangesAsync();
            id = p.Id;
        }
        await using var a = pg.CreateContext();
        await using var b = pg.CreateContext();
        await using var ta = await a.BeginSnapshotTransactionAsync(CancellationToken.None);
        await using var tb = await b.BeginSnapshotTransactionAsync(CancellationToken.None);
        var pa = await a.Projects.Include(x => x.Parties).Include(x => x.Preparers).AsSplitQuery().FirstAsync(x => x.Id == id);
        var pb = await b.Projects.Include(x => x.Parties).Include(x => x.Preparers).AsSplitQuery().FirstAsync(x => x.Id == id);
        pa.Update(Project.Check(pa.Code, "A", "ProjectReview", now.AddDays(30), "A", null, [], [], now), 1, now);
        pb.Update(Project.Check(pb.Code, "B", "ProjectReview", now.AddDays(30), "B", null, [], [], now), 1, now);
        await a.SaveChangesAsync();
        await ta.CommitAsync();

        var save = () => b.SaveChangesAsync();
        var thrown = (await save.Should().ThrowAsync<Exception>()).Which;
        ErrorHandlingExtensions.IsSerializationFailure(thrown).Should().BeTrue("the API must answer 409, not 500");
    }
}
