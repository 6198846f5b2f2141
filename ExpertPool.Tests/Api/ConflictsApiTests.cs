using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Draws.Algorithm;
using ExpertPool.Domain.Projects;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Api;

/// <summary>
/// Relations, projects, rule sets, panel requests and the eligibility report. Runs once per provider (subclasses at the bottom).
/// The clock stands at 2026-11-22 01:00Z; projects are reviewed on 2026-12-02 (09:00 China time).
/// </summary>
public abstract class ConflictsApiTests<TFactory>(TFactory factory, ITestOutputHelper output) : ApiTestBase<TFactory>(factory, output)
    where TFactory : ExpertPoolApiFactory
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Eligibility_excludes_each_conflicted_expert_with_rule_and_evidence_and_keeps_the_controls()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var applicantName = "浙江XX检测有限公司" + TestData.Suffix();
        var shortName = "浙江XX检测" + TestData.Suffix();
        var applicant = await CreateOrganisationAsync(applicantName, aliases: [shortName]);
        var partner = await CreateOrganisationAsync("合作单位" + TestData.Suffix());
        var twinCode = TestData.CreditCode();
        await CreateOrganisationAsync(shortName, creditCode: twinCode); // the same unit registered again under its short name

        var control = await ActiveExpertAsync(r, "对照专家");
        var employedTwoYearsAgo = await ActiveExpertAsync(r, "两年前离职");
        var employedFourYearsAgo = await ActiveExpertAsync(r, "四年前离职");
        var director = await ActiveExpertAsync(r, "董事");
        var family = await ActiveExpertAsync(r, "法代亲属");
        var investor = await ActiveExpertAsync(r, "投资人");
        var preparer = await ActiveExpertAsync(r, "编写申报书");
        var aliasEmployee = await ActiveExpertAsync(r, "别名单位员工", employer: shortName, creditCode: twinCode);
        var tenEngagements = await ActiveExpertAsync(r, "十次", specialty: r.Leaf2);
        var nineEngagements = await ActiveExpertAsync(r, "九次", specialty: r.Leaf2);
        var tenAcrossYears = await ActiveExpertAsync(r, "跨年十次", specialty: r.Leaf2);
        var cooling = await ActiveExpertAsync(r, "冷却期");
        var away = await ActiveExpertAsync(r, "出差", blackouts: [new { from = "2026-12-01", to = "2026-12-03", reason = "出国" }]);
        var awayBefore = await ActiveExpertAsync(r, "之前出差", blackouts: [new { from = "2026-11-25", to = "2026-12-01", reason = "会议" }]);
        var suspended = await ActiveExpertAsync(r, "暂停专家");
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{suspended}/status", new { status = "Suspended", reason = "考评不合格" }));
        var suspendedAndEmployed = await ActiveExpertAsync(r, "暂停且曾任职");
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{suspendedAndEmployed}/status", new { status = "Suspended", reason = "本人申请暂停" }));
        var expired = await ActiveExpertAsync(r, "聘期届满", termEnd: "2026-06-30");
        var notYetAppointed = await ActiveExpertAsync(r, "聘期未开始", termStart: "2026-12-10", termEnd: "2029-12-09");
        var declared = await ActiveExpertAsync(r, "自行申报");
        var excludedByAdmin = await ActiveExpertAsync(r, "管理员排除");
        var otherSpecialty = await ActiveExpertAsync(r, "其他专业", specialty: r.Other);

        await AddRelationAsync(employedTwoYearsAgo, applicant, "Employment", "2015-01-01", "2024-12-01");
        await AddRelationAsync(employedFourYearsAgo, applicant, "Employment", "2015-01-01", "2022-12-01");
        await AddRelationAsync(suspendedAndEmployed, applicant, "Employment", "2016-01-01", "2025-06-30");
        await AddRelationAsync(director, partner, "Director", "2020-01-01", null);
        await AddRelationAsync(family, applicant, "FamilyOfLegalRepresentative", null, null);
        await AddRelationAsync(investor, partner, "Investment", "2021-05-01", null);
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{declared}/declared-conflicts", new { organisationId = partner, reason = "曾为其提供咨询" }));

        var project = await CreateProjectAsync(parties: [new { organisationId = applicant, role = "Applicant" }, new { organisationId = partner, role = "Partner" }],
            preparers: [new { expertId = preparer, note = "编写申报书" }]);
        // The workload experts' engagements belong to another project with no parties, so only the cap applies to them.
        var elsewhere = await CreateProjectAsync();
        // The cooling expert reviewed an earlier project of the same applicant.
        var earlier = await CreateProjectAsync(parties: [new { organisationId = applicant, role = "Applicant" }]);
        await using (var db = Factory.Database.CreateContext())
        {
            for (var i = 0; i < 10; i++)
                db.ExpertEngagements.Add(ExpertEngagement.Confirm(tenEngagements, elsewhere, null, null, new DateOnly(2026, 1 + i, 10), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            for (var i = 0; i < 9; i++)
                db.ExpertEngagements.Add(ExpertEngagement.Confirm(nineEngagements, elsewhere, null, null, new DateOnly(2026, 1 + i, 10), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            db.ExpertEngagements.Add(ExpertEngagement.Confirm(nineEngagements, elsewhere, null, null, new DateOnly(2025, 11, 30), new DateTime(2025, 11, 1, 0, 0, 0, DateTimeKind.Utc)));
            // Five in December 2025 and five in 2026, all inside the 12 months before the review on 2026-12-02.
            for (var i = 0; i < 5; i++)
            {
                db.ExpertEngagements.Add(ExpertEngagement.Confirm(tenAcrossYears, elsewhere, null, null, new DateOnly(2025, 12, 10 + i), new DateTime(2025, 11, 1, 0, 0, 0, DateTimeKind.Utc)));
                db.ExpertEngagements.Add(ExpertEngagement.Confirm(tenAcrossYears, elsewhere, null, null, new DateOnly(2026, 2 + i, 1), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            }
            db.ExpertEngagements.Add(ExpertEngagement.Confirm(cooling, earlier, null, applicant, new DateOnly(2026, 8, 1), new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc)));
            await db.SaveChangesAsync();
        }
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 3 });
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = excludedByAdmin, reason = "近期被投诉，待核查" }));

        var report = await CheckedEligibilityAsync(request);

        report["ruleSetVersion"]!.GetValue<int>().Should().Be(1);
        report["ruleSetScope"]!.GetValue<string>().Should().Be("default");
        var quota = report["quotas"]![0]!;
        var eligible = quota["eligibleExpertIds"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        eligible.Should().Equal(new[] { control, employedFourYearsAgo, nineEngagements, awayBefore }.Select(Id).Order(StringComparer.Ordinal));
        quota["candidateCount"]!.GetValue<int>().Should().Be(20, "every expert of the subtree but the other specialty");
        quota["eligibleCount"]!.GetValue<int>().Should().Be(4);
        eligible.Should().NotContain(Id(otherSpecialty));

        var reasons = ReasonsByExpert(report);
        reasons.Keys.Should().BeEquivalentTo(new[] { employedTwoYearsAgo, director, family, investor, preparer, aliasEmployee, tenEngagements, tenAcrossYears, cooling, away, suspended, suspendedAndEmployed, expired, notYetAppointed, declared, excludedByAdmin }.Select(Id));
        reasons[Id(suspendedAndEmployed)].Select(x => x.Split(':')[0]).Should().Equal("labour-relation", "status");
        reasons[Id(employedTwoYearsAgo)].Should().ContainSingle().Which.Should().StartWith("labour-relation:").And.Contain(applicantName).And.Contain("2024-12-01");
        reasons[Id(director)].Should().ContainSingle().Which.Should().StartWith("governance-relation:");
        reasons[Id(family)].Should().ContainSingle().Which.Should().StartWith("family-relation:");
        reasons[Id(investor)].Should().ContainSingle().Which.Should().StartWith("dispute-or-investment:");
        reasons[Id(preparer)].Should().ContainSingle().Which.Should().StartWith("prior-involvement:").And.Contain("编写申报书");
        reasons[Id(aliasEmployee)].Should().ContainSingle().Which.Should().StartWith("same-organisation:").And.Contain(shortName).And.Contain(applicantName);
        // Each half in its own language: the party's role in Chinese first, in English after the " / ".
        var (zh, en) = (reasons[Id(employedTwoYearsAgo)][0].Split(" / ")[0], reasons[Id(employedTwoYearsAgo)][0].Split(" / ")[1]);
        zh.Should().Contain("（申请单位）").And.NotContain("Applicant");
        en.Should().Contain($"{applicantName} (applicant)").And.NotContain("申请单位");
        reasons[Id(tenEngagements)].Should().ContainSingle().Which.Should().StartWith("workload-cap:").And.Contain("10");
        reasons[Id(tenAcrossYears)].Should().ContainSingle().Which.Should().StartWith("workload-cap:").And.Contain("10");
        reasons[Id(cooling)].Should().ContainSingle().Which.Should().StartWith("cooldown:").And.Contain("2026-08-01");
        reasons[Id(away)].Should().ContainSingle().Which.Should().StartWith("unavailable:").And.Contain("2026-12-01");
        reasons[Id(suspended)].Should().ContainSingle().Which.Should().StartWith("status:").And.Contain("Suspended");
        reasons[Id(expired)].Should().ContainSingle().Which.Should().StartWith("term-expired:").And.Contain("2026-06-30");
        reasons[Id(notYetAppointed)].Should().ContainSingle().Which.Should().StartWith("term-expired:").And.Contain("2026-12-10");
        reasons[Id(declared)].Should().ContainSingle().Which.Should().StartWith("declared-conflict:").And.Contain("曾为其提供咨询");
        reasons[Id(excludedByAdmin)].Should().ContainSingle().Which.Should().StartWith("manual-exclusion:").And.Contain("近期被投诉");
        report["exclusions"]!.AsArray().Select(x => x!["expertId"]!.GetValue<string>()).Should().BeInAscendingOrder(StringComparer.Ordinal);
        report["exclusions"]!.AsArray().Single(x => x!["expertId"]!.GetValue<string>() == Id(director))!["expertName"]!.GetValue<string>().Should().Be("董事");
        var json = report.ToJsonString();
        json.Should().NotContain("idNumber").And.NotContain("phone").And.NotContain("email");

        // The parties the rules were checked against, with their names and the record taken as the same unit.
        var parties = report["parties"]!.AsArray().Select(x => x!.AsObject()).ToList();
        parties.Select(x => x["organisationId"]!.GetValue<string>()).Should().Equal(new[] { Id(applicant), Id(partner) }.Order(StringComparer.Ordinal));
        var applicantParty = parties.Single(x => x["organisationId"]!.GetValue<string>() == Id(applicant));
        applicantParty.Select(p => p.Key).Should().Equal("organisationId", "name", "creditCode", "role", "aliases", "sameUnitRecords");
        applicantParty["name"]!.GetValue<string>().Should().Be(applicantName);
        applicantParty["role"]!.GetValue<string>().Should().Be("Applicant");
        applicantParty["aliases"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Equal(shortName);
        var twinRecord = applicantParty["sameUnitRecords"]!.AsArray().Should().ContainSingle().Subject!;
        twinRecord["name"]!.GetValue<string>().Should().Be(shortName);
        twinRecord["creditCode"]!.GetValue<string>().Should().Be(twinCode);
        twinRecord["matchedNames"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Equal(shortName);
        var partnerParty = parties.Single(x => x["organisationId"]!.GetValue<string>() == Id(partner));
        partnerParty["role"]!.GetValue<string>().Should().Be("Partner");
        partnerParty["aliases"]!.AsArray().Should().BeEmpty();
        partnerParty["sameUnitRecords"]!.AsArray().Should().BeEmpty();

        // The draw evaluates again, inside its own snapshot transaction: what it freezes in the record is exactly what the
        // preview (a read snapshot) showed.
        var start = Factory.Clock.GetUtcNow();
        JsonObject draw;
        try
        {
            Factory.Clock.Set(DrawAt);
            await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "2718" }));
            draw = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        }
        finally
        {
            Factory.Clock.Set(start); // the other tests of this class expect the clock where it stood
        }
        var record = JsonNode.Parse(await (await Ok(Admin.GetAsync($"/api/draws/{draw["id"]}/record"))).Content.ReadAsStringAsync())!;
        static string Canonical(JsonNode exclusion) => new JsonObject
        {
            ["expertId"] = exclusion["expertId"]!.DeepClone(),
            ["quotaKeys"] = exclusion["quotaKeys"]!.DeepClone(),
            ["reasons"] = new JsonArray(exclusion["reasons"]!.AsArray().Select(x => (JsonNode)new JsonObject { ["rule"] = x!["rule"]!.DeepClone(), ["evidence"] = x["evidence"]!.DeepClone() }).ToArray()),
        }.ToJsonString();
        record["context"]!["exclusions"]!.AsArray().Select(x => Canonical(x!)).Should().Equal(report["exclusions"]!.AsArray().Select(x => Canonical(x!)));
        record["context"]!["parties"]!.ToJsonString().Should().Be(report["parties"]!.ToJsonString(), "the record names the parties as the report did");
    }

    [Fact]
    public async Task A_new_rule_version_for_the_engagement_type_changes_the_result_and_the_report_names_it()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var applicant = await CreateOrganisationAsync("申请单位" + TestData.Suffix());
        var left4 = await ActiveExpertAsync(r, "四年前离职", region: r.City1);
        var other = await ActiveExpertAsync(r, "宁波专家", region: r.City2);
        var provincial = await ActiveExpertAsync(r, "省级登记专家", region: r.Province);
        await AddRelationAsync(left4, applicant, "Employment", null, "2022-12-01");
        var project = await CreateProjectAsync(type: "AwardEvaluation", region: r.City1, parties: [new { organisationId = applicant, role = "Applicant" }]);
        var request = await ScheduleAsync(project, new { specialtyCode = r.Leaf1, count = 1, backups = 0 });
        (await CheckedEligibilityAsync(request))["quotas"]![0]!["eligibleCount"]!.GetValue<int>().Should().Be(3);

        var highestBefore = (await Admin.GetFromJsonAsync<JsonArray>("/api/conflict-rules"))!.Max(x => x!["version"]!.GetValue<int>());
        var missingReason = await Admin.PutAsJsonAsync("/api/conflict-rules/AwardEvaluation", new { settings = new { labourRelationYears = 5 } });
        (await ProblemAsync(missingReason, HttpStatusCode.BadRequest))["errors"]!["changeReason"].Should().NotBeNull();
        var badValue = await Admin.PutAsJsonAsync("/api/conflict-rules/AwardEvaluation", new { changeReason = "x", settings = new { labourRelationYears = 0 } });
        (await ProblemAsync(badValue, HttpStatusCode.BadRequest))["errors"]!["settings.labourRelationYears"].Should().NotBeNull();
        var switchedOff = await Admin.PutAsJsonAsync("/api/conflict-rules/AwardEvaluation", new { changeReason = "x", settings = new { statusAndTerm = false, manualExclusions = false, familyRelation = false, availability = false } });
        var offErrors = (await ProblemAsync(switchedOff, HttpStatusCode.BadRequest))["errors"]!.AsObject();
        offErrors.Select(e => e.Key).Should().BeEquivalentTo(["settings.statusAndTerm", "settings.manualExclusions", "settings.familyRelation"], "availability is a practice rule a scope may turn off");
        offErrors["settings.statusAndTerm"]![0]!.GetValue<string>().Should().Contain("法定回避规则");
        // A misspelt setting is refused, not ignored (it would make a version that changes nothing), and none is made.
        var misspelt = await Admin.PutAsJsonAsync("/api/conflict-rules/AwardEvaluation", new { changeReason = "启用地域回避", settings = new { regionAvoidence = true } });
        (await ProblemAsync(misspelt, HttpStatusCode.BadRequest))["errors"]!["settings.regionAvoidence"]![0]!.GetValue<string>()
            .Should().Be("不是该请求的字段（请检查拼写） / is not a field of this request (check the spelling)");
        // A number written as a string, and a field given twice, are refused too.
        var asString = await Admin.PutAsync("/api/conflict-rules/AwardEvaluation",
            new StringContent("""{"changeReason":"x","settings":{"labourRelationYears":"5"}}""", System.Text.Encoding.UTF8, "application/json"));
        (await ProblemAsync(asString, HttpStatusCode.BadRequest))["errors"]!["settings.labourRelationYears"].Should().NotBeNull();
        var twice = await Admin.PutAsync("/api/conflict-rules/AwardEvaluation",
            new StringContent("""{"changeReason":"x","settings":{"labourRelationYears":5,"labourRelationYears":6}}""", System.Text.Encoding.UTF8, "application/json"));
        var twiceErrors = (await ProblemAsync(twice, HttpStatusCode.BadRequest))["errors"]!.AsObject();
        twiceErrors.Single().Value![0]!.GetValue<string>().Should().Be("字段重复出现，只能给出一次 / is given twice; give it once");
        (await Admin.GetFromJsonAsync<JsonArray>("/api/conflict-rules"))!.Max(x => x!["version"]!.GetValue<int>()).Should().Be(highestBefore);

        var changed = await Ok(Admin.PutAsJsonAsync("/api/conflict-rules/AwardEvaluation", new { changeReason = "评优项目回避期延长至5年，启用地域回避", settings = new { labourRelationYears = 5, regionAvoidance = true } }));
        changed.StatusCode.Should().Be(HttpStatusCode.Created);
        var version = (await changed.Content.ReadFromJsonAsync<JsonObject>())!;
        version["version"]!.GetValue<int>().Should().Be(highestBefore + 1, "versions are numbered across scopes, so a number names one rule set");

        var report = await CheckedEligibilityAsync(request);
        report["ruleSetId"]!.GetValue<string>().Should().Be(version["id"]!.GetValue<string>());
        report["ruleSetScope"]!.GetValue<string>().Should().Be("AwardEvaluation");
        var reasons = ReasonsByExpert(report);
        reasons[Id(left4)].Should().HaveCount(2).And.Contain(x => x.StartsWith("labour-relation:", StringComparison.Ordinal)).And.Contain(x => x.StartsWith("region-avoidance:", StringComparison.Ordinal));
        reasons.Should().NotContainKey(Id(other), "the region rule only covers the project's city");
        reasons[Id(provincial)].Should().ContainSingle().Which.Should().StartWith("region-avoidance:").And.Contain("possibly local", "registered at the city's province, they may live there");

        var second = await Ok(Admin.PutAsJsonAsync("/api/conflict-rules/awardevaluation", new { changeReason = "恢复", settings = new { } }));
        (await second.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>().Should().Be(highestBefore + 2);
        (await CheckedEligibilityAsync(request))["ruleSetVersion"]!.GetValue<int>().Should().Be(highestBefore + 2);
        var current = await Admin.GetFromJsonAsync<JsonArray>("/api/conflict-rules");
        current!.Select(x => (x!["scope"]!.GetValue<string>(), x["version"]!.GetValue<int>())).Should().Contain([("default", 1), ("AwardEvaluation", highestBefore + 2)]);
        var old = await Admin.GetFromJsonAsync<JsonObject>($"/api/conflict-rules/{version["id"]}");
        old!["settings"]!["labourRelationYears"]!.GetValue<int>().Should().Be(5, "old versions never change");
        var seeded = current!.Single(x => x!["scope"]!.GetValue<string>() == "default")!;
        seeded["settings"].Deserialize<ConflictRuleSettings>(WebJson).Should().Be(ConflictRuleSettings.Default);
    }

    [Fact]
    public async Task Concurrent_rule_changes_in_different_scopes_get_different_version_numbers()
    {
        if (NotConfigured) return;
        string[] scopes = ["Planning", "PolicyResearch", "TechnicalConsulting", "StandardDrafting"];
        var responses = await Task.WhenAll(scopes.Select(scope =>
            Admin.PutAsJsonAsync($"/api/conflict-rules/{scope}", new { changeReason = "并发修改 " + scope, settings = new { cooldownMonthsSameApplicant = 6 } })));
        var versions = new List<int>();
        foreach (var response in responses)
            versions.Add((await (await Ok(Task.FromResult(response))).Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>());
        versions.Should().OnlyHaveUniqueItems("a version number must name one rule set");
    }

    [Fact]
    public async Task A_region_bound_quota_takes_the_province_and_its_cities_and_follows_a_change_of_region()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var inCity = await ActiveExpertAsync(r, "市级专家", specialty: r.Leaf1, region: r.City1);
        var inProvince = await ActiveExpertAsync(r, "省级专家", specialty: r.Leaf1, region: r.Province);
        var otherSpecialty = await ActiveExpertAsync(r, "其他专业", specialty: r.Other, region: r.City1);
        var body = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r, name: "迁出专家", specialty: r.Leaf1, region: r.City2)))!.AsObject();
        var moving = Guid.Parse((await CreateExpertAsync(body))["id"]!.GetValue<string>());
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{moving}/status", new { status = "Active", reason = "审核通过" }));
        var elsewhere = await CreateReferenceAsync(); // another province

        var provinceRequest = await ScheduleAsync(await CreateProjectAsync(), new { specialtyCode = r.Leaf1, regionCode = r.Province, count = 1 });
        var cityRequest = await ScheduleAsync(await CreateProjectAsync(), new { specialtyCode = r.Root, regionCode = r.City1, count = 1 });
        static List<string> Eligible(JsonObject report) => report["quotas"]![0]!["eligibleExpertIds"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();

        Eligible(await CheckedEligibilityAsync(provinceRequest)).Should().Equal(new[] { inCity, inProvince, moving }.Select(Id).Order(StringComparer.Ordinal));
        Eligible(await CheckedEligibilityAsync(cityRequest)).Should().Equal(new[] { inCity }.Select(Id), "the city only, but every specialty under the root");
        _ = otherSpecialty;

        // The expert moves to another province: the region-bound quota no longer sees them.
        var current = await Admin.GetAsync($"/api/experts/{moving}");
        body["regionCode"] = elsewhere.City1;
        var update = new HttpRequestMessage(HttpMethod.Put, $"/api/experts/{moving}") { Content = JsonContent.Create(body) };
        update.Headers.IfMatch.Add(current.Headers.ETag!);
        await Ok(Admin.SendAsync(update));

        Eligible(await CheckedEligibilityAsync(provinceRequest)).Should().Equal(new[] { inCity, inProvince }.Select(Id).Order(StringComparer.Ordinal));
        await using var db = Factory.Database.CreateContext();
        (await db.ExpertSpecialties.Where(x => x.ExpertId == moving).Select(x => x.RegionCode).ToListAsync()).Should().Equal(elsewhere.City1);
    }

    [Fact]
    public async Task Scheduling_a_panel_request_with_bad_fields_names_every_field()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var project = await CreateProjectAsync();

        var response = await Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = project,
            quotas = new object[]
            {
                new { specialtyCode = r.Leaf1, count = 0, backups = -1 },
                new { specialtyCode = "NOPE" + TestData.Suffix(), count = 1 },
                new { specialtyCode = r.Leaf2, regionCode = "999998", count = 1 },
                new { specialtyCode = r.Leaf1.ToLowerInvariant(), count = 2 },
                new { specialtyCode = r.Root, count = int.MaxValue, backups = 51 },
            },
            scheduledDrawAt = Factory.Clock.GetUtcNow().UtcDateTime.AddHours(-1),
            replyDeadline = Factory.Clock.GetUtcNow().UtcDateTime.AddHours(-2),
            supervisorName = " ",
        });

        var errors = (await ProblemAsync(response, HttpStatusCode.BadRequest))["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().BeEquivalentTo(
            "quotas[0].count", "quotas[0].backups", "quotas[1].specialtyCode", "quotas[2].regionCode", "quotas[3]", "quotas[4].count", "quotas[4].backups",
            "scheduledDrawAt", "replyDeadline", "supervisorName");
        errors["quotas[4].count"]![0]!.GetValue<string>().Should().Contain("at most 200");

        var late = await Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = project,
            quotas = Array.Empty<object>(),
            scheduledDrawAt = ReviewStartsAt.AddHours(1),
            replyDeadline = ReviewStartsAt.AddHours(2),
            supervisorName = "李监督",
        });
        var lateErrors = (await ProblemAsync(late, HttpStatusCode.BadRequest))["errors"]!.AsObject();
        lateErrors.Select(e => e.Key).Should().BeEquivalentTo("quotas", "scheduledDrawAt", "replyDeadline");
        lateErrors["scheduledDrawAt"]![0]!.GetValue<string>().Should().Contain("before the review starts");
        lateErrors["replyDeadline"]![0]!.GetValue<string>().Should().Contain("after the review starts");

        // The supervisor's name is published with the result: a phone number in it is refused, not stored.
        var withPhone = await Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = project,
            quotas = new[] { new { specialtyCode = r.Leaf1, count = 1 } },
            scheduledDrawAt = DrawAt,
            replyDeadline = ReplyBy,
            supervisorName = "李监督 139-0000-1111",
        });
        var phoneErrors = (await ProblemAsync(withPhone, HttpStatusCode.BadRequest))["errors"]!.AsObject();
        phoneErrors.Select(e => e.Key).Should().Equal("supervisorName");
        phoneErrors["supervisorName"]![0]!.GetValue<string>().Should().StartWith("只填监督人姓名").And.Contain("without a mobile number");

        Guid past;
        await using (var db = Factory.Database.CreateContext())
        {
            var draft = new ProjectDraft("XM-PAST-" + TestData.Suffix(), "已过期项目", EngagementType.ProjectReview,
                new DateTime(2026, 11, 1, 1, 0, 0, DateTimeKind.Utc), "杭州", null, [], []);
            var p = Project.Create(draft, "test", new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc));
            db.Projects.Add(p);
            await db.SaveChangesAsync();
            past = p.Id;
        }
        var tooLate = await Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = past, quotas = new[] { new { specialtyCode = r.Leaf1, count = 1 } }, scheduledDrawAt = DrawAt, replyDeadline = ReplyBy, supervisorName = "李监督" });
        (await ProblemAsync(tooLate, HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key).Should().Contain("reviewStartsAt");

        var pastProject = await Admin.PostAsJsonAsync("/api/projects", new { code = "XM-" + TestData.Suffix(), name = "x", engagementType = "ProjectReview", reviewStartsAt = "2020-01-01T00:00:00Z", place = "杭州" });
        (await ProblemAsync(pastProject, HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key).Should().Equal("reviewStartsAt");
    }

    [Fact]
    public async Task A_specialty_named_by_a_quota_cannot_be_deleted_and_one_gone_anyway_is_a_clear_conflict()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        await ActiveExpertAsync(r, "在库专家", specialty: r.Leaf1);
        var leaf = r.Root + "09";
        await Ok(Admin.PostAsJsonAsync("/api/specialties", new { code = leaf, nameZh = "临时专业", nameEn = "Temporary", parentCode = r.Root }));
        var request = await ScheduleAsync(await CreateProjectAsync(), new { specialtyCode = r.Leaf1, count = 1 }, new { specialtyCode = leaf, count = 1 });

        // No expert holds the leaf, but a scheduled request's quota names it.
        var refused = await ProblemAsync(await Admin.DeleteAsync($"/api/specialties/{leaf}"), HttpStatusCode.Conflict);
        refused["quotaCount"]!.GetValue<int>().Should().Be(1);
        refused["detail"]!.GetValue<string>().Should().StartWith("专业 " + leaf);
        (await Admin.GetAsync($"/api/panel-requests/{request}/eligibility")).StatusCode.Should().Be(HttpStatusCode.OK);

        // Removed all the same (a database from before this check, or by hand): the request says so instead of drawing a smaller pool.
        await using (var db = Factory.Database.CreateContext())
            await db.Specialties.Where(sp => sp.Code == leaf).ExecuteDeleteAsync();
        var problem = await ProblemAsync(await Admin.GetAsync($"/api/panel-requests/{request}/eligibility"), HttpStatusCode.Conflict);
        problem["detail"]!.GetValue<string>().Should().Contain(leaf).And.Contain("no longer exists");
    }

    [Fact]
    public async Task Times_without_an_offset_are_refused_and_change_nothing_and_an_offset_is_read_as_that_instant()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var code = "XM-TZ-" + TestData.Suffix();
        object Body(string starts) => new { code, name = "时区项目", engagementType = "ProjectReview", reviewStartsAt = starts, place = "杭州" };

        var bare = await ProblemAsync(await Admin.PostAsJsonAsync("/api/projects", Body("2026-12-02T09:00:00")), HttpStatusCode.BadRequest);
        bare["errors"]!["reviewStartsAt"]![0]!.GetValue<string>().Should().Contain("time-zone offset").And.Contain("时区");
        await using (var db = Factory.Database.CreateContext())
            (await db.Projects.AnyAsync(p => p.Code == code)).Should().BeFalse("a refused request stores nothing");

        // 09:00 in Beijing is 01:00 UTC, whatever zone the server runs in.
        var created = await (await Ok(Admin.PostAsJsonAsync("/api/projects", Body("2026-12-02T09:00:00+08:00")))).Content.ReadFromJsonAsync<JsonObject>();
        created!["reviewStartsAt"]!.GetValue<DateTime>().ToUniversalTime().Should().Be(ReviewStartsAt);
        var project = Guid.Parse(created["id"]!.GetValue<string>());

        var request = new { projectId = project, quotas = new[] { new { specialtyCode = r.Leaf1, count = 1 } }, scheduledDrawAt = "2026-11-30T09:00:00", replyDeadline = "2026-12-01T09:00:00", supervisorName = "李监督" };
        var errors = (await ProblemAsync(await Admin.PostAsJsonAsync("/api/panel-requests", request), HttpStatusCode.BadRequest))["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().BeEquivalentTo("scheduledDrawAt", "replyDeadline");
        errors["scheduledDrawAt"]![0]!.GetValue<string>().Should().Contain("time-zone offset");
        await using (var db = Factory.Database.CreateContext())
            (await db.PanelRequests.AnyAsync(x => x.ProjectId == project)).Should().BeFalse();

        var scheduled = await (await Ok(Admin.PostAsJsonAsync("/api/panel-requests", request with { scheduledDrawAt = "2026-11-30T09:00:00+08:00", replyDeadline = "2026-12-01T01:00:00Z" })))
            .Content.ReadFromJsonAsync<JsonObject>();
        scheduled!["scheduledDrawAt"]!.GetValue<DateTime>().ToUniversalTime().Should().Be(DrawAt);
        scheduled["replyDeadline"]!.GetValue<DateTime>().ToUniversalTime().Should().Be(ReplyBy);
    }

    [Fact]
    public async Task The_nonce_never_appears_in_any_response_before_the_draw_and_is_revealed_after_it()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        await ActiveExpertAsync(r, "专家甲");
        var project = await CreateProjectAsync();
        var created = await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 1 } }, scheduledDrawAt = DrawAt, replyDeadline = ReplyBy, supervisorName = "李监督" }));
        var createdBody = await created.Content.ReadAsStringAsync();
        var id = Guid.Parse(JsonNode.Parse(createdBody)!["id"]!.GetValue<string>());
        byte[] nonce;
        await using (var db = Factory.Database.CreateContext())
            nonce = (await db.PanelRequests.SingleAsync(x => x.Id == id)).Nonce;
        nonce.Should().HaveCount(32);
        var forms = new[] { Convert.ToHexStringLower(nonce), Convert.ToHexString(nonce), Convert.ToBase64String(nonce), Convert.ToBase64String(nonce).TrimEnd('='), Convert.ToBase64String(nonce).Replace('+', '-').Replace('/', '_').TrimEnd('=') };

        var bodies = new List<string> { createdBody };
        foreach (var client in new[] { Admin, Auditor })
        {
            bodies.Add(await client.GetStringAsync($"/api/panel-requests/{id}"));
            bodies.Add(await client.GetStringAsync($"/api/panel-requests?projectId={project}"));
            if (client.DefaultRequestHeaders.GetValues("X-Api-Key").Single() == ExpertPoolApiFactory.AdminKey)
                bodies.Add(await client.GetStringAsync($"/api/panel-requests/{id}/eligibility"));
            else
                (await client.GetAsync($"/api/panel-requests/{id}/eligibility")).StatusCode.Should().Be(System.Net.HttpStatusCode.Forbidden, "eligible ids plus a seed would reveal a sealed panel");
            bodies.Add(await client.GetStringAsync($"/api/panel-requests/{id}/exclusions"));
            bodies.Add(await client.GetStringAsync($"/api/projects/{project}"));
        }
        foreach (var body in bodies)
        {
            foreach (var form in forms)
                body.Should().NotContain(form);
        }
        var shown = JsonNode.Parse(bodies[1])!;
        shown["commitment"]!.GetValue<string>().Should().Be(DrawAlgorithm.ComputeCommitment(nonce));
        shown["revealedNonce"].Should().BeNull();
        bodies.Should().AllSatisfy(b => b.Should().NotContainEquivalentOf("\"nonce\""));

        await using (var db = Factory.Database.CreateContext())
        {
            (await db.PanelRequests.SingleAsync(x => x.Id == id)).MarkDrawn(Factory.Clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }
        var after = await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{id}");
        after!["status"]!.GetValue<string>().Should().Be("Drawn");
        after["revealedNonce"]!.GetValue<string>().Should().Be(Convert.ToHexStringLower(nonce));
        var update = await PutProjectAsync(project, ProjectBody("XM-" + TestData.Suffix()));
        await ProblemAsync(update, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_redraw_needs_a_reason_and_a_finished_request_and_supersedes_it_only_once()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var project = await CreateProjectAsync();
        var quotas = new[] { new { specialtyCode = r.Root, count = 1 } };
        var first = await ScheduleAsync(project, quotas[0]);

        var again = await Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas, scheduledDrawAt = DrawAt, replyDeadline = ReplyBy, supervisorName = "李监督" });
        (await ProblemAsync(again, HttpStatusCode.Conflict))["existingRequestId"]!.GetValue<string>().Should().Be(first.ToString());
        var unfinished = await Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas, scheduledDrawAt = DrawAt, replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = first, redrawReason = "专家不足" });
        await ProblemAsync(unfinished, HttpStatusCode.Conflict);
        var noReason = await Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas, scheduledDrawAt = DrawAt, replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = first });
        (await ProblemAsync(noReason, HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key).Should().Equal("redrawReason");

        (await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{first}/cancel", new { reason = "" }), HttpStatusCode.BadRequest))["errors"]!["reason"].Should().NotBeNull();
        var cancelled = await (await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{first}/cancel", new { reason = "评审改期" }))).Content.ReadFromJsonAsync<JsonObject>();
        cancelled!["status"]!.GetValue<string>().Should().Be("Cancelled");
        cancelled["revealedNonce"].Should().BeNull("a cancelled request was never drawn");
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{first}/cancel", new { reason = "again" }), HttpStatusCode.Conflict);

        var redraw = await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas, scheduledDrawAt = DrawAt, replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = first, redrawReason = "评审改期后重新抽取" }));
        var body = (await redraw.Content.ReadFromJsonAsync<JsonObject>())!;
        body["supersedesRequestId"]!.GetValue<string>().Should().Be(first.ToString());
        body["redrawReason"]!.GetValue<string>().Should().Be("评审改期后重新抽取");
        body["commitment"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{64}$");
        var twice = await Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas, scheduledDrawAt = DrawAt, replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = first, redrawReason = "再来一次" });
        await ProblemAsync(twice, HttpStatusCode.Conflict);
        var all = await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests?projectId={project}");
        all!["total"]!.GetValue<int>().Should().Be(2, "the cancelled attempt is kept");
    }

    [Fact]
    public async Task A_manual_exclusion_needs_a_reason_and_is_listed_with_who_made_it()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var expert = await ActiveExpertAsync(r, "被排除专家");
        var request = await ScheduleAsync(await CreateProjectAsync(), new { specialtyCode = r.Root, count = 1 });

        var noReason = await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = expert, reason = "  " });
        (await ProblemAsync(noReason, HttpStatusCode.BadRequest))["errors"]!["reason"].Should().NotBeNull();
        (await Auditor.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = expert, reason = "x" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = expert, reason = "与申请单位存在未登记的合作" }));
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = expert, reason = "again" }), HttpStatusCode.Conflict);

        var list = await Auditor.GetFromJsonAsync<JsonArray>($"/api/panel-requests/{request}/exclusions");
        list!.Should().ContainSingle();
        list![0]!["reason"]!.GetValue<string>().Should().Be("与申请单位存在未登记的合作");
        list![0]!["createdBy"]!.GetValue<string>().Should().Be("admin");
        list![0]!["expertName"]!.GetValue<string>().Should().Be("被排除专家");
    }

    [Fact]
    public async Task A_renamed_party_keeps_its_former_name_so_the_unit_under_that_name_still_matches()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var former = "旧名检测公司" + TestData.Suffix();
        var party = await CreateOrganisationAsync(former);
        // A separate record of the same unit under its old name (another credit code, as registered by an expert).
        var employee = await ActiveExpertAsync(r, "旧名单位专家", employer: former, creditCode: TestData.CreditCode());
        var control = await ActiveExpertAsync(r, "对照专家");

        var renamed = "新名检测公司" + TestData.Suffix();
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/organisations/{party}") { Content = JsonContent.Create(new { name = renamed }) })
        {
            put.Headers.TryAddWithoutValidation("If-Match", "*");
            var body = (await (await Ok(Admin.SendAsync(put))).Content.ReadFromJsonAsync<JsonObject>())!;
            body["name"]!.GetValue<string>().Should().Be(renamed);
            body["aliases"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Contain(former, "the former name stays an alias");
        }

        var project = await CreateProjectAsync(parties: [new { organisationId = party, role = "Applicant" }]);
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1 });
        var reasons = ReasonsByExpert(await CheckedEligibilityAsync(request));
        reasons[Id(employee)].Should().ContainSingle().Which.Should().StartWith("same-organisation:").And.Contain(former);
        reasons.Should().NotContainKey(Id(control));

        // An edit that lists the aliases without the former name removes it, as any alias.
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/organisations/{party}") { Content = JsonContent.Create(new { name = renamed, aliases = Array.Empty<string>() }) })
        {
            put.Headers.TryAddWithoutValidation("If-Match", "*");
            (await (await Ok(Admin.SendAsync(put))).Content.ReadFromJsonAsync<JsonObject>())!["aliases"]!.AsArray().Should().BeEmpty();
        }
    }

    [Fact]
    public async Task Impossible_dates_and_control_characters_are_refused_and_change_nothing()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var org = await CreateOrganisationAsync("关系单位" + TestData.Suffix());
        var expert = await ActiveExpertAsync(r, "日期校验专家");
        var rid = (await (await Ok(Admin.PostAsJsonAsync($"/api/experts/{expert}/relations", new { organisationId = org, kind = "Employment" }))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var today = DateOnly.FromDateTime(Factory.Clock.GetUtcNow().UtcDateTime.AddHours(8));

        // An end of 0001-01-01 (what a missing date becomes) would drop the relation from every look-back for good.
        foreach (var to in new[] { "0001-01-01", today.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "2099-01-01" })
            (await ProblemAsync(await Admin.PostAsJsonAsync($"/api/experts/{expert}/relations/{rid}/end", new { to }), HttpStatusCode.BadRequest))["errors"]!["to"].Should().NotBeNull(to);
        (await ProblemAsync(await Admin.PostAsJsonAsync($"/api/experts/{expert}/relations", new { organisationId = org, kind = "Director", from = "0001-01-01", to = "2001-01-01" }), HttpStatusCode.BadRequest))
            ["errors"]!["from"]![0]!.GetValue<string>().Should().Contain("1900-01-01");
        (await ProblemAsync(await Admin.PostAsJsonAsync($"/api/experts/{expert}/relations", new { organisationId = org, kind = "Director", from = "2020-01-01", to = "2099-01-01" }), HttpStatusCode.BadRequest))
            ["errors"]!["to"]![0]!.GetValue<string>().Should().Contain("ongoing until it has ended");
        (await ProblemAsync(await Admin.PostAsJsonAsync($"/api/experts/{expert}/relations", new { organisationId = org, kind = "Director", note = "备\u0000注" }), HttpStatusCode.BadRequest))
            ["errors"]!["note"]![0]!.GetValue<string>().Should().Contain("control characters");
        var relations = (await Admin.GetFromJsonAsync<JsonArray>($"/api/experts/{expert}/relations"))!;
        relations.Should().ContainSingle().Which!["ongoing"]!.GetValue<bool>().Should().BeTrue();

        // A blackout without its dates would have been stored from 0001-01-01; terms and names are checked too.
        var before = await Admin.GetStringAsync($"/api/experts/{expert}");
        async Task<JsonObject> PutAsync(Action<JsonObject> edit)
        {
            var body = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r, name: "日期校验专家")))!.AsObject();
            var stored = JsonNode.Parse(before)!.AsObject();
            foreach (var key in new[] { "idNumber", "email", "phone", "employerName", "employerCreditCode", "regionCode" })
                body[key] = stored[key]?.DeepClone() ?? body[key]?.DeepClone();
            edit(body);
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/experts/{expert}") { Content = JsonContent.Create(body) };
            put.Headers.TryAddWithoutValidation("If-Match", "*");
            return (await ProblemAsync(await Admin.SendAsync(put), HttpStatusCode.BadRequest))["errors"]!.AsObject();
        }

        var missing = await PutAsync(b => b["blackouts"] = new JsonArray(new JsonObject { ["to"] = "2027-06-30", ["reason"] = "休假" }, new JsonObject()));
        missing.Select(e => e.Key).Should().Contain(["blackouts[0].from", "blackouts[1].from", "blackouts[1].to"]).And.NotContain("blackouts[0].to");
        missing["blackouts[0].from"]![0]!.GetValue<string>().Should().Be("必填 / is required");
        var far = await PutAsync(b => { b["termStart"] = "0001-01-01"; b["termEnd"] = "9999-12-31"; });
        far.Select(e => e.Key).Should().Contain(["termStart", "termEnd"]);
        var lines = await PutAsync(b => b["name"] = "王五\r\nBcc: x@example.org");
        lines["name"]![0]!.GetValue<string>().Should().Contain("one line");
        var nul = await PutAsync(b => b["title"] = "高级\u0007工程师");
        nul["title"]![0]!.GetValue<string>().Should().Contain("U+0007");
        var employer = await PutAsync(b => b["employerName"] = "检测院\r\n第二行");
        employer["employerName"]![0]!.GetValue<string>().Should().Contain("one line");
        (await Admin.GetStringAsync($"/api/experts/{expert}")).Should().Be(before, "a refused change changes nothing");

        // Organisations and projects: their names go into exports, evidence and mail subjects.
        var orgProblem = await ProblemAsync(await Admin.PostAsJsonAsync("/api/organisations", new { name = "单位\r\nBcc: x@example.org", creditCode = TestData.CreditCode(), aliases = new List<string> { "别\u0000名" } }), HttpStatusCode.BadRequest);
        orgProblem["errors"]!.AsObject().Select(e => e.Key).Should().Contain("name");
        var aliasProblem = await ProblemAsync(await Admin.PostAsJsonAsync("/api/organisations", new { name = "正常单位" + TestData.Suffix(), creditCode = TestData.CreditCode(), aliases = new List<string> { "别\u0000名" } }), HttpStatusCode.BadRequest);
        aliasProblem["errors"]!["aliases"]![0]!.GetValue<string>().Should().Contain("U+0000");
        var code = "XM-2026-" + TestData.Suffix();
        var projectBody = JsonNode.Parse(JsonSerializer.Serialize(ProjectBody(code)))!.AsObject();
        projectBody["name"] = "项目\r\nBcc: x@example.org";
        projectBody["place"] = "杭州\u0007";
        var projectProblem = (await ProblemAsync(await Admin.PostAsJsonAsync("/api/projects", projectBody), HttpStatusCode.BadRequest))["errors"]!.AsObject();
        projectProblem.Select(e => e.Key).Should().Contain(["name", "place"]);
    }

    [Fact]
    public async Task Relations_are_never_deleted_ending_one_sets_its_end_date_and_keeps_the_history()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var org = await CreateOrganisationAsync("原单位" + TestData.Suffix());
        var expert = await ActiveExpertAsync(r, "调动专家");
        var created = await (await Ok(Admin.PostAsJsonAsync($"/api/experts/{expert}/relations", new { organisationId = org, kind = "Employment", from = "2010-03-01", note = "高级工程师" }))).Content.ReadFromJsonAsync<JsonObject>();
        created!["ongoing"]!.GetValue<bool>().Should().BeTrue();
        var rid = created["id"]!.GetValue<string>();

        (await Admin.DeleteAsync($"/api/experts/{expert}/relations/{rid}")).StatusCode.Should().BeOneOf(HttpStatusCode.MethodNotAllowed, HttpStatusCode.NotFound);
        (await ProblemAsync(await Admin.PostAsJsonAsync($"/api/experts/{expert}/relations/{rid}/end", new { to = "2009-01-01" }), HttpStatusCode.BadRequest))["errors"]!["to"].Should().NotBeNull();
        var ended = await (await Ok(Admin.PostAsJsonAsync($"/api/experts/{expert}/relations/{rid}/end", new { to = "2025-03-31", note = "调离" }))).Content.ReadFromJsonAsync<JsonObject>();
        ended!["to"]!.GetValue<string>().Should().Be("2025-03-31");
        ended["ongoing"]!.GetValue<bool>().Should().BeFalse();
        ended["endedBy"]!.GetValue<string>().Should().Be("admin", "who ended a relation is kept, as who recorded it");
        created["endedBy"].Should().BeNull();
        var other = await ActiveExpertAsync(r, "曾任董事专家");
        var recordedEnded = await (await Ok(Admin.PostAsJsonAsync($"/api/experts/{other}/relations", new { organisationId = org, kind = "Director", from = "2001-01-01", to = "2003-12-31" }))).Content.ReadFromJsonAsync<JsonObject>();
        recordedEnded!["endedBy"]!.GetValue<string>().Should().Be("admin");
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/experts/{expert}/relations/{rid}/end", new { to = "2025-04-30" }), HttpStatusCode.Conflict);

        var bad = await Admin.PostAsJsonAsync($"/api/experts/{expert}/relations", new { organisationId = Guid.NewGuid(), kind = "Employment" });
        (await ProblemAsync(bad, HttpStatusCode.BadRequest))["errors"]!["organisationId"].Should().NotBeNull();
        var badKind = await Admin.PostAsJsonAsync($"/api/experts/{expert}/relations", new { organisationId = org, kind = "Friend" });
        (await ProblemAsync(badKind, HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key).Should().Contain("kind");
        // A relation dated ahead would count as ongoing for every draw from now on.
        var tomorrow = ExpertPool.Domain.Projects.Project.ReviewDateOf(Factory.Clock.GetUtcNow().UtcDateTime).AddDays(1);
        var ahead = await Admin.PostAsJsonAsync($"/api/experts/{expert}/relations", new { organisationId = org, kind = "Employment", from = tomorrow.ToString("yyyy-MM-dd") });
        (await ProblemAsync(ahead, HttpStatusCode.BadRequest))["errors"]!["from"]![0]!.GetValue<string>().Should().Contain("must not be after today");

        var history = await Auditor.GetFromJsonAsync<JsonArray>($"/api/experts/{expert}/relations");
        history!.Should().ContainSingle();
        history![0]!["organisationName"]!.GetValue<string>().Should().StartWith("原单位");
        history[0]!["note"]!.GetValue<string>().Should().Be("高级工程师; 调离");

        (await ProblemAsync(await Admin.PostAsJsonAsync($"/api/experts/{expert}/declared-conflicts", new { organisationId = org }), HttpStatusCode.BadRequest))["errors"]!["reason"].Should().NotBeNull();
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{expert}/declared-conflicts", new { organisationId = org, reason = "前雇主" }));
        var declared = await Auditor.GetFromJsonAsync<JsonArray>($"/api/experts/{expert}/declared-conflicts");
        declared!.Single()!["source"]!.GetValue<string>().Should().Be("SelfDeclared");
    }

    [Fact]
    public async Task Projects_round_trip_with_parties_and_preparers_and_codes_are_unique()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var org = await CreateOrganisationAsync("申请单位" + TestData.Suffix());
        var expert = await ActiveExpertAsync(r, "准备人");
        var code = "XM-2026-" + TestData.Suffix();
        var created = await Ok(Admin.PostAsJsonAsync("/api/projects", ProjectBody(code, region: r.City1, parties: [new { organisationId = org, role = "Applicant" }], preparers: [new { expertId = expert, note = "出具检测报告" }])));
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        body["reviewDate"]!.GetValue<string>().Should().Be("2026-12-02");
        body["parties"]![0]!["role"]!.GetValue<string>().Should().Be("Applicant");
        body["preparers"]![0]!["expertName"]!.GetValue<string>().Should().Be("准备人");

        await ProblemAsync(await Admin.PostAsJsonAsync("/api/projects", ProjectBody(code.ToLowerInvariant())), HttpStatusCode.Conflict);
        var bad = await Admin.PostAsJsonAsync("/api/projects", new { code = "x", engagementType = "Party", place = "", parties = new[] { new { organisationId = Guid.NewGuid(), role = "Applicant" } } });
        (await ProblemAsync(bad, HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo("code", "name", "engagementType", "reviewStartsAt", "place");
        // A party's role decides which rules follow it (the cooldown follows the applicant): none is assumed.
        var roleless = await Admin.PostAsJsonAsync("/api/projects", ProjectBody("XM-2026-" + TestData.Suffix(), parties: [new { organisationId = org }, new { role = "Partner" }], preparers: [new { note = "无人" }]));
        (await ProblemAsync(roleless, HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key)
            .Should().BeEquivalentTo("parties[0].role", "parties[1].organisationId", "preparers[0].expertId");

        var updated = await Ok(PutProjectAsync(body["id"]!, ProjectBody(code, parties: [new { organisationId = org, role = "Partner" }])));
        var u = (await updated.Content.ReadFromJsonAsync<JsonObject>())!;
        u["parties"]![0]!["role"]!.GetValue<string>().Should().Be("Partner");
        u["preparers"]!.AsArray().Should().BeEmpty();

        // A body without "parties" or "preparers" keeps them: they are the conflict rules' evidence.
        await Ok(PutProjectAsync(body["id"]!, ProjectBody(code, preparers: [new { expertId = expert, note = "出具检测报告" }], parties: [new { organisationId = org, role = "Applicant" }])));
        var partial = JsonNode.Parse(JsonSerializer.Serialize(ProjectBody(code)))!.AsObject();
        partial.Remove("parties");
        partial.Remove("preparers");
        partial["place"] = "只改地点";
        var kept = (await (await Ok(PutProjectAsync(body["id"]!, partial))).Content.ReadFromJsonAsync<JsonObject>())!;
        kept["place"]!.GetValue<string>().Should().Be("只改地点");
        kept["parties"]!.AsArray().Select(p => p!["organisationId"]!.GetValue<string>()).Should().Equal(org.ToString());
        kept["parties"]![0]!["role"]!.GetValue<string>().Should().Be("Applicant");
        kept["preparers"]!.AsArray().Select(p => p!["note"]!.GetValue<string>()).Should().Equal("出具检测报告");
    }

    [Fact]
    public async Task Updating_a_project_needs_the_etag_of_the_copy_edited_and_a_stale_copy_changes_nothing()
    {
        if (NotConfigured) return;
        var code = "XM-2026-" + TestData.Suffix();
        var created = await Ok(Admin.PostAsJsonAsync("/api/projects", ProjectBody(code)));
        created.Headers.ETag!.Tag.Should().Be("\"v1\"");
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var first = JsonNode.Parse(JsonSerializer.Serialize(ProjectBody(code)))!.AsObject();
        first["place"] = "第一位管理员的修改";
        var second = JsonNode.Parse(JsonSerializer.Serialize(ProjectBody(code)))!.AsObject();
        second["place"] = "第二位管理员的修改";

        async Task<HttpResponseMessage> PutAsync(JsonObject body, string? ifMatch)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/projects/{id}") { Content = JsonContent.Create(body) };
            if (ifMatch is not null)
                put.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return await Admin.SendAsync(put);
        }

        await ProblemAsync(await PutAsync(first, null), HttpStatusCode.PreconditionRequired);
        (await ProblemAsync(await PutAsync(first, "v1"), HttpStatusCode.BadRequest))["errors"]!["If-Match"].Should().NotBeNull();
        var ok = await Ok(PutAsync(first, "\"v1\""));
        ok.Headers.ETag!.Tag.Should().Be("\"v2\"");
        (await ok.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>().Should().Be(2);

        // The second administrator still holds version 1: refused, and the first one's edit stays.
        await ProblemAsync(await PutAsync(second, "\"v1\""), HttpStatusCode.PreconditionFailed);
        // A weak tag never matches; a list matches if one of its tags does; "*" is whatever is current.
        await ProblemAsync(await PutAsync(second, "W/\"v2\""), HttpStatusCode.PreconditionFailed);
        var read = await Ok(Admin.GetAsync($"/api/projects/{id}"));
        read.Headers.ETag!.Tag.Should().Be("\"v2\"");
        (await read.Content.ReadFromJsonAsync<JsonObject>())!["place"]!.GetValue<string>().Should().Be("第一位管理员的修改");
        (await Ok(PutAsync(second, "\"v1\", \"v2\""))).Headers.ETag!.Tag.Should().Be("\"v3\"");
        (await Ok(PutAsync(first, "*"))).Headers.ETag!.Tag.Should().Be("\"v4\"");
    }

    [Fact]
    public async Task The_cooldown_follows_the_applicants_unit_into_another_party_record_that_shares_its_name()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var name = "同一单位" + TestData.Suffix();
        var applicant = await CreateOrganisationAsync(name);
        // The same unit registered again under another name, with the applicant's name as alias, and listed as a partner.
        var partner = await CreateOrganisationAsync("另一名称" + TestData.Suffix(), aliases: [name]);
        var reviewer = await ActiveExpertAsync(r, "评过该单位的项目");
        var control = await ActiveExpertAsync(r, "对照");
        var earlier = await CreateProjectAsync(parties: [new { organisationId = partner, role = "Applicant" }]);
        await using (var db = Factory.Database.CreateContext())
        {
            db.ExpertEngagements.Add(ExpertEngagement.Confirm(reviewer, earlier, null, partner, new DateOnly(2026, 8, 1), new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc)));
            await db.SaveChangesAsync();
        }
        var later = await CreateProjectAsync(parties: [new { organisationId = applicant, role = "Applicant" }, new { organisationId = partner, role = "Partner" }]);

        var reasons = ReasonsByExpert(await CheckedEligibilityAsync(await ScheduleAsync(later, new { specialtyCode = r.Leaf1, count = 1, backups = 0 })));

        reasons.Should().ContainKey(Id(reviewer));
        reasons[Id(reviewer)].Should().ContainSingle(x => x.StartsWith("cooldown:", StringComparison.Ordinal))
            .Which.Should().Contain("2026-08-01").And.Contain($"即 {name}").And.Contain("申请单位");
        reasons.Should().NotContainKey(Id(control));
    }

    [Fact]
    public async Task The_cooldown_follows_every_applicant_of_an_earlier_project_not_only_the_first()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var first = await CreateOrganisationAsync("联合申请甲" + TestData.Suffix());
        var second = await CreateOrganisationAsync("联合申请乙" + TestData.Suffix());
        var reviewer = await ActiveExpertAsync(r, "评过联合项目");
        var control = await ActiveExpertAsync(r, "对照");
        var joint = await CreateProjectAsync(parties: [new { organisationId = first, role = "Applicant" }, new { organisationId = second, role = "Applicant" }]);
        await using (var db = Factory.Database.CreateContext())
        {
            // What a confirmation stores: one engagement, with one applicant of the project.
            db.ExpertEngagements.Add(ExpertEngagement.Confirm(reviewer, joint, null, first, new DateOnly(2026, 8, 1), new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc)));
            await db.SaveChangesAsync();
        }

        foreach (var applicants in new[] { new[] { second }, new[] { first }, new[] { first, second } })
        {
            var later = await CreateProjectAsync(parties: applicants.Select(a => (object)new { organisationId = a, role = "Applicant" }).ToArray());
            var request = await ScheduleAsync(later, new { specialtyCode = r.Leaf1, count = 1, backups = 0 });
            var reasons = ReasonsByExpert(await CheckedEligibilityAsync(request));
            reasons.Should().ContainKey(Id(reviewer));
            reasons[Id(reviewer)].Should().ContainSingle("one engagement gives one reason").Which.Should().StartWith("cooldown:").And.Contain("2026-08-01");
            reasons.Should().NotContainKey(Id(control));
        }

        // An engagement on the very project being drawn (a seat of its earlier draw) is no earlier review of its applicant.
        var same = ReasonsByExpert(await CheckedEligibilityAsync(await ScheduleAsync(joint, new { specialtyCode = r.Leaf1, count = 1, backups = 0 })));
        same.Should().NotContainKey(Id(reviewer));
    }

    [Fact]
    public async Task Changing_an_experts_employer_keeps_the_old_employment_for_the_labour_look_back()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var oldName = "老东家检测公司" + TestData.Suffix();
        var oldCode = TestData.CreditCode();
        var oldEmployer = await CreateOrganisationAsync(oldName, creditCode: oldCode);
        var mover = await ActiveExpertAsync(r, "昨日跳槽", employer: oldName, creditCode: oldCode);

        var current = await Admin.GetAsync($"/api/experts/{mover}");
        var body = (await current.Content.ReadFromJsonAsync<JsonObject>())!;
        var update = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r, name: "昨日跳槽", employer: "新单位" + TestData.Suffix())))!.AsObject();
        foreach (var field in new[] { "idNumber", "email", "phone", "gender", "birthYear" })
            update[field] = body[field]?.DeepClone();
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/experts/{mover}") { Content = JsonContent.Create(update) };
        put.Headers.IfMatch.Add(current.Headers.ETag!);
        await Ok(Admin.SendAsync(put));

        var relations = await Admin.GetFromJsonAsync<JsonArray>($"/api/experts/{mover}/relations");
        var kept = relations!.Single(x => x!["organisationId"]!.GetValue<string>() == oldEmployer.ToString());
        kept!["kind"]!.GetValue<string>().Should().Be("Employment");
        kept["to"]!.GetValue<string>().Should().Be(Project.ReviewDateOf(Factory.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd"), "the date in China");

        // Back to the old employer and away again the same day: still one record of that employment.
        foreach (var (employerName, code) in new[] { (oldName, oldCode), ("又一新单位" + TestData.Suffix(), TestData.CreditCode()) })
        {
            var now = await Admin.GetAsync($"/api/experts/{mover}");
            update["employerName"] = employerName;
            update["employerCreditCode"] = code;
            var again = new HttpRequestMessage(HttpMethod.Put, $"/api/experts/{mover}") { Content = JsonContent.Create(update) };
            again.Headers.IfMatch.Add(now.Headers.ETag!);
            await Ok(Admin.SendAsync(again));
        }
        (await Admin.GetFromJsonAsync<JsonArray>($"/api/experts/{mover}/relations"))!
            .Count(x => x!["organisationId"]!.GetValue<string>() == oldEmployer.ToString()).Should().Be(1);

        var project = await CreateProjectAsync(parties: [new { organisationId = oldEmployer, role = "Applicant" }]);
        var request = await ScheduleAsync(project, new { specialtyCode = r.Leaf1, count = 1, backups = 0 });
        var reasons = ReasonsByExpert(await CheckedEligibilityAsync(request));
        reasons[Id(mover)].Should().ContainSingle().Which.Should().StartWith("labour-relation:", "they left the applicant today, well within 3 years");
    }

    [Fact]
    public async Task The_cooldown_evidence_names_the_applicant_for_its_own_record_its_twins_and_a_shared_project()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var name = "探针申请" + TestData.Suffix();
        var partnerName = "探针合作" + TestData.Suffix();
        var applicant = await CreateOrganisationAsync(name);
        var partner = await CreateOrganisationAsync(partnerName);
        var twin = await CreateOrganisationAsync("探针别名" + TestData.Suffix(), aliases: [name]);
        // Same name as the applicant, and the partner's name as alias: shares a name with both parties, counts as the applicant's unit.
        var both = await CreateOrganisationAsync(name, aliases: [partnerName]);
        var outsider = await CreateOrganisationAsync("探针无关" + TestData.Suffix());
        var plain = await ActiveExpertAsync(r, "评过申请方");
        var viaTwin = await ActiveExpertAsync(r, "评过别名记录");
        var viaBoth = await ActiveExpertAsync(r, "评过双名记录");
        var viaShared = await ActiveExpertAsync(r, "评过联合项目");
        var partnerOnly = await ActiveExpertAsync(r, "评过合作方");
        var control = await ActiveExpertAsync(r, "对照");
        var p1 = await CreateProjectAsync(parties: [new { organisationId = applicant, role = "Applicant" }]);
        var p2 = await CreateProjectAsync(parties: [new { organisationId = twin, role = "Applicant" }]);
        var p3 = await CreateProjectAsync(parties: [new { organisationId = both, role = "Applicant" }]);
        var p4 = await CreateProjectAsync(parties: [new { organisationId = outsider, role = "Applicant" }, new { organisationId = twin, role = "Applicant" }]);
        var p5 = await CreateProjectAsync(parties: [new { organisationId = partner, role = "Applicant" }]);
        var at = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        await using (var db = Factory.Database.CreateContext())
        {
            db.ExpertEngagements.Add(ExpertEngagement.Confirm(plain, p1, null, applicant, new DateOnly(2026, 8, 1), at));
            db.ExpertEngagements.Add(ExpertEngagement.Confirm(viaTwin, p2, null, twin, new DateOnly(2026, 8, 2), at));
            db.ExpertEngagements.Add(ExpertEngagement.Confirm(viaBoth, p3, null, both, new DateOnly(2026, 8, 3), at));
            db.ExpertEngagements.Add(ExpertEngagement.Confirm(viaShared, p4, null, outsider, new DateOnly(2026, 8, 4), at));
            db.ExpertEngagements.Add(ExpertEngagement.Confirm(partnerOnly, p5, null, partner, new DateOnly(2026, 8, 5), at));
            await db.SaveChangesAsync();
        }
        var later = await CreateProjectAsync(parties: [new { organisationId = partner, role = "Partner" }, new { organisationId = applicant, role = "Applicant" }]);
        var report = await CheckedEligibilityAsync(await ScheduleAsync(later, new { specialtyCode = r.Leaf1, count = 1, backups = 0 }));
        var reasons = ReasonsByExpert(report);
        // The report names the records each party was matched with, and by which of its names.
        var units = report["parties"]!.AsArray().ToDictionary(x => x!["organisationId"]!.GetValue<string>(),
            x => x!["sameUnitRecords"]!.AsArray().Select(u => (Id: u!["organisationId"]!.GetValue<string>(), Names: string.Join("|", u["matchedNames"]!.AsArray().Select(n => n!.GetValue<string>())))).ToList());
        units.Keys.Should().BeEquivalentTo(Id(applicant), Id(partner));
        units[Id(applicant)].Should().Equal(new[] { (Id(twin), name), (Id(both), name) }.OrderBy(u => u.Item1, StringComparer.Ordinal));
        units[Id(partner)].Should().Equal((Id(both), partnerName));
        reasons[Id(plain)].Should().ContainSingle(x => x.StartsWith("cooldown:", StringComparison.Ordinal)).Which.Should().Contain($"{name}（申请单位）").And.NotContain("即");
        reasons[Id(viaTwin)].Should().ContainSingle(x => x.StartsWith("cooldown:", StringComparison.Ordinal)).Which.Should().Contain($"即 {name}，同名或别名；申请单位");
        reasons[Id(viaBoth)].Should().ContainSingle(x => x.StartsWith("cooldown:", StringComparison.Ordinal)).Which.Should().Contain($"即 {name}，同名或别名；申请单位");
        reasons[Id(viaShared)].Should().ContainSingle(x => x.StartsWith("cooldown:", StringComparison.Ordinal)).Which.Should().Contain($"即 {name}，同名或别名；申请单位");
        reasons.Should().NotContainKey(Id(partnerOnly));
        reasons.Should().NotContainKey(Id(control));
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static string Id(Guid id) => id.ToString("D");

    /// <summary>
    /// The eligibility report, after checking that the rules stated a second way, as one plain SQL statement
    /// (<see cref="EligiblePoolsQuery"/>, the draw benchmark's bare query), give every quota the same eligible ids.
    /// </summary>
    private async Task<JsonObject> CheckedEligibilityAsync(Guid request)
    {
        var report = await EligibilityAsync(request);
        await using var db = Factory.Database.CreateContext();
        var pools = await EligiblePoolsQuery.ReadAsync(db, request, CancellationToken.None);
        var quotas = report["quotas"]!.AsArray();
        pools.Keys.Should().BeEquivalentTo(quotas.Select(q => q!["key"]!.GetValue<string>()));
        foreach (var quota in quotas)
        {
            var key = quota!["key"]!.GetValue<string>();
            pools[key].Select(Id).Order(StringComparer.Ordinal).Should().Equal(
                quota["eligibleExpertIds"]!.AsArray().Select(x => x!.GetValue<string>()), $"quota {key}: one SQL statement and the evaluation agree");
        }
        return report;
    }

    private static Dictionary<string, List<string>> ReasonsByExpert(JsonObject report) =>
        report["exclusions"]!.AsArray().ToDictionary(
            x => x!["expertId"]!.GetValue<string>(),
            x => x!["reasons"]!.AsArray().Select(y => $"{y!["rule"]!.GetValue<string>()}: {y["evidence"]!.GetValue<string>()}").ToList());
}

public sealed class SqliteConflictsApiTests(SqliteApiFactory factory, ITestOutputHelper output) : ConflictsApiTests<SqliteApiFactory>(factory, output);

public sealed class PostgresConflictsApiTests(PostgresApiFactory factory, ITestOutputHelper output) : ConflictsApiTests<PostgresApiFactory>(factory, output);
