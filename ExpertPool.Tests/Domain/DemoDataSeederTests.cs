using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Regions;
using ExpertPool.Domain.Seeding;
using ExpertPool.Domain.Specialties;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Domain;

public class DemoDataSeederTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SeedAsync_OnEmptyDatabase_Creates500ValidExperts(DatabaseProvider provider)
    {
        await using var db = await OpenAsync(provider);
        if (db is null)
            return;
        var clock = new TestClock();

        SeedResult result;
        await using (var ctx = db.CreateContext())
            result = await Seeder(ctx, clock).SeedAsync(500, 42, CancellationToken.None);

        result.Seeded.Should().BeTrue(result.Message);
        result.Experts.Should().Be(500);
        result.Organisations.Should().Be(50);

        await using var check = db.CreateContext();
        var experts = await check.Experts.AsNoTracking()
            .Include(e => e.Specialties).Include(e => e.StatusHistory).Include(e => e.Blackouts).Include(e => e.Employer)
            .AsSplitQuery().ToListAsync();
        experts.Should().HaveCount(500);
        var specialtyIds = await check.Specialties.Select(s => s.Id).ToListAsync();
        var regionCodes = await check.Regions.Select(r => r.Code).ToListAsync();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        foreach (var e in experts)
        {
            ChineseIdNumber.TryParse(e.IdNumber, out _, out var birth, out var gender, out var reason).Should().BeTrue($"{e.IdNumber}: {reason}");
            e.IdNumber.Should().StartWith(e.RegionCode, "the ID number's region prefix comes from the expert's region");
            gender.Should().Be(e.Gender);
            birth.Year.Should().Be(e.BirthYear);
            var age = today.Year - birth.Year - (today < birth.AddYears(today.Year - birth.Year) ? 1 : 0);
            age.Should().BeInRange(30, 68);
            UnifiedSocialCreditCode.TryNormalize(e.Employer!.CreditCode, out _, out var creditReason).Should().BeTrue(creditReason);
            e.Specialties.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(3);
            e.Specialties.Select(s => s.SpecialtyId).Should().BeSubsetOf(specialtyIds);
            regionCodes.Should().Contain(e.RegionCode);
            e.Phone.Should().MatchRegex("^1[358][0-9]{9}$");
            e.StatusHistory.Should().NotBeEmpty();
            e.StatusHistory.OrderBy(h => h.ChangedAt).Last().ToStatus.Should().Be(e.Status);
            e.StatusHistory.Should().ContainSingle(h => h.FromStatus == null);
            e.TitleGrade.Should().BeOneOf(TitleGrade.Intermediate, TitleGrade.AssociateSenior, TitleGrade.FullSenior);
            if (e.Status == ExpertStatus.Applied)
                e.TermStart.Should().BeNull();
            else
                e.TermEnd.Should().Be(e.TermStart!.Value.AddYears(3).AddDays(-1));
        }
        experts.Select(e => e.NormalizedEmail).Should().OnlyHaveUniqueItems();
        experts.Select(e => e.IdNumber).Should().OnlyHaveUniqueItems();
        experts.Count(e => e.Status == ExpertStatus.Active).Should().BeGreaterThan(350, "most experts are active");
        experts.Select(e => e.Status).Distinct().Should().Contain([ExpertStatus.Applied, ExpertStatus.Suspended, ExpertStatus.Retired]);
        experts.Count(e => e.PreferredLanguage == "en").Should().BeInRange(20, 90, "about one in ten prefers English");
        experts.Should().Contain(e => e.Blackouts.Count > 0);

        // Rows written by the bulk path are stored exactly as EF stores them: parameterised lookups and filters find them.
        var sample = experts[250];
        var loaded = await ExpertRegistry.LoadAsync(check.Experts, sample.Id, CancellationToken.None);
        loaded.Specialties.Should().HaveCount(sample.Specialties.Count);
        loaded.StatusHistory.Should().HaveCount(sample.StatusHistory.Count);
        (await check.Experts.CountAsync(e => e.Status == ExpertStatus.Active)).Should().Be(experts.Count(e => e.Status == ExpertStatus.Active));
        var cutoff = clock.GetUtcNow().UtcDateTime.AddYears(-1);
        (await check.Experts.CountAsync(e => e.CreatedAt < cutoff)).Should().Be(experts.Count(e => e.CreatedAt < cutoff));
        var termCutoff = today.AddYears(1);
        (await check.Experts.CountAsync(e => e.TermEnd < termCutoff)).Should().Be(experts.Count(e => e.TermEnd < termCutoff));
        (await check.ExpertStatusChanges.CountAsync(h => h.ExpertId == sample.Id)).Should().Be(sample.StatusHistory.Count);

        var organisations = await check.Organisations.Include(o => o.Aliases).ToListAsync();
        organisations.Should().HaveCount(50);
        foreach (var o in organisations)
            UnifiedSocialCreditCode.TryNormalize(o.CreditCode, out _, out var why).Should().BeTrue($"{o.CreditCode}: {why}");
        organisations.Should().Contain(o => o.Aliases.Count > 0);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SeedAsync_CalledTwice_SecondRunChangesNothing(DatabaseProvider provider)
    {
        await using var db = await OpenAsync(provider);
        if (db is null)
            return;
        var clock = new TestClock();
        await using (var ctx = db.CreateContext())
            (await Seeder(ctx, clock).SeedAsync(200, 7, CancellationToken.None)).Seeded.Should().BeTrue();
        var before = await SnapshotAsync(db);

        clock.Advance(TimeSpan.FromDays(1));
        SeedResult second;
        await using (var ctx = db.CreateContext())
            second = await Seeder(ctx, clock).SeedAsync(200, 8, CancellationToken.None);

        second.Seeded.Should().BeFalse();
        second.Experts.Should().Be(0);
        second.Message.Should().Contain("experts");
        (await SnapshotAsync(db)).Should().Equal(before);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SeedAsync_WhenDatabaseHasAnExpert_DoesNothing(DatabaseProvider provider)
    {
        await using var db = await OpenAsync(provider);
        if (db is null)
            return;
        var clock = new TestClock();
        await using (var ctx = db.CreateContext())
        {
            var province = Region.Create("330000", "浙江省", "Zhejiang", null);
            ctx.Regions.AddRange(province, Region.Create("330100", "杭州市", "Hangzhou", province));
            ctx.Specialties.Add(Specialty.Create("SE", "特种设备", "Special equipment", null));
            await ctx.SaveChangesAsync();
            var first17 = "33010219800101123";
            var credit17 = "91330100MA2XXXXXX";
            await new ExpertRegistry(ctx, clock, new ExpertPool.Domain.Notices.NoticeOutbox(Microsoft.Extensions.Options.Options.Create(new ExpertPool.Domain.Notices.MailOptions()), clock)).CreateAsync(new ExpertInput
            {
                Name = "王芳",
                IdNumber = first17 + ChineseIdNumber.CheckCharacter(first17),
                EmployerName = "杭州示例电梯有限公司",
                EmployerCreditCode = credit17 + UnifiedSocialCreditCode.CheckCharacter(credit17),
                Title = "高级工程师",
                TitleGrade = "AssociateSenior",
                SpecialtyCodes = ["SE"],
                RegionCode = "330100",
                Email = "wang.fang@example.cn",
                Phone = "13800000000",
            }, "test", CancellationToken.None);
        }
        var before = await SnapshotAsync(db);

        SeedResult result;
        await using (var ctx = db.CreateContext())
            result = await Seeder(ctx, clock).SeedAsync(100, 1, CancellationToken.None);

        result.Seeded.Should().BeFalse();
        result.Message.Should().Contain("experts").And.Contain("nothing was changed");
        (await SnapshotAsync(db)).Should().Equal(before);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SeedAsync_WhenOnlyReferenceDataExists_DoesNothing(DatabaseProvider provider)
    {
        await using var db = await OpenAsync(provider);
        if (db is null)
            return;
        await using (var ctx = db.CreateContext())
        {
            ctx.Regions.Add(Region.Create("110000", "北京市", "Beijing", null));
            await ctx.SaveChangesAsync();
        }

        SeedResult result;
        await using (var ctx = db.CreateContext())
            result = await Seeder(ctx, new TestClock()).SeedAsync(100, 1, CancellationToken.None);

        result.Seeded.Should().BeFalse();
        result.Message.Should().Contain("regions");
        await using var check = db.CreateContext();
        (await check.Regions.CountAsync()).Should().Be(1);
        (await check.Specialties.CountAsync()).Should().Be(0);
        (await check.Experts.CountAsync()).Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SeedAsync_SameRandomSeed_GivesSameNamesAndIdNumbers(DatabaseProvider provider)
    {
        var first = await SeedAndReadPeopleAsync(provider, 123);
        if (first is null)
            return;
        var second = await SeedAndReadPeopleAsync(provider, 123);
        var other = await SeedAndReadPeopleAsync(provider, 124);

        second.Should().Equal(first);
        other.Should().NotEqual(first);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SeedAsync_SpecialtyTreeAndRegions_HaveTwoLevelsWithParents(DatabaseProvider provider)
    {
        await using var db = await OpenAsync(provider);
        if (db is null)
            return;
        await using (var ctx = db.CreateContext())
            (await Seeder(ctx, new TestClock()).SeedAsync(10, 1, CancellationToken.None)).Seeded.Should().BeTrue();

        await using var check = db.CreateContext();
        var specialties = await check.Specialties.AsNoTracking().ToListAsync();
        var byId = specialties.ToDictionary(s => s.Id);
        var tops = specialties.Where(s => s.ParentId == null).ToList();
        tops.Should().HaveCountGreaterThanOrEqualTo(10).And.OnlyContain(s => s.Depth == 0 && s.Path == "/" + s.Code + "/");
        foreach (var top in tops)
            specialties.Count(s => s.ParentId == top.Id).Should().BeInRange(3, 6, $"{top.Code} has 3 to 6 children");
        foreach (var child in specialties.Where(s => s.ParentId != null))
        {
            var parent = byId[child.ParentId!.Value];
            child.Depth.Should().Be(1);
            parent.ParentId.Should().BeNull();
            child.Path.Should().Be(parent.Path + child.Code + "/");
        }
        specialties.Should().Contain(s => s.Code == "QM01" && s.NameZh == "质量管理体系");

        var regions = await check.Regions.AsNoTracking().ToListAsync();
        regions.Count(r => r.ParentCode == null).Should().Be(31);
        regions.Where(r => r.ParentCode == "330000").Should().HaveCount(11).And.Contain(r => r.Code == "330100" && r.NameZh == "杭州市" && r.NameEn == "Hangzhou");
        regions.Where(r => r.ParentCode != null).Should().OnlyContain(r => r.Code.StartsWith(r.ParentCode!.Substring(0, 2), StringComparison.Ordinal));
    }

    [Fact]
    public void Generator_SameSeed_GivesSameExperts()
    {
        var now = new DateTime(2026, 11, 22, 1, 0, 0, DateTimeKind.Utc);
        static List<ExpertInput> Make(int seed, DateTime now)
        {
            var g = new DemoDataGenerator(seed, now);
            g.Organisations(50);
            return Enumerable.Range(1, 50).Select(n => g.Expert(n).Input).ToList();
        }

        var a = Make(5, now);
        var b = Make(5, now);

        b.Select(x => (x.Name, x.IdNumber, x.Email, x.EmployerCreditCode, string.Join(",", x.SpecialtyCodes!)))
            .Should().Equal(a.Select(x => (x.Name, x.IdNumber, x.Email, x.EmployerCreditCode, string.Join(",", x.SpecialtyCodes!))));
    }

    private static DemoDataSeeder Seeder(ExpertPoolDbContext ctx, TimeProvider clock) =>
        new(ctx, clock, NullLogger<DemoDataSeeder>.Instance) { BatchSize = 150 };

    private async Task<List<string>?> SeedAndReadPeopleAsync(DatabaseProvider provider, int seed)
    {
        await using var db = await OpenAsync(provider);
        if (db is null)
            return null;
        await using (var ctx = db.CreateContext())
            (await Seeder(ctx, new TestClock()).SeedAsync(300, seed, CancellationToken.None)).Seeded.Should().BeTrue();
        await using var check = db.CreateContext();
        var people = await check.Experts.Select(e => new { e.NormalizedEmail, e.Name, e.IdNumber, e.Status, Employer = e.Employer!.CreditCode }).ToListAsync();
        return people.OrderBy(p => p.NormalizedEmail, StringComparer.Ordinal).Select(p => $"{p.NormalizedEmail}|{p.Name}|{p.IdNumber}|{p.Status}|{p.Employer}").ToList();
    }

    /// <summary>Row counts of every table plus the latest change, to prove a run touched nothing.</summary>
    private static async Task<List<string>> SnapshotAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var experts = await ctx.Experts.Select(e => new { e.Id, e.Version, e.UpdatedAt }).ToListAsync();
        return
        [
            $"experts={experts.Count}",
            $"versions={experts.Sum(e => e.Version)}",
            $"lastUpdate={(experts.Count == 0 ? "" : experts.Max(e => e.UpdatedAt).ToString("O"))}",
            $"specialties={await ctx.Specialties.CountAsync()}",
            $"expertSpecialties={await ctx.ExpertSpecialties.CountAsync()}",
            $"statusChanges={await ctx.ExpertStatusChanges.CountAsync()}",
            $"blackouts={await ctx.AvailabilityBlackouts.CountAsync()}",
            $"regions={await ctx.Regions.CountAsync()}",
            $"organisations={await ctx.Organisations.CountAsync()}",
            $"aliases={await ctx.OrganisationAliases.CountAsync()}",
        ];
    }

    /// <summary>A migrated database, or null (with the reason in the test output) when PostgreSQL is not configured locally. On CI a missing server fails the test.</summary>
    private async Task<TestDatabase?> OpenAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && TestDatabase.PostgresAdminConnectionString is null)
        {
            var reason = $"PostgreSQL not configured: set {TestDatabase.PostgresVariable} to an admin connection string to run this test against PostgreSQL.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                Assert.Fail($"{reason} CI=true, so a missing PostgreSQL server is an error.");
            output.WriteLine($"Not run on PostgreSQL. {reason}");
            return null;
        }
        return await TestDatabase.CreateAsync(provider);
    }
}
