using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Experts.Applications;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Regions;
using ExpertPool.Domain.Specialties;
using ExpertPool.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// Only the schema's refusals (and contention) become a conflict with a reason; any other failed save stays a server
/// error (decision 033). Checked on the providers' codes, on refusals the real schema makes, and through the registry.
/// </summary>
public class DatabaseErrorsTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Fact]
    public void Classify_ReadsTheProviderCodesAnywhereInTheChain()
    {
        static DbUpdateException Save(Exception inner) => new("save", inner);

        DatabaseErrors.Classify(Save(new SqliteException("unique", 19, 2067))).Should().Be(DatabaseClash.Duplicate);
        DatabaseErrors.Classify(Save(new SqliteException("primary key", 19, 1555))).Should().Be(DatabaseClash.Duplicate);
        DatabaseErrors.Classify(Save(new SqliteException("foreign key", 19, 787))).Should().Be(DatabaseClash.MissingReference);
        DatabaseErrors.Classify(Save(new SqliteException("trigger", 19, 1811))).Should().Be(DatabaseClash.Constraint);
        DatabaseErrors.Classify(Save(new SqliteException("busy", 5, 5))).Should().Be(DatabaseClash.Contention);
        DatabaseErrors.Classify(Save(new SqliteException("readonly", 8, 8))).Should().BeNull();
        DatabaseErrors.Classify(Save(new SqliteException("disk full", 13, 13))).Should().BeNull();

        DatabaseErrors.Classify(Save(new PostgresException("dup", "ERROR", "ERROR", "23505"))).Should().Be(DatabaseClash.Duplicate);
        DatabaseErrors.Classify(Save(new PostgresException("fk", "ERROR", "ERROR", "23503"))).Should().Be(DatabaseClash.MissingReference);
        DatabaseErrors.Classify(Save(new PostgresException("append-only", "ERROR", "ERROR", "23000"))).Should().Be(DatabaseClash.Constraint);
        DatabaseErrors.Classify(Save(new PostgresException("check", "ERROR", "ERROR", "23514"))).Should().Be(DatabaseClash.Constraint);
        DatabaseErrors.Classify(new InvalidOperationException("retry", Save(new PostgresException("serialize", "ERROR", "ERROR", "40001")))).Should().Be(DatabaseClash.Contention);
        DatabaseErrors.Classify(Save(new PostgresException("deadlock", "ERROR", "ERROR", "40P01"))).Should().Be(DatabaseClash.Contention);
        DatabaseErrors.Classify(Save(new PostgresException("read only", "ERROR", "ERROR", "25006"))).Should().BeNull();
        DatabaseErrors.Classify(Save(new PostgresException("no space", "ERROR", "ERROR", "53100"))).Should().BeNull();

        DatabaseErrors.Classify(new DbUpdateConcurrencyException("token")).Should().Be(DatabaseClash.Contention);
        DatabaseErrors.Classify(Save(new IOException("lost"))).Should().BeNull();
        DatabaseErrors.IsClash(new InvalidOperationException("other")).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Classify_NamesWhatTheRealSchemaRefuses(DatabaseProvider provider)
    {
        await using var db = await OpenAsync(provider);
        if (db is null)
            return;
        var now = DateTime.UtcNow;
        var credit = CreditCode("91330100MA2DUP001");
        await using (var ctx = db.CreateContext())
        {
            ctx.Organisations.Add(Organisation.Create("甲公司", credit, null, now));
            await ctx.SaveChangesAsync();
        }

        await using (var ctx = db.CreateContext())
        {
            ctx.Organisations.Add(Organisation.Create("乙公司", credit, null, now));
            var duplicate = (await ((Func<Task>)(() => ctx.SaveChangesAsync())).Should().ThrowAsync<DbUpdateException>()).Which;
            DatabaseErrors.Classify(duplicate).Should().Be(DatabaseClash.Duplicate);
        }

        await using (var ctx = db.CreateContext())
        {
            var organisation = await ctx.Organisations.FirstAsync();
            ctx.ExpertRelations.Add(ExpertRelation.Create(Guid.NewGuid(), organisation.Id, RelationKind.Employment, null, null, null, "test", now));
            var missing = (await ((Func<Task>)(() => ctx.SaveChangesAsync())).Should().ThrowAsync<DbUpdateException>()).Which;
            DatabaseErrors.Classify(missing).Should().Be(DatabaseClash.MissingReference);
        }

        var expertId = await CreateExpertAsync(db, "91330100MA2DUP002");
        await using (var ctx = db.CreateContext())
        {
            ctx.ExpertApplications.Add(ExpertApplication.Create(expertId, JoinChannel.SelfApplication, 5, "申请说明", null, "同意 / agreed", now));
            await ctx.SaveChangesAsync();
            // expert_applications is append-only: its trigger refuses the update.
            var sql = "UPDATE \"expert_applications\" SET \"YearsOfExperience\" = 6";
            var kept = (await ((Func<Task>)(() => ctx.Database.ExecuteSqlRawAsync(sql))).Should().ThrowAsync<Exception>()).Which;
            DatabaseErrors.Classify(kept).Should().Be(DatabaseClash.Constraint);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ChangeStatus_WhenWhatItAddsClashesOnce_StartsAgainAndSaves(DatabaseProvider provider)
    {
        await using var db = await OpenAsync(provider);
        if (db is null)
            return;
        var expertId = await CreateExpertAsync(db, "91330100MA2DUP003");
        var taken = CreditCode("91330100MA2DUP004");
        await using (var ctx = db.CreateContext())
        {
            ctx.Organisations.Add(Organisation.Create("已登记单位", taken, null, DateTime.UtcNow));
            await ctx.SaveChangesAsync();
        }

        var calls = 0;
        await using (var ctx = db.CreateContext())
        {
            // The first attempt adds a row that a unique index refuses, as a concurrent answer would; the second does not.
            var expert = await Registry(ctx).ChangeStatusAsync(expertId, null, ExpertStatus.Active, "审核通过", "test", CancellationToken.None, _ =>
            {
                if (++calls == 1)
                    ctx.Organisations.Add(Organisation.Create("重复单位", taken, null, DateTime.UtcNow));
                return Task.CompletedTask;
            });
            expert.Status.Should().Be(ExpertStatus.Active);
        }

        calls.Should().Be(2);
        await using var check = db.CreateContext();
        (await check.Experts.SingleAsync(e => e.Id == expertId)).Status.Should().Be(ExpertStatus.Active);
        (await check.Organisations.CountAsync(o => o.CreditCode == taken)).Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ChangeStatus_WhenWhatItAddsAlwaysClashes_IsAConflictNamingTheDuplicateAndSavesNothing(DatabaseProvider provider)
    {
        await using var db = await OpenAsync(provider);
        if (db is null)
            return;
        var expertId = await CreateExpertAsync(db, "91330100MA2DUP005");
        var taken = CreditCode("91330100MA2DUP006");
        await using (var ctx = db.CreateContext())
        {
            ctx.Organisations.Add(Organisation.Create("已登记单位", taken, null, DateTime.UtcNow));
            await ctx.SaveChangesAsync();
        }

        var calls = 0;
        await using (var ctx = db.CreateContext())
        {
            var change = () => Registry(ctx).ChangeStatusAsync(expertId, null, ExpertStatus.Active, "审核通过", "test", CancellationToken.None, _ =>
            {
                calls++;
                ctx.Organisations.Add(Organisation.Create("重复单位", taken, null, DateTime.UtcNow));
                return Task.CompletedTask;
            });
            var conflict = (await change.Should().ThrowAsync<DomainConflictException>()).Which;
            conflict.Message.Should().Contain("统一社会信用代码").And.Contain("nothing was saved");
        }

        calls.Should().Be(2, "a clash is retried once");
        await using var check = db.CreateContext();
        (await check.Experts.SingleAsync(e => e.Id == expertId)).Status.Should().Be(ExpertStatus.Applied);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ChangeStatus_WhenTheDatabaseRefusesWritesForAnotherReason_IsNotReportedAsAConflict(DatabaseProvider provider)
    {
        await using var db = await OpenAsync(provider);
        if (db is null)
            return;
        var expertId = await CreateExpertAsync(db, "91330100MA2DUP007");

        await using (var ctx = db.CreateContext())
        {
            // The session refuses every write: SQLITE_READONLY / SQLSTATE 25006, neither a clash nor the user's doing.
            await ctx.Database.OpenConnectionAsync();
            var sql = provider == DatabaseProvider.Sqlite ? "PRAGMA query_only = 1" : "SET SESSION default_transaction_read_only = on";
            await ctx.Database.ExecuteSqlRawAsync(sql);
            var change = () => Registry(ctx).ChangeStatusAsync(expertId, null, ExpertStatus.Active, "审核通过", "test", CancellationToken.None);
            // PostgreSQL's refusal comes from the save (DbUpdateException); SQLite's already from opening its transaction.
            var thrown = (await change.Should().ThrowAsync<Exception>()).Which;
            thrown.Should().NotBeAssignableTo<DomainConflictException>();
            thrown.Should().BeAssignableTo(provider == DatabaseProvider.Sqlite ? typeof(SqliteException) : typeof(DbUpdateException));
            DatabaseErrors.IsClash(thrown).Should().BeFalse();
        }

        await using var check = db.CreateContext();
        (await check.Experts.SingleAsync(e => e.Id == expertId)).Status.Should().Be(ExpertStatus.Applied);
    }

    private static string CreditCode(string first17) => first17 + UnifiedSocialCreditCode.CheckCharacter(first17);

    private static ExpertRegistry Registry(ExpertPoolDbContext ctx)
    {
        var clock = TimeProvider.System;
        return new ExpertRegistry(ctx, clock, new NoticeOutbox(Microsoft.Extensions.Options.Options.Create(new MailOptions()), clock));
    }

    /// <summary>One Applied expert, with the region and specialty it needs.</summary>
    private static async Task<Guid> CreateExpertAsync(TestDatabase db, string employerCredit17)
    {
        await using var ctx = db.CreateContext();
        if (!await ctx.Regions.AnyAsync())
        {
            var province = Region.Create("330000", "浙江省", "Zhejiang", null);
            ctx.Regions.AddRange(province, Region.Create("330100", "杭州市", "Hangzhou", province));
            ctx.Specialties.Add(Specialty.Create("SE", "特种设备", "Special equipment", null));
            await ctx.SaveChangesAsync();
        }
        var first17 = "33010219800101" + employerCredit17[^3..];
        var expert = await Registry(ctx).CreateAsync(new ExpertInput
        {
            Name = "王芳",
            IdNumber = first17 + ChineseIdNumber.CheckCharacter(first17),
            EmployerName = "杭州示例电梯有限公司" + employerCredit17[^3..],
            EmployerCreditCode = CreditCode(employerCredit17),
            Title = "高级工程师",
            TitleGrade = "AssociateSenior",
            SpecialtyCodes = ["SE"],
            RegionCode = "330100",
            Email = $"wang.{Guid.NewGuid():N}@example.cn",
            Phone = "13800000000",
        }, "test", CancellationToken.None);
        return expert.Id;
    }

    private async Task<TestDatabase?> OpenAsync(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output) ? null : await TestDatabase.CreateAsync(provider);
}
