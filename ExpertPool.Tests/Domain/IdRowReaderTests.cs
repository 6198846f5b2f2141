using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// Eligibility reads candidate ids through IdRowReader (plain SQL on the context's connection). It must see exactly what
/// EF sees: rows of the context's open transaction included, GUIDs and region codes bound the way EF stores them.
/// </summary>
public class IdRowReaderTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CandidateIds_SeeTheOpenTransaction_AndAProvinceCoversItsCities(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output)) return;
        await using var db = await TestDatabase.CreateAsync(provider, migrate: true);
        await using var ctx = db.CreateContext();
        var pg = provider == DatabaseProvider.Postgres;
        var q = pg ? "" : "\"";
        string G(Guid g) => pg ? $"'{g}'::uuid" : $"'{g.ToString().ToUpperInvariant()}'";
        var ts = pg ? "TIMESTAMPTZ '2026-01-02 03:04:05+00'" : "'2026-01-02 03:04:05'";
        var org = Guid.NewGuid();
        string Expert(Guid id, string region) => $"""
            INSERT INTO {q}experts{q} ("Id", "Name", "IdNumber", "Gender", "BirthYear", "EmployerId", "Title", "TitleGrade", "RegionCode", "Email", "NormalizedEmail", "Phone", "PreferredLanguage", "JoinChannel", "Status", "TermStart", "TermEnd", "CreatedAt", "UpdatedAt", "Version")
            VALUES ({G(id)}, '专家', '{TestData.IdNumber()}', 'Male', 1975, {G(org)}, '研究员', 'FullSenior', '{region}', '{id:N}@example.cn', '{id:N}@example.cn', '13900001111', 'zh-CN', 'SelfApplication', 'Active', NULL, NULL, {ts}, {ts}, 1);
            INSERT INTO {q}expert_specialties{q} ("ExpertId", "SpecialtyId", "RegionCode") VALUES ({G(id)}, (SELECT "Id" FROM {q}specialties{q} WHERE "Code" = 'QM01'), '{region}');
            """;
        var (inCity, inOtherProvince, uncommitted) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var setup = $"""
            INSERT INTO {q}regions{q} ("Code", "NameZh", "NameEn", "ParentCode") VALUES ('330000', '浙江省', 'Zhejiang', NULL), ('320000', '江苏省', 'Jiangsu', NULL);
            INSERT INTO {q}regions{q} ("Code", "NameZh", "NameEn", "ParentCode") VALUES ('330100', '杭州市', 'Hangzhou', '330000');
            INSERT INTO {q}specialties{q} ("Code", "NameZh", "NameEn", "ParentId", "Path", "Depth") VALUES ('QM', '质量管理', 'Quality management', NULL, '/QM/', 0);
            INSERT INTO {q}specialties{q} ("Code", "NameZh", "NameEn", "ParentId", "Path", "Depth") VALUES ('QM01', '卓越绩效', 'Excellence', (SELECT "Id" FROM {q}specialties{q} WHERE "Code" = 'QM'), '/QM/QM01/', 1);
            INSERT INTO {q}organisations{q} ("Id", "Name", "CreditCode", "CreatedAt", "UpdatedAt") VALUES ({G(org)}, '单位', '{TestData.CreditCode()}', {ts}, {ts});
            {Expert(inCity, "330100")}
            {Expert(inOtherProvince, "320000")}
            """;
        await ctx.Database.ExecuteSqlRawAsync(setup);

        await using (var tx = await ctx.Database.BeginTransactionAsync())
        {
            var pending = Expert(uncommitted, "330000");
            await ctx.Database.ExecuteSqlRawAsync(pending);
            (await EligibilityService.CandidateIdsAsync(ctx, "QM", null, default)).Should().BeEquivalentTo([inCity, inOtherProvince, uncommitted]);
            (await EligibilityService.CandidateIdsAsync(ctx, "QM", "330000", default)).Should().BeEquivalentTo([inCity, uncommitted], "the province covers its city");
            (await EligibilityService.CandidateIdsAsync(ctx, "QM01", "330100", default)).Should().BeEquivalentTo([inCity]);
            await tx.RollbackAsync();
        }

        (await EligibilityService.CandidateIdsAsync(ctx, "QM", "330000", default)).Should().BeEquivalentTo([inCity]);
        (await EligibilityService.CandidateIdsAsync(ctx, "QM", "440000", default)).Should().BeEmpty("no rows at all (on SQLite the concatenation is NULL)");
        var act = () => EligibilityService.CandidateIdsAsync(ctx, "NOPE", null, default, "q1");
        (await act.Should().ThrowAsync<ExpertPool.Domain.Common.DomainConflictException>()).WithMessage("*NOPE*q1*");
    }
}
