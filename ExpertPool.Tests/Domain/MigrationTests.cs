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
        loaded.Specialties.Single().RegionCode.Should().Be("330000", "the upgrade copies the expert's region onto its specialties");
        loaded.CreatedAt.Should().Be(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EngagementYears_AreFilledOnUpgrade_AndFollowEveryInsertUpdateAndDelete(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output)) return;
        await using var db = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var ctx = db.CreateContext();
        var all = ctx.Database.GetMigrations().ToList();
        await ctx.GetService<IMigrator>().MigrateAsync(all[all.IndexOf("20261122000600_EngagementYears") - 1]);

        var pg = provider == DatabaseProvider.Postgres;
        var q = pg ? "" : "\"";
        string G(Guid g) => pg ? $"'{g}'::uuid" : $"'{g.ToString().ToUpperInvariant()}'";
        string D(string day) => pg ? $"DATE '{day}'" : $"'{day}'";
        var ts = pg ? "TIMESTAMPTZ '2026-01-02 03:04:05+00'" : "'2026-01-02 03:04:05'";
        var (org, a, b, project) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        string Expert(Guid id, string name) => $"""
            INSERT INTO {q}experts{q} ("Id", "Name", "IdNumber", "Gender", "BirthYear", "EmployerId", "Title", "TitleGrade", "RegionCode", "Email", "NormalizedEmail", "Phone", "PreferredLanguage", "JoinChannel", "Status", "TermStart", "TermEnd", "CreatedAt", "UpdatedAt", "Version")
            VALUES ({G(id)}, '{name}', '{TestData.IdNumber()}', 'Male', 1975, {G(org)}, '研究员', 'FullSenior', '330000', '{id:N}@example.cn', '{id:N}@example.cn', '13900001111', 'zh-CN', 'SelfApplication', 'Active', NULL, NULL, {ts}, {ts}, 1);
            """;
        string Engagement(Guid expert, string day) =>
            $"""INSERT INTO {q}expert_engagements{q} ("Id", "ExpertId", "ProjectId", "PanelRequestId", "ApplicantOrganisationId", "ReviewDate", "ConfirmedAt") VALUES ({G(Guid.NewGuid())}, {G(expert)}, {G(project)}, NULL, NULL, {D(day)}, {ts});""";
        var before = $"""
            INSERT INTO {q}regions{q} ("Code", "NameZh", "NameEn", "ParentCode") VALUES ('330000', '浙江省', 'Zhejiang', NULL);
            INSERT INTO {q}organisations{q} ("Id", "Name", "CreditCode", "CreatedAt", "UpdatedAt") VALUES ({G(org)}, '单位', '{TestData.CreditCode()}', {ts}, {ts});
            {Expert(a, "甲")}
            {Expert(b, "乙")}
            INSERT INTO {q}projects{q} ("Id", "Code", "Name", "EngagementType", "ReviewStartsAt", "Place", "RegionCode", "CreatedBy", "CreatedAt", "UpdatedAt")
            VALUES ({G(project)}, 'P-1', '项目', 'ProjectReview', {ts}, '杭州', NULL, 'test', {ts}, {ts});
            {Engagement(a, "2025-12-31")}
            {Engagement(a, "2026-01-01")}
            {Engagement(a, "2026-06-30")}
            {Engagement(b, "2024-03-01")}
            """;
        await ctx.Database.ExecuteSqlRawAsync(before);

        await ctx.Database.MigrateAsync();
        (await YearsAsync(ctx)).Should().BeEquivalentTo(await GroupedAsync(ctx), "the upgrade fills the counts from the existing engagements");
        (await YearsAsync(ctx)).Should().Contain((a, 2026, 2));

        var changes = $"""
            {Engagement(b, "2026-02-02")}
            {Engagement(b, "2026-03-03")}
            UPDATE {q}expert_engagements{q} SET "ReviewDate" = {D("2025-05-05")} WHERE "ExpertId" = {G(a)} AND "ReviewDate" = {D("2026-06-30")};
            UPDATE {q}expert_engagements{q} SET "ExpertId" = {G(b)} WHERE "ExpertId" = {G(a)} AND "ReviewDate" = {D("2026-01-01")};
            DELETE FROM {q}expert_engagements{q} WHERE "ExpertId" = {G(b)} AND "ReviewDate" = {D("2024-03-01")};
            """;
        await ctx.Database.ExecuteSqlRawAsync(changes);
        ctx.ExpertEngagements.Add(global::ExpertPool.Domain.Conflicts.ExpertEngagement.Confirm(a, project, null, null, new DateOnly(2027, 1, 1), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        await ctx.SaveChangesAsync();

        var years = await YearsAsync(ctx);
        years.Should().BeEquivalentTo(await GroupedAsync(ctx), "the triggers keep the counts equal to the engagements");
        years.Should().BeEquivalentTo(new[] { (a, 2025, 2), (a, 2027, 1), (b, 2026, 3) }, "a year whose last engagement left has no row");

        // Counts damaged by writes with triggers off (here: wiped and one made up) are rebuilt by the recount command.
        await ctx.Database.ExecuteSqlRawAsync(pg ? "DELETE FROM expert_engagement_years" : "DELETE FROM \"expert_engagement_years\"");
        await ctx.Database.ExecuteSqlRawAsync(pg
            ? $"INSERT INTO expert_engagement_years VALUES ({G(b)}, 2020, 7)"
            : $"INSERT INTO \"expert_engagement_years\" VALUES ({G(b)}, 2020, 7)");
        (await global::ExpertPool.Domain.Persistence.EngagementYearCounts.RecountAsync(ctx, default)).Should().Be(3);
        (await YearsAsync(ctx)).Should().BeEquivalentTo(years);

        static async Task<List<(Guid, int, int)>> YearsAsync(ExpertPoolDbContext c) =>
            (await c.ExpertEngagementYears.AsNoTracking().ToListAsync()).Select(y => (y.ExpertId, y.Year, y.Count)).ToList();
        static async Task<List<(Guid, int, int)>> GroupedAsync(ExpertPoolDbContext c) =>
            (await c.ExpertEngagements.AsNoTracking().ToListAsync()).GroupBy(e => (e.ExpertId, e.ReviewDate.Year)).Select(g => (g.Key.ExpertId, g.Key.Year, g.Count())).ToList();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RuleSetPinnedByEntropy_RolledBack_LeavesThePreviousSchemaAndItsTriggers(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output)) return;
        await using var rolledBack = await TestDatabase.CreateAsync(provider, migrate: true);
        await using var previous = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var a = rolledBack.CreateContext();
        await using var b = previous.CreateContext();
        var all = a.Database.GetMigrations().ToList();
        var before = all[all.IndexOf("20261202000200_RuleSetPinnedByEntropy") - 1];

        // One entropy row that pinned a rule set: the rollback (a table rebuild on SQLite) must keep it.
        var now = new DateTime(2026, 11, 20, 1, 0, 0, DateTimeKind.Utc);
        var draft = ExpertPool.Domain.Projects.Project.Check("MIG-" + TestData.Suffix(), "回滚项目", "ProjectReview", now.AddDays(5), "杭州", null, [], [], now);
        var project = ExpertPool.Domain.Projects.Project.Create(draft, "test", now);
        a.Projects.Add(project);
        var request = ExpertPool.Domain.Draws.PanelRequest.Schedule(project.Id, [new ExpertPool.Domain.Draws.PanelQuota(1, "QM", null, 1, 0)], now.AddDays(3), now.AddDays(2),
            "监督人", "test", null, null, new byte[32], now);
        a.PanelRequests.Add(request);
        var entropy = ExpertPool.Domain.Draws.DrawEntropy.Create(request, "supervisor", "42", ExpertPool.Domain.Conflicts.ConflictRuleSet.SeedId, "test", now.AddDays(2));
        a.DrawEntropies.Add(entropy);
        await a.SaveChangesAsync();
        a.ChangeTracker.Clear();

        await a.GetService<IMigrator>().MigrateAsync(before);
        await b.GetService<IMigrator>().MigrateAsync(before);

        (await SchemaSnapshot.TakeAsync(a)).Should().Equal(await SchemaSnapshot.TakeAsync(b));
        var triggers = provider == DatabaseProvider.Sqlite
            ? "SELECT name || ' ' || sql AS \"Value\" FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            : "SELECT tgname || ' ' || tgrelid::regclass::text AS \"Value\" FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname";
        var kept = await a.Database.SqlQueryRaw<string>(triggers).ToListAsync();
        kept.Should().Equal(await b.Database.SqlQueryRaw<string>(triggers).ToListAsync());
        kept.Should().Contain(t => t.StartsWith("draw_entropy_no_update", StringComparison.Ordinal), "the rebuilt table is still append-only");
        var rows = await a.Database.SqlQueryRaw<string>("SELECT \"Value\" AS \"Value\" FROM \"draw_entropy\"").ToListAsync();
        rows.Should().Equal(["42"], "the rollback keeps every entropy row");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task OrganisationChanges_OnUpgrade_GivesEveryExistingOrganisationItsPresentStateAsTheFirstEntry(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output)) return;
        await using var db = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var ctx = db.CreateContext();
        var all = ctx.Database.GetMigrations().ToList();
        await ctx.GetService<IMigrator>().MigrateAsync(all[all.IndexOf("20261202000800_OrganisationChanges") - 1]);

        // Two organisations written by the previous schema: one with aliases (inserted out of order), one without.
        var pg = provider == DatabaseProvider.Postgres;
        var q = pg ? "" : "\"";
        string G(Guid g) => pg ? $"'{g}'::uuid" : $"'{g.ToString().ToUpperInvariant()}'";
        var ts = pg ? "TIMESTAMPTZ '2026-11-30 08:00:00+00'" : "'2026-11-30 08:00:00'";
        var (withAliases, plain) = (Guid.NewGuid(), Guid.NewGuid());
        var sql = $"""
            INSERT INTO {q}organisations{q} ("Id", "Name", "CreditCode", "CreatedAt", "UpdatedAt", "Version") VALUES ({G(withAliases)}, '杭州检测院', '{TestData.CreditCode()}', {ts}, {ts}, 3);
            INSERT INTO {q}organisations{q} ("Id", "Name", "CreditCode", "CreatedAt", "UpdatedAt", "Version") VALUES ({G(plain)}, '无别名单位', '{TestData.CreditCode()}', {ts}, {ts}, 1);
            INSERT INTO {q}organisation_aliases{q} ("Id", "OrganisationId", "Name") VALUES ({G(Guid.NewGuid())}, {G(withAliases)}, '杭检院');
            INSERT INTO {q}organisation_aliases{q} ("Id", "OrganisationId", "Name") VALUES ({G(Guid.NewGuid())}, {G(withAliases)}, 'Hangzhou Inspection "HZ"');
            """;
        await ctx.Database.ExecuteSqlRawAsync(sql);

        await ctx.GetService<IMigrator>().MigrateAsync();

        var rows = await ctx.OrganisationChanges.AsNoTracking().Where(c => c.OrganisationId == withAliases || c.OrganisationId == plain).ToListAsync();
        rows.Should().HaveCount(2);
        var first = rows.Single(r => r.OrganisationId == withAliases);
        first.Kind.Should().Be(ExpertPool.Domain.Organisations.OrganisationChangeKind.Backfilled, "its earlier states are not known");
        first.Version.Should().Be(3, "the entry records the version the organisation had");
        first.Name.Should().Be("杭州检测院");
        first.ChangedBy.Should().Be("migration");
        first.ChangedAt.Should().Be(new DateTime(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc));
        first.Aliases.Should().Equal(["Hangzhou Inspection \"HZ\"", "杭检院"], "aliases are kept in ordinal order, quotes and all");
        rows.Single(r => r.OrganisationId == plain).Aliases.Should().BeEmpty();
        rows.Single(r => r.OrganisationId == plain).AliasesJson.Should().Be("[]");
        // The same text the service writes for the same aliases, so the column reads alike whoever wrote it.
        var same = ExpertPool.Domain.Organisations.Organisation.Create("杭州检测院", TestData.CreditCode(), ["杭检院", "Hangzhou Inspection \"HZ\""], DateTime.UtcNow);
        first.AliasesJson.Should().Be(ExpertPool.Domain.Organisations.OrganisationChange.Of(same, ExpertPool.Domain.Organisations.OrganisationChangeKind.Created, "test", DateTime.UtcNow).AliasesJson)
            .And.Be("[\"Hangzhou Inspection \\\"HZ\\\"\",\"杭检院\"]");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RelationEndedBy_OnUpgrade_CreditsWhoRecordedARelationWithItsEnd_AndLeavesALaterEndUnknown(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output)) return;
        await using var db = await TestDatabase.CreateAsync(provider);
        var clock = new TestClock();
        var now = clock.GetUtcNow().UtcDateTime;
        Guid recordedEnded, endedLater, ongoing;
        await using (var ctx = db.CreateContext())
        {
            (await new ExpertPool.Domain.Seeding.DemoDataSeeder(ctx, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<ExpertPool.Domain.Seeding.DemoDataSeeder>.Instance)
                .SeedAsync(3, 7, CancellationToken.None)).Seeded.Should().BeTrue();
            var expert = await ctx.Experts.Select(e => e.Id).FirstAsync();
            var org = await ctx.Organisations.Select(o => o.Id).FirstAsync();
            var a = ExpertRelation.Create(expert, org, RelationKind.Director, new DateOnly(2001, 1, 1), new DateOnly(2003, 12, 31), null, "recorder-a", now);
            var b = ExpertRelation.Create(expert, org, RelationKind.Employment, new DateOnly(2004, 1, 1), null, null, "recorder-b", now);
            var c = ExpertRelation.Create(expert, org, RelationKind.Investment, new DateOnly(2010, 1, 1), null, null, "recorder-c", now);
            ctx.ExpertRelations.AddRange(a, b, c);
            await ctx.SaveChangesAsync();
            b.End(new DateOnly(2020, 6, 30), null, "ender-b", now.AddDays(1));
            await ctx.SaveChangesAsync();
            (recordedEnded, endedLater, ongoing) = (a.Id, b.Id, c.Id);

            // Back to the schema before the column, and up again: the backfill decides.
            await ctx.GetService<IMigrator>().MigrateAsync("20261203000100_ExpertChanges");
            await ctx.Database.MigrateAsync();
        }

        await using var after = db.CreateContext();
        var endedBy = await after.ExpertRelations.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.EndedBy);
        endedBy[recordedEnded].Should().Be("recorder-a", "recorded with its end date: who recorded it ended it");
        endedBy[endedLater].Should().BeNull("ended later, before the column existed: not known");
        endedBy[ongoing].Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ExpertChanges_OnUpgrade_GivesEveryExistingExpertItsPresentStateMaskedAsTheFirstEntry(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output)) return;
        await using var db = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var ctx = db.CreateContext();
        var all = ctx.Database.GetMigrations().ToList();
        await ctx.GetService<IMigrator>().MigrateAsync(all[all.IndexOf("20261203000100_ExpertChanges") - 1]);

        // An expert written by the previous schema, with two specialties (inserted out of order) and two blackouts.
        var pg = provider == DatabaseProvider.Postgres;
        var q = pg ? "" : "\"";
        string G(Guid g) => pg ? $"'{g}'::uuid" : $"'{g.ToString().ToUpperInvariant()}'";
        string D(string day) => pg ? $"DATE '{day}'" : $"'{day}'";
        var ts = pg ? "TIMESTAMPTZ '2026-11-30 08:00:00+00'" : "'2026-11-30 08:00:00'";
        var (expert, org) = (Guid.NewGuid(), Guid.NewGuid());
        var s = TestData.Suffix();
        var idNumber = TestData.IdNumber();
        var region = $"9{Random.Shared.Next(10000, 99999)}";
        var sql = $"""
            INSERT INTO {q}regions{q} ("Code", "NameZh", "NameEn") VALUES ('{region}', '测试市', 'Test city');
            INSERT INTO {q}specialties{q} ("Id", "Code", "NameZh", "NameEn", "Path", "Depth") VALUES (900001, 'ZB{s}', '乙', 'B', '/ZB{s}/', 0);
            INSERT INTO {q}specialties{q} ("Id", "Code", "NameZh", "NameEn", "Path", "Depth") VALUES (900002, 'ZA{s}', '甲', 'A', '/ZA{s}/', 0);
            INSERT INTO {q}organisations{q} ("Id", "Name", "CreditCode", "CreatedAt", "UpdatedAt", "Version") VALUES ({G(org)}, '升级单位{s}', '{TestData.CreditCode()}', {ts}, {ts}, 1);
            INSERT INTO {q}experts{q} ("Id", "Name", "IdNumber", "Gender", "BirthYear", "EmployerId", "Title", "TitleGrade", "RegionCode", "Email", "NormalizedEmail", "Phone",
                "PreferredLanguage", "JoinChannel", "Status", "TermStart", "TermEnd", "CreatedAt", "UpdatedAt", "Version")
            VALUES ({G(expert)}, '升级专家', '{idNumber}', 'Female', 1980, {G(org)}, '高级工程师', 'AssociateSenior', '{region}', 'Zhang.Wei@example.com', 'zhang.wei@example.com', '13812345678',
                'zh-CN', 'SelfApplication', 'Active', {D("2026-01-01")}, NULL, {ts}, {ts}, 5);
            INSERT INTO {q}expert_specialties{q} ("ExpertId", "SpecialtyId", "RegionCode") VALUES ({G(expert)}, 900001, '{region}');
            INSERT INTO {q}expert_specialties{q} ("ExpertId", "SpecialtyId", "RegionCode") VALUES ({G(expert)}, 900002, '{region}');
            INSERT INTO {q}availability_blackouts{q} ("Id", "ExpertId", "From", "To", "Reason") VALUES ({G(Guid.NewGuid())}, {G(expert)}, {D("2026-12-10")}, {D("2026-12-11")}, NULL);
            INSERT INTO {q}availability_blackouts{q} ("Id", "ExpertId", "From", "To", "Reason") VALUES ({G(Guid.NewGuid())}, {G(expert)}, {D("2026-12-01")}, {D("2026-12-03")}, '出差 "travel"');
            """;
        await ctx.Database.ExecuteSqlRawAsync(sql);

        await ctx.GetService<IMigrator>().MigrateAsync();

        var row = await ctx.ExpertChanges.AsNoTracking().SingleAsync(c => c.ExpertId == expert);
        row.Kind.Should().Be(ExpertPool.Domain.Experts.ExpertChangeKind.Backfilled, "its earlier states are not known");
        (row.Version, row.ChangedBy, row.ChangedAt, row.ChangedFields).Should().Be((5, "migration", new DateTime(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc), ""));
        row.IdNumberMasked.Should().Be(ExpertPool.Domain.Common.ChineseIdNumber.Mask(idNumber), "masked exactly as the service masks");
        row.EmailMasked.Should().Be(ExpertPool.Domain.Common.PersonalData.MaskEmail("Zhang.Wei@example.com")).And.Be("Z***@example.com");
        row.PhoneMasked.Should().Be(ExpertPool.Domain.Common.PersonalData.MaskPhone("13812345678")).And.Be("138****5678");
        (row.Name, row.EmployerId, row.RegionCode, row.TermStart, row.TermEnd).Should().Be(("升级专家", org, region, new DateOnly(2026, 1, 1), (DateOnly?)null));
        (row.Gender, row.TitleGrade, row.JoinChannel).Should().Be((ExpertPool.Domain.Common.Gender.Female, ExpertPool.Domain.Experts.TitleGrade.AssociateSenior, ExpertPool.Domain.Experts.JoinChannel.SelfApplication));
        row.SpecialtyCodeList.Should().Equal([$"ZA{s}", $"ZB{s}"], "codes in ordinal order");
        row.Blackouts.Should().Equal(
            new ExpertPool.Domain.Experts.ExpertChange.BlackoutEntry("2026-12-01", "2026-12-03", "出差 \"travel\""),
            new ExpertPool.Domain.Experts.ExpertChange.BlackoutEntry("2026-12-10", "2026-12-11", null));
    }

    [Fact]
    public async Task Postgres_DrawDocuments_AreCompressedWithLz4()
    {
        if (!PostgresRequirement.IsAvailable(output)) return;
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: true);
        await using var ctx = db.CreateContext();
        var compression = await ctx.Database.SqlQueryRaw<string>(
            "SELECT attcompression::text AS \"Value\" FROM pg_attribute WHERE attrelid = 'draw_records'::regclass AND attname = 'Document'").SingleAsync();
        compression.Should().Be("l", "Debian's PostgreSQL has lz4, which stores a multi-megabyte record several times faster than pglz");
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
