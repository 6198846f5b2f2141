using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Domain;

/// <summary>The hand-written migrations must produce exactly the schema the EF model describes, and upgrades must keep data.</summary>
public class MigrationTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrate_OnEmptyDatabase_ProducesExactlyTheModelSchema(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output)) return;
        await using var migrated = await TestDatabase.CreateAsync(provider, migrate: true);
        await using var fromModel = await TestDatabase.CreateAsync(provider, migrate: false);
        await using (var ctx = fromModel.CreateContext())
            await ctx.Database.EnsureCreatedAsync();

        await using var a = migrated.CreateContext();
        await using var b = fromModel.CreateContext();
        var fromMigrations = await SchemaSnapshot.TakeAsync(a);
        var expected = await SchemaSnapshot.TakeAsync(b);

        expected.Should().NotBeEmpty();
        fromMigrations.Except(expected).Should().BeEmpty("the migrations must not create anything the model lacks");
        expected.Except(fromMigrations).Should().BeEmpty("the migrations must create everything the model has");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrate_FromTheFirstMigration_KeepsEveryExistingRow(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output)) return;
        await using var db = await TestDatabase.CreateAsync(provider, migrate: false);
        await using (var ctx = db.CreateContext())
        {
            var all = ctx.Database.GetMigrations().ToList();
            all.Should().HaveCountGreaterThan(1, "an upgrade needs an older schema to start from");
            await ctx.GetService<IMigrator>().MigrateAsync(all[0]);

            // Rows written by the first schema version, in its own SQL.
            var org = Guid.NewGuid();
            var expert = Guid.NewGuid();
            var id = TestData.IdNumber();
            var pg = provider == DatabaseProvider.Postgres;
            var ts = pg ? "TIMESTAMPTZ '2026-01-02 03:04:05+00'" : "'2026-01-02 03:04:05'";
            string G(Guid g) => pg ? $"'{g}'::uuid" : $"'{g.ToString().ToUpperInvariant()}'";
            var q = pg ? "" : "\"";
            var sql = $"""
                INSERT INTO {q}regions{q} ("Code", "NameZh", "NameEn", "ParentCode") VALUES ('330000', '浙江省', 'Zhejiang', NULL);
                INSERT INTO {q}specialties{q} ("Code", "NameZh", "NameEn", "ParentId", "Path", "Depth") VALUES ('QM', '质量管理🙂', 'Quality management', NULL, '/QM/', 0);
                INSERT INTO {q}organisations{q} ("Id", "Name", "CreditCode", "CreatedAt", "UpdatedAt") VALUES ({G(org)}, '浙江省质量科学研究院', '{TestData.CreditCode()}', {ts}, {ts});
                INSERT INTO {q}experts{q} ("Id", "Name", "IdNumber", "Gender", "BirthYear", "EmployerId", "Title", "TitleGrade", "RegionCode", "Email", "NormalizedEmail", "Phone", "PreferredLanguage", "JoinChannel", "Status", "TermStart", "TermEnd", "CreatedAt", "UpdatedAt", "Version")
                VALUES ({G(expert)}, '欧阳修', '{id}', 'Male', 1975, {G(org)}, '研究员', 'FullSenior', '330000', 'ouyang@example.cn', 'ouyang@example.cn', '13900001111', 'zh-CN', 'SelfApplication', 'Active', NULL, NULL, {ts}, {ts}, 3);
                INSERT INTO {q}expert_specialties{q} ("ExpertId", "SpecialtyId") VALUES ({G(expert)}, (SELECT "Id" FROM {q}specialties{q} WHERE "Code" = 'QM'));
                """;
            await ctx.Database.ExecuteSqlRawAsync(sql);

            await ctx.Database.MigrateAsync();
            (await ctx.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        }

        await using var after = db.CreateContext();
        var loaded = await ExpertRegistry.LoadAsync(after.Experts, (await after.Experts.SingleAsync()).Id, default);
        loaded.Name.Should().Be("欧阳修");
        loaded.Version.Should().Be(3);
        loaded.Status.Should().Be(ExpertStatus.Active);
        loaded.Employer!.Name.Should().Be("浙江省质量科学研究院");
        loaded.Specialties.Single().Specialty!.NameZh.Should().Be("质量管理🙂");
        loaded.CreatedAt.Should().Be(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
    }

    [Fact]
    public async Task Migrations_AreTheSameListForEveryProvider()
    {
        await using var sqlite = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        await using var ctx = sqlite.CreateContext();
        var pgOptions = new DbContextOptionsBuilder<PostgresExpertPoolDbContext>();
        PersistenceServiceCollectionExtensions.ConfigurePostgres(pgOptions, "Host=unused");
        await using var pg = new PostgresExpertPoolDbContext(pgOptions.Options);

        ctx.Database.GetMigrations().Should().Equal(pg.Database.GetMigrations());
    }
}
