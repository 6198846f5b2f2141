using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Draws.Algorithm;
using ExpertPool.Tests.Domain;
using ExpertPool.Tests.Fixtures;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Api;

/// <summary>Executing draws, the append-only record, verification, sealing and statistics. Runs once per provider.</summary>
public abstract class DrawsApiTests<TFactory> : ApiTestBase<TFactory>
    where TFactory : ExpertPoolApiFactory
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 1, 0, 0, TimeSpan.Zero);

    protected DrawsApiTests(TFactory factory, ITestOutputHelper output) : base(factory, output)
    {
        factory.Clock.Set(Start);
    }

    private async Task<(Reference R, Guid Request, List<Guid> Experts)> ScheduledPanelAsync(int experts = 9, int count = 5, int backups = 2)
    {
        var r = await CreateReferenceAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < experts; i++)
            ids.Add(await ActiveExpertAsync(r, $"专家{i}号"));
        var project = await CreateProjectAsync();
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count, backups });
        return (r, request, ids);
    }

    private void AtDrawTime() => Factory.Clock.Set(DrawAt);

    /// <summary>At the draw time: the supervisor's entropy, then the draw.</summary>
    private async Task<JsonObject> DrawAtDrawTimeAsync(Guid request, string entropy)
    {
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = entropy }));
        return await DrawAsync(request);
    }

    private async Task<JsonObject> DrawAsync(Guid request)
    {
        var response = await Admin.PostAsync($"/api/panel-requests/{request}/draw", null);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task A_draw_reveals_the_committed_nonce_fills_members_and_ranked_backups_and_verifies()
    {
        if (NotConfigured) return;
        var (_, request, experts) = await ScheduledPanelAsync();
        var scheduled = await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}");
        var commitment = scheduled!["commitment"]!.GetValue<string>();
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "福彩3D 2026320期", value = "5 8 1" }));

        var draw = await DrawAsync(request);

        draw["outcome"]!.GetValue<string>().Should().Be("Succeeded");
        draw["commitment"]!.GetValue<string>().Should().Be(commitment);
        var nonce = Convert.FromHexString(draw["nonce"]!.GetValue<string>());
        nonce.Should().HaveCount(32);
        var selections = draw["selections"]!.AsArray();
        selections.Where(s => s!["role"]!.GetValue<string>() == "Member").Select(s => s!["rank"]!.GetValue<int>()).Should().Equal(1, 2, 3, 4, 5);
        selections.Where(s => s!["role"]!.GetValue<string>() == "Backup").Select(s => s!["rank"]!.GetValue<int>()).Should().Equal(1, 2);
        selections.Select(s => Guid.Parse(s!["expertId"]!.GetValue<string>())).Should().OnlyHaveUniqueItems().And.BeSubsetOf(experts);
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}"))!["status"]!.GetValue<string>().Should().Be("Drawn");

        var verify = await Ok(Auditor.PostAsync($"/api/draws/{draw["id"]}/verify", null));
        var result = (await verify.Content.ReadFromJsonAsync<JsonObject>())!;
        result["matches"]!.GetValue<bool>().Should().BeTrue(result.ToJsonString());
        result["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).Should().Contain(["documentSha256", "publishedCommitment", "storedSelections"]);
        // Auditors read the result in Chinese first: a summary and what each check establishes.
        result["summary"]!.GetValue<string>().Should().StartWith("核验通过：").And.Contain(" / Verified: ");
        result["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "publishedCommitment")!["description"]!.GetValue<string>()
            .Should().Be("记录中的承诺值就是安排抽取时公布的承诺值 / the record's commitment is the one published when the draw was scheduled");
    }

    [Fact]
    public async Task Registry_changes_between_the_entropy_and_the_draw_are_listed_with_where_each_expert_stands()
    {
        if (NotConfigured) return;
        var (r, request, experts) = await ScheduledPanelAsync(experts: 9, count: 3, backups: 1);
        var movedBody = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r, name: "调出专家", employer: "单位" + TestData.Suffix())))!.AsObject();
        var moved = Guid.Parse((await CreateExpertAsync(movedBody))["id"]!.GetValue<string>());
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{moved}/status", new { status = "Active", reason = "审核通过" }));
        var org = await CreateOrganisationAsync("某检测公司" + TestData.Suffix());
        var (suspended, related, early, late) = (experts[0], experts[1], experts[2], experts[3]);

        // Before the entropy: not in the window, since nobody could compute the panel yet.
        Factory.Clock.Set(DrawAt.AddMinutes(17));
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{early}/status", new { status = "Suspended", reason = "窗口之前" }));
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "4 4 7" }));
        var entered = Factory.Clock.GetUtcNow().UtcDateTime;

        // Inside it: a suspension (excluded by the status rule), a relation that excludes nobody, and a specialty moved
        // out of the quota's subtree (no longer a candidate at all).
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{suspended}/status", new { status = "Suspended", reason = "临时暂停" }));
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await AddRelationAsync(related, org, "Employment", "2010-01-01", "2012-12-31");
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        movedBody["specialtyCodes"] = new JsonArray(r.Other);
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/experts/{moved}") { Content = JsonContent.Create(movedBody) })
        {
            put.Headers.TryAddWithoutValidation("If-Match", "*");
            await Ok(Admin.SendAsync(put));
        }
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        var draw = await DrawAsync(request);
        var drawnAt = Factory.Clock.GetUtcNow().UtcDateTime;
        // After the draw: not in the window either.
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{late}/status", new { status = "Suspended", reason = "抽取之后" }));

        var url = $"/api/audit/draws/{draw["id"]}/registry-changes";
        var report = (await Admin.GetFromJsonAsync<JsonObject>(url))!;
        report["from"]!.GetValue<DateTime>().Should().Be(entered);
        report["to"]!.GetValue<DateTime>().Should().Be(drawnAt);
        report["sealed"]!.GetValue<bool>().Should().BeFalse();
        var changes = report["changes"]!.AsArray().Select(c => c!.AsObject()).ToList();
        changes.Select(c => (c["kind"]!.GetValue<string>(), Guid.Parse(c["expertId"]!.GetValue<string>()))).Should().Equal(
            ("StatusChanged", suspended), ("RelationRecorded", related), ("ExpertEdited", moved));
        changes.Select(c => c["actor"]!.GetValue<string>()).Should().AllBe("admin");
        changes[0]["description"]!.GetValue<string>().Should().Be("状态由「在库」改为「暂停」：临时暂停 / status Active → Suspended: 临时暂停");
        changes[2]["fields"]!.AsArray().Select(f => f!.GetValue<string>()).Should().Equal("specialtyCodes");
        changes[2]["description"]!.GetValue<string>().Should().StartWith("登记信息变更：专业（第 ").And.Contain("）/ registry edit: specialtyCodes (version ");
        changes[1]["organisationId"]!.GetValue<Guid>().Should().Be(org);

        // Where each stands: the suspended one excluded, the moved one no candidate, the related one wherever the draw put them.
        var drawn = draw["selections"]!.AsArray().ToDictionary(s => Guid.Parse(s!["expertId"]!.GetValue<string>()), s => s!["role"]!.GetValue<string>());
        changes[0]["placeInDraw"]!.GetValue<string>().Should().Be("Excluded");
        changes[1]["placeInDraw"]!.GetValue<string>().Should().Be(drawn.GetValueOrDefault(related, "Eligible"));
        changes[2]["placeInDraw"]!.GetValue<string>().Should().Be("NotCandidate");
        report["changedExperts"]!.GetValue<int>().Should().Be(3);
        report["changedCandidates"]!.GetValue<int>().Should().Be(2);
        report["summary"]!.GetValue<string>().Should().StartWith("外部随机数录入（").And.Contain("登记库有 3 项变更，涉及 3 名专家，其中 2 名是本次抽取的候选专家 / 3 registry changes");

        // An auditor before the review sees the changes, not where the experts stand in the still sealed panel.
        var sealedReport = (await Auditor.GetFromJsonAsync<JsonObject>(url))!;
        sealedReport["sealed"]!.GetValue<bool>().Should().BeTrue();
        sealedReport["changes"]!.AsArray().Should().HaveCount(3).And.OnlyContain(c => c!["placeInDraw"] == null);
        sealedReport["changedCandidates"].Should().BeNull();
        sealedReport["summary"]!.GetValue<string>().Should().Contain("评审开始前不显示其在本次抽取中的位置").And.NotContain("候选专家");
        Factory.Clock.Set(ReviewStartsAt);
        (await Auditor.GetFromJsonAsync<JsonObject>(url))!["changes"]![0]!["placeInDraw"]!.GetValue<string>().Should().Be("Excluded");

        (await Auditor.GetAsync($"/api/audit/draws/{Guid.NewGuid()}/registry-changes")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // A record that cannot be read: a clear refusal, not a server error.
        await WithDamagedRecordAsync(Guid.Parse(draw["id"]!.GetValue<string>()), async _ =>
            (await ProblemAsync(await Admin.GetAsync(url), HttpStatusCode.Conflict))["detail"]!.GetValue<string>().Should().Contain("cannot be read"));
    }

    [Fact]
    public async Task Registry_changes_in_the_window_withhold_a_conflict_declared_on_declining_another_sealed_panel()
    {
        if (NotConfigured) return;
        var rb = await CreateReferenceAsync();
        for (var i = 0; i < 3; i++) await ActiveExpertAsync(rb, $"乙项目专家{i}号");
        var applicant = await CreateOrganisationAsync("申请单位" + TestData.Suffix());
        var projectB = await CreateProjectAsync(parties: [new { organisationId = applicant, role = "Applicant" }]);
        var requestB = await ScheduleAsync(projectB, new { specialtyCode = rb.Root, count = 1, backups = 1 });
        var (_, requestA, _) = await ScheduledPanelAsync(experts: 3, count: 1, backups: 0);
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{requestA}/entropy", new { source = "supervisor", value = "1" }));
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{requestB}/entropy", new { source = "supervisor", value = "2" }));
        var drawB = await DrawAsync(requestB);
        var drawBId = Guid.Parse(drawB["id"]!.GetValue<string>());
        var member = Guid.Parse(drawB["selections"]!.AsArray().First(x => x!["role"]!.GetValue<string>() == "Member")!["expertId"]!.GetValue<string>());

        // B's member declines, naming B's applicant: a declared conflict made inside A's window, which says who B drew.
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
            var invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.DrawRecordId == drawBId && i.ExpertId == member);
            await scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Invitations.InvitationService>()
                .DeclineAsync(invitation.Id, ExpertPool.Domain.Invitations.DeclineKind.Conflict, "曾为申请单位提供咨询", applicant, CancellationToken.None);
        }
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        var drawA = await DrawAsync(requestA);
        var url = $"/api/audit/draws/{drawA["id"]}/registry-changes";

        // The auditor, before B's review: the change is counted as withheld, not shown.
        var report = (await Auditor.GetFromJsonAsync<JsonObject>(url))!;
        report["changes"]!.AsArray().Should().NotContain(c => c!["expertId"] != null && c["expertId"]!.GetValue<Guid>() == member);
        report.ToJsonString().Should().NotContain(member.ToString()).And.NotContain("曾为申请单位提供咨询");
        report["withheldChanges"]!.GetValue<int>().Should().Be(1);
        report["changedExperts"]!.GetValue<int>().Should().Be(report["changes"]!.AsArray().Select(c => c!["expertId"]?.GetValue<Guid>()).Where(e => e is not null).Distinct().Count());
        report["summary"]!.GetValue<string>().Should().Contain("其中 1 项涉及评审尚未开始的其他抽取").And.Contain("1 of them concern a panel still sealed");

        // The administrator sees it; so does the auditor once the reviews have started.
        var full = (await Admin.GetFromJsonAsync<JsonObject>(url))!;
        full["withheldChanges"]!.GetValue<int>().Should().Be(0);
        full["changes"]!.AsArray().Should().ContainSingle(c => c!["kind"]!.GetValue<string>() == "ConflictDeclared" && c["expertId"]!.GetValue<Guid>() == member);
        Factory.Clock.Set(ReviewStartsAt);
        var opened = (await Auditor.GetFromJsonAsync<JsonObject>(url))!;
        opened["withheldChanges"]!.GetValue<int>().Should().Be(0);
        opened["changes"]!.AsArray().Should().ContainSingle(c => c!["kind"]!.GetValue<string>() == "ConflictDeclared" && c["expertId"]!.GetValue<Guid>() == member)
            .Which!["placeInDraw"]!.GetValue<string>().Should().Be("NotCandidate", "A's quota is another specialty tree");
    }

    /// <param name="reply">How B's member answered: "confirm" (an engagement, so C's cooldown names B) or "decline-conflict"
    /// (a conflict with the applicant declared on declining B's invitation, so C's declared-conflict evidence names B).</param>
    [Theory]
    [InlineData("confirm", "cooldown")]
    [InlineData("decline-conflict", "declared-conflict")]
    public async Task A_record_whose_exclusion_evidence_names_another_sealed_panel_is_exported_to_auditors_only_once_that_review_starts(string reply, string rule)
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 3; i++) await ActiveExpertAsync(r, $"冷却期专家{i}号");
        var applicant = await CreateOrganisationAsync("申请单位" + TestData.Suffix());
        var parties = new object[] { new { organisationId = applicant, role = "Applicant" } };
        // B is drawn before C but reviewed twelve hours after it: its panel stays sealed after C's review has started.
        var laterReview = ReviewStartsAt.AddHours(12);
        var bDrawAt = DrawAt.AddHours(-11);
        var bBody = JsonNode.Parse(JsonSerializer.Serialize(ProjectBody("XM-2026-" + TestData.Suffix(), parties: parties)))!.AsObject();
        bBody["reviewStartsAt"] = laterReview;
        var projectB = Guid.Parse((await (await Ok(Admin.PostAsJsonAsync("/api/projects", bBody))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        var requestB = Guid.Parse((await (await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = projectB, quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 0 } },
            scheduledDrawAt = bDrawAt, replyDeadline = ReplyBy, supervisorName = "李监督",
        }))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        Factory.Clock.Set(bDrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{requestB}/entropy", new { source = "supervisor", value = "11 22 33" }));
        var drawB = await DrawAsync(requestB);
        var drawBId = Guid.Parse(drawB["id"]!.GetValue<string>());
        var member = Guid.Parse(drawB["selections"]![0]!["expertId"]!.GetValue<string>());
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
            var invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.DrawRecordId == drawBId && i.ExpertId == member);
            var invitations = scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Invitations.InvitationService>();
            if (reply == "confirm")
                await invitations.ConfirmAsync(invitation.Id, CancellationToken.None);
            else
                await invitations.DeclineAsync(invitation.Id, ExpertPool.Domain.Invitations.DeclineKind.Conflict, "曾为申请单位提供咨询", applicant, CancellationToken.None);
        }

        // C, same applicant: B's member is excluded, and that evidence names B. An edit of the member inside C's entropy
        // window puts them in C's registry-change listing too.
        var requestC = await ScheduleAsync(await CreateProjectAsync(parties: parties), new { specialtyCode = r.Root, count = 1, backups = 0 });
        var unrelated = await CreateOrganisationAsync("无关单位" + TestData.Suffix());
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{requestC}/entropy", new { source = "supervisor", value = "44 55 66" }));
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await AddRelationAsync(member, unrelated, "Director", "2020-01-01", null);
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        var drawC = await DrawAsync(requestC);
        var changesUrl = $"/api/audit/draws/{drawC["id"]}/registry-changes";
        JsonObject MemberChange(JsonObject report) => report["changes"]!.AsArray().Single(c => c!["expertId"] is { } e && e.GetValue<Guid>() == member)!.AsObject();
        var url = $"/api/draws/{drawC["id"]}/record";
        var exported = JsonNode.Parse(await (await Ok(Admin.GetAsync(url))).Content.ReadAsStringAsync())!;
        var reason = exported["context"]!["exclusions"]!.AsArray().Single(x => x!["expertId"]!.GetValue<Guid>() == member)!["reasons"]!.AsArray().Single()!;
        reason["rule"]!.GetValue<string>().Should().Be(rule);
        reason["projectId"]!.GetValue<Guid>().Should().Be(projectB);

        // C's review has started, B's has not: the auditor may verify C, not export it.
        Factory.Clock.Set(ReviewStartsAt);
        var refused = await Auditor.GetAsync(url);
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var problem = await refused.Content.ReadAsStringAsync();
        problem.Should().Contain("记录涉及其他尚未开始评审的项目").And.Contain("1 个评审尚未开始的其他项目").And.NotContain(member.ToString());
        var verified = (await (await Ok(Auditor.PostAsync($"/api/draws/{drawC["id"]}/verify", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        verified["matches"]!.GetValue<bool>().Should().BeTrue();
        (await Auditor.GetFromJsonAsync<JsonObject>($"/api/draws/{drawC["id"]}"))!["sealed"]!.GetValue<bool>().Should().BeFalse();
        // Nor does the registry-change listing say where anyone stands in C: hiding only B's member would point at them.
        var listing = (await Auditor.GetFromJsonAsync<JsonObject>(changesUrl))!;
        listing["sealed"]!.GetValue<bool>().Should().BeTrue();
        listing["changes"]!.AsArray().Should().OnlyContain(c => c!["placeInDraw"] == null);
        listing["changedCandidates"].Should().BeNull();
        listing["summary"]!.GetValue<string>().Should().Contain("本次抽取的回避依据涉及评审尚未开始的其他项目");
        MemberChange(listing)["placeInDraw"].Should().BeNull();
        MemberChange((await Admin.GetFromJsonAsync<JsonObject>(changesUrl))!)["placeInDraw"]!.GetValue<string>().Should().Be("Excluded");

        Factory.Clock.Set(laterReview);
        (await Ok(Auditor.GetAsync(url))).StatusCode.Should().Be(HttpStatusCode.OK);
        MemberChange((await Auditor.GetFromJsonAsync<JsonObject>(changesUrl))!)["placeInDraw"]!.GetValue<string>().Should().Be("Excluded");
    }

    [Fact]
    public async Task Registry_changes_window_excludes_a_change_at_the_entropy_instant_and_includes_one_at_the_draw_instant()
    {
        if (NotConfigured) return;
        var (_, request, experts) = await ScheduledPanelAsync(experts: 6, count: 2, backups: 0);
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "9 9 1" }));
        var entered = Factory.Clock.GetUtcNow().UtcDateTime;
        // Same instant as the entropy: the panel was not computable before it, so the window (from, to] leaves it out.
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{experts[0]}/status", new { status = "Suspended", reason = "录入同时" }));
        Factory.Clock.Advance(TimeSpan.FromSeconds(30));
        // Same instant as the draw, made just before it: it could aim at the draw, so it is in.
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{experts[1]}/status", new { status = "Suspended", reason = "抽取同时" }));
        var draw = await DrawAsync(request);
        var drawnAt = Factory.Clock.GetUtcNow().UtcDateTime;

        var report = (await Admin.GetFromJsonAsync<JsonObject>($"/api/audit/draws/{draw["id"]}/registry-changes"))!;
        report["from"]!.GetValue<DateTime>().Should().Be(entered);
        report["to"]!.GetValue<DateTime>().Should().Be(drawnAt);
        // (Other tests share the database and its clock times: only this panel's experts are looked at.)
        report["changes"]!.AsArray().Where(c => c!["expertId"] is { } e && experts.Contains(e.GetValue<Guid>()))
            .Select(c => (c!["expertId"]!.GetValue<Guid>(), c["placeInDraw"]!.GetValue<string>()))
            .Should().Equal((experts[1], "Excluded"));
    }

    [Fact]
    public async Task A_draw_made_at_the_moment_its_entropy_was_entered_has_no_window_for_registry_changes()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync(experts: 4, count: 2, backups: 0);
        var draw = await DrawAtDrawTimeAsync(request, "0 1 2");

        var report = (await Auditor.GetFromJsonAsync<JsonObject>($"/api/audit/draws/{draw["id"]}/registry-changes"))!;
        report["from"]!.GetValue<DateTime>().Should().Be(report["to"]!.GetValue<DateTime>());
        report["changes"]!.AsArray().Should().BeEmpty();
        report["changedExperts"]!.GetValue<int>().Should().Be(0);
        report["summary"]!.GetValue<string>().Should().StartWith("外部随机数在抽取时才产生");
    }

    [Fact]
    public async Task The_exported_record_is_canonical_json_that_the_python_verifier_reproduces()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        var draw = await DrawAtDrawTimeAsync(request, "监督人 2026-11-30 🎲 7319");

        var exported = await Ok(Admin.GetAsync($"/api/draws/{draw["id"]}/record"));
        var json = await exported.Content.ReadAsStringAsync();
        json.Should().Contain("\"externalEntropy\":[{\"source\":\"supervisor\",\"value\":\"监督人 2026-11-30 🎲 7319\"}]");
        var file = Path.Combine(Path.GetTempPath(), $"draw-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            var (exit, output) = PythonVerifierTests.RunVerifier("--record", file);
            exit.Should().Be(0, output);

            // The export carries its stored SHA-256 (RFC 9530), which the draw showed from the start.
            var sha = Convert.ToHexStringLower(SHA256.HashData(await exported.Content.ReadAsByteArrayAsync()));
            exported.Headers.GetValues("Repr-Digest").Should().Equal($"sha-256=:{Convert.ToBase64String(Convert.FromHexString(sha))}:");
            draw["documentSha256"]!.GetValue<string>().Should().Be(sha);
            (exit, output) = PythonVerifierTests.RunVerifier("--record", file, "--sha256", sha);
            exit.Should().Be(0, output);
            output.Should().Contain("，文件 SHA-256 与公布值一致").And.Contain("document SHA-256 as published").And.Contain("consistent in itself");

            // With the commitment published at scheduling and the entropy announced at the draw, it was drawn from them.
            var published = (await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}"))!["commitment"]!.GetValue<string>();
            published.Should().Be(draw["commitment"]!.GetValue<string>());
            (exit, output) = PythonVerifierTests.RunVerifier("--record", file, "--sha256", sha, "--commitment", published, "--entropy", "监督人 2026-11-30 🎲 7319");
            exit.Should().Be(0, output);
            output.Should().Contain("drawn from the published commitment and entropy");
            (exit, output) = PythonVerifierTests.RunVerifier("--record", file, "--commitment", published, "--entropy", "7319");
            exit.Should().Be(1, output);
            output.Should().Contain("divergence at publishedEntropy");
            (exit, output) = PythonVerifierTests.RunVerifier("--record", file, "--sha256", "zz");
            exit.Should().Be(2, "a malformed hash is a usage error, not a mismatch: " + output);
            output.Should().Contain("64 hexadecimal characters");

            // The context is not an algorithm input: an edited one still re-derives, and only the published hash shows it.
            var edited = JsonNode.Parse(json)!.AsObject();
            edited["context"]!["supervisor"] = "王某";
            await File.WriteAllTextAsync(file, edited.ToJsonString());
            PythonVerifierTests.RunVerifier("--record", file).ExitCode.Should().Be(0, "the selection is still what the inputs give");
            (exit, output) = PythonVerifierTests.RunVerifier("--record", file, "--sha256", sha);
            exit.Should().Be(1, output);
            output.Should().Contain("首个不一致之处为 documentSha256（应当：文件的 SHA-256 摘要与公布的 documentSha256 一致）").And.Contain("divergence at documentSha256");

            var extra = JsonNode.Parse(json)!.AsObject();
            extra["note"] = "added later";
            await File.WriteAllTextAsync(file, extra.ToJsonString());
            (exit, output) = PythonVerifierTests.RunVerifier("--record", file);
            exit.Should().Be(1, output);
            output.Should().Contain("divergence at members").And.Contain("unknown note");
            var bare = JsonNode.Parse(json)!.AsObject();
            bare.Remove("context");
            await File.WriteAllTextAsync(file, bare.ToJsonString());
            PythonVerifierTests.RunVerifier("--record", file).ExitCode.Should().Be(0, "a record may carry no host data, as the service's reader allows");

            var node = JsonNode.Parse(json)!.AsObject();
            node["externalEntropy"]![0]!["value"] = "5 8 2";
            await File.WriteAllTextAsync(file, node.ToJsonString());
            PythonVerifierTests.RunVerifier("--record", file).ExitCode.Should().Be(1, "changed entropy must not verify");

            // Values Python would accept but the record's form tells apart: 1 for true, 1.0 for 1 (not an integer
            // literal, so the record is malformed: spec section 4), a nonce in capitals.
            var wrongTypes = new (string Where, Action<JsonObject> Change)[]
            {
                ("succeeded", n => n["succeeded"] = 1),
                ("malformed record: Malformed('members rank must be a JSON integer literal, got 1.0')", n => n["selection"]![0]!["members"]![0]!["rank"] = JsonNode.Parse("1.0")),
                ("nonce", n => n["nonce"] = n["nonce"]!.GetValue<string>().ToUpperInvariant()),
            };
            foreach (var (where, change) in wrongTypes)
            {
                var changed = JsonNode.Parse(json)!.AsObject();
                change(changed);
                await File.WriteAllTextAsync(file, changed.ToJsonString());
                var (code, text) = PythonVerifierTests.RunVerifier("--record", file);
                code.Should().Be(1, where);
                text.Should().Contain(where);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_record_context_lists_who_when_and_every_exclusion_in_canonical_form()
    {
        if (NotConfigured) return;
        var (_, request, experts) = await ScheduledPanelAsync();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = experts[1], reason = "引号 \" 反斜杠 \\ 制表\t换行\n结束 🧪" }));
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = experts[0], reason = "与申报单位有合作 / works with the applicant" }));
        JsonObject draw;
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "17" }));
        Factory.Clock.TickPerRead = TimeSpan.FromMilliseconds(3);
        try
        {
            draw = await DrawAsync(request);
        }
        finally
        {
            Factory.Clock.TickPerRead = TimeSpan.Zero;
        }

        var json = await (await Ok(Admin.GetAsync($"/api/draws/{draw["id"]}/record"))).Content.ReadAsStringAsync();

        // The host writes its context straight into the record; read back as a JsonObject and written again it is the same text.
        DrawRecordJson.Serialize(DrawRecordJson.Deserialize(json)).Should().Be(json);
        var context = JsonNode.Parse(json)!["context"]!.AsObject();
        context.Select(p => p.Key).Should().Equal(
            "panelRequestId", "projectId", "projectCode", "engagementType", "reviewStartsAt", "requestedBy", "supervisor", "committedAt",
            "scheduledDrawAt", "executedAt", "executedBy", "supersedesRequestId", "redrawReason", "ruleSetId", "ruleSetScope",
            "eligibilityEvaluatedAt", "entropyEntries", "parties", "exclusions", "failure");
        context["panelRequestId"]!.GetValue<string>().Should().Be(request.ToString("D"));
        context["eligibilityEvaluatedAt"]!.GetValue<string>().Should().Be(context["executedAt"]!.GetValue<string>(), "the pool is frozen as of the draw's instant, even while the clock moves");
        context["supersedesRequestId"].Should().BeNull();
        json.Should().Contain("\"supersedesRequestId\":null,\"redrawReason\":null,").And.EndWith("\"failure\":null}}");
        context["entropyEntries"]!.AsArray().Single()!.AsObject().Select(p => p.Key).Should().Equal("source", "enteredBy", "enteredAt");
        var exclusions = context["exclusions"]!.AsArray().Select(x => x!.AsObject()).ToList();
        exclusions.Select(x => Guid.Parse(x["expertId"]!.GetValue<string>())).Should().Equal(new[] { experts[0], experts[1] }.Order());
        exclusions.Should().AllSatisfy(x => x.Select(p => p.Key).Should().Equal("expertId", "quotaKeys", "reasons"));
        var tricky = exclusions.Single(x => x["expertId"]!.GetValue<string>() == experts[1].ToString("D"));
        tricky["quotaKeys"]!.AsArray().Select(k => k!.GetValue<string>()).Should().Equal("Q1");
        tricky["reasons"]![0]!.AsObject().Select(p => p.Key).Should().Equal("rule", "evidence");
        tricky["reasons"]![0]!["evidence"]!.GetValue<string>().Should().Contain("引号 \" 反斜杠 \\ 制表\t换行\n结束 🧪");
        json.Should().Contain("引号 \\\" 反斜杠 \\\\ 制表\\t换行\\n结束 🧪");
    }

    [Fact]
    public async Task A_request_is_drawn_once_and_draw_rows_cannot_be_updated_or_deleted()
    {
        if (NotConfigured) return;
        var (_, request, experts) = await ScheduledPanelAsync();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = experts[^1], reason = "与申请单位有未登记的合作" }));
        var draw = await DrawAtDrawTimeAsync(request, "42");

        await ProblemAsync(await Admin.PostAsync($"/api/panel-requests/{request}/draw", null), HttpStatusCode.Conflict);
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "43" }), HttpStatusCode.Conflict);
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/cancel", new { reason = "改期" }), HttpStatusCode.Conflict);

        await using var db = Factory.Database.CreateContext();
        var id = Guid.Parse(draw["id"]!.GetValue<string>());
        var q = Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Sqlite ? "\"" : "";
        var sqlUpdateRecord = $"UPDATE {q}draw_records{q} SET \"Seed\" = 'x'";
        var sqlDeleteSelections = $"DELETE FROM {q}draw_selections{q}";
        var sqlUpdateEntropy = $"UPDATE {q}draw_entropy{q} SET \"Value\" = '0'";
        var updateRecord = () => db.Database.ExecuteSqlRawAsync(sqlUpdateRecord);
        var deleteSelections = () => db.Database.ExecuteSqlRawAsync(sqlDeleteSelections);
        var updateEntropy = () => db.Database.ExecuteSqlRawAsync(sqlUpdateEntropy);
        (await updateRecord.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        (await deleteSelections.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        (await updateEntropy.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        (await db.DrawSelections.CountAsync(s => s.DrawRecordId == id)).Should().Be(7);

        // The attempt itself: the drawn request, its quotas and its exclusions cannot be changed or removed either.
        var key = Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Sqlite ? request.ToString().ToUpperInvariant() : request.ToString();
        var attempts = new List<string>
        {
            $"UPDATE {q}panel_requests{q} SET \"Status\" = 'Scheduled' WHERE \"Id\" = '{key}'",
            $"DELETE FROM {q}panel_requests{q} WHERE \"Id\" = '{key}'",
            $"UPDATE {q}panel_quotas{q} SET \"Count\" = 1",
            $"DELETE FROM {q}manual_exclusions{q} WHERE \"PanelRequestId\" = '{key}'",
            $"UPDATE {q}conflict_rule_sets{q} SET \"ChangeReason\" = 'x'",
        };
        if (Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Postgres)
        {
            attempts.AddRange(["TRUNCATE draw_records, draw_selections, draw_entropy CASCADE", "TRUNCATE panel_requests CASCADE"]);
            // An upsert or a merge that lands on a kept row is an update.
            attempts.Add("INSERT INTO draw_entropy SELECT * FROM draw_entropy ON CONFLICT (\"Id\") DO UPDATE SET \"Value\" = '0'");
            attempts.Add("INSERT INTO draw_records SELECT * FROM draw_records ON CONFLICT (\"Id\") DO UPDATE SET \"Seed\" = 'x'");
            attempts.Add("MERGE INTO draw_selections s USING draw_selections o ON s.\"Id\" = o.\"Id\" WHEN MATCHED THEN UPDATE SET \"Rank\" = o.\"Rank\" + 100");
        }
        else
        {
            // INSERT OR REPLACE deletes the row holding the key without firing the delete trigger: refused on insert.
            foreach (var table in new[] { "draw_records", "draw_selections", "draw_entropy", "panel_requests", "panel_quotas", "manual_exclusions", "conflict_rule_sets" })
                attempts.Add($"INSERT OR REPLACE INTO \"{table}\" SELECT * FROM \"{table}\"");
            // The same request's record under a new id: the unique key on the request would make REPLACE drop the old one.
            var columns = string.Join(", ", await db.Database.SqlQueryRaw<string>("SELECT '\"' || name || '\"' AS \"Value\" FROM pragma_table_info('draw_records') WHERE name <> 'Id'").ToListAsync());
            attempts.Add($"REPLACE INTO \"draw_records\" (\"Id\", {columns}) SELECT 'forged-' || \"Id\", {columns} FROM \"draw_records\" WHERE \"Id\" = '{id.ToString().ToUpperInvariant()}'");
        }
        foreach (var sql in attempts)
        {
            var run = () => db.Database.ExecuteSqlRawAsync(sql);
            (await run.Should().ThrowAsync<Exception>(sql)).Which.Message.Should().Contain("append-only", sql);
        }
        (await db.PanelRequests.AsNoTracking().SingleAsync(r => r.Id == request)).Status.Should().Be(PanelRequestStatus.Drawn);
        (await db.DrawRecords.CountAsync(d => d.Id == id)).Should().Be(1);
        (await db.DrawRecords.AsNoTracking().SingleAsync(d => d.PanelRequestId == request)).Seed.Should().Be(draw["seed"]!.GetValue<string>());
        (await db.DrawSelections.CountAsync(s => s.DrawRecordId == id && s.Rank > 100)).Should().Be(0);
        (await db.DrawEntropies.AsNoTracking().SingleAsync(e => e.PanelRequestId == request)).Value.Should().Be("42");
    }

    [Fact]
    public async Task Verify_ReadsTheStoredBytes_AndReportsAChangeMadeWithTheTriggerOff()
    {
        if (NotConfigured) return;
        var (_, request, experts) = await ScheduledPanelAsync();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = experts[^1], reason = "与申请单位有未登记的合作" }));
        var draw = await DrawAtDrawTimeAsync(request, "42");
        var id = Guid.Parse(draw["id"]!.GetValue<string>());

        await using var db = Factory.Database.CreateContext();
        var stored = (await db.DrawRecords.AsNoTracking().Include(r => r.Content).SingleAsync(r => r.Id == id)).Document;
        stored.Should().Contain("未登记");
        // The verifier reads the column's own bytes: exactly the UTF-8 of the text EF reads, Chinese included.
        (await DrawDocumentReader.ReadUtf8Async(db, id, CancellationToken.None)).Should().Equal(System.Text.Encoding.UTF8.GetBytes(stored));
        (await DrawDocumentReader.ReadUtf8Async(db, Guid.NewGuid(), CancellationToken.None)).Should().BeNull();
        (await DrawRecordVerification.VerifyAsync(db, id, CancellationToken.None)).Matches.Should().BeTrue();

        // Someone with the database's owner rights turns the guard off and edits the evidence (valid JSON still); rolled back after.
        var sqlite = Factory.Database.Provider == DatabaseProvider.Sqlite;
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync(sqlite ? "DROP TRIGGER \"draw_records_no_update\"" : "ALTER TABLE draw_records DISABLE TRIGGER draw_records_no_update");
        await db.Database.ExecuteSqlRawAsync("UPDATE \"draw_records\" SET \"Document\" = replace(\"Document\", '未登记', '已登记')");
        var tampered = System.Text.Encoding.UTF8.GetBytes(stored.Replace("未登记", "已登记", StringComparison.Ordinal));

        var result = await DrawRecordVerification.VerifyAsync(db, id, CancellationToken.None);

        result.FirstDivergence.Should().Be("documentSha256");
        var check = result.Checks.Single(c => c.Name == "documentSha256");
        check.Expected.Should().Be(draw["documentSha256"]!.GetValue<string>());
        check.Actual.Should().Be(Convert.ToHexStringLower(SHA256.HashData(tampered)), "the hash is taken over the bytes now stored");
        result.Checks.Where(c => c.Name != "documentSha256").Should().OnlyContain(c => c.Passed, "only the evidence changed, which nothing else re-derives");

        // The same for the invitations: the excluded expert put into a member's seat is not a seat the record holds.
        var key = (Guid g) => sqlite ? g.ToString().ToUpperInvariant() : g.ToString();
        await db.Database.ExecuteSqlRawAsync(sqlite ? "DROP TRIGGER \"invitations_keep_seat\"" : "ALTER TABLE invitations DISABLE TRIGGER invitations_keep_seat");
        var intoSeat = $"UPDATE \"invitations\" SET \"ExpertId\" = '{key(experts[^1])}' WHERE \"Id\" = (SELECT \"Id\" FROM \"invitations\" WHERE \"DrawRecordId\" = '{key(id)}' ORDER BY \"Id\" LIMIT 1)";
        await db.Database.ExecuteSqlRawAsync(intoSeat);
        var seats = (await DrawRecordVerification.VerifyAsync(db, id, CancellationToken.None)).Checks.Single(c => c.Name == "invitations");
        seats.Passed.Should().BeFalse();
        seats.Actual.Should().Contain(experts[^1].ToString());

        if (sqlite)
        {
            // Bytes that are not UTF-8: hashed as stored, and no readable record.
            await db.Database.ExecuteSqlRawAsync("UPDATE \"draw_records\" SET \"Document\" = CAST(X'7B22FF227D' AS TEXT)");
            var broken = await DrawRecordVerification.VerifyAsync(db, id, CancellationToken.None);
            broken.FirstDivergence.Should().Be("documentSha256");
            broken.Checks.Single(c => c.Name == "documentSha256").Actual.Should().Be(Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString("7B22FF227D"))));
            broken.Checks.Should().Contain(c => c.Name == "document" && !c.Passed && c.Actual == "text that is not valid UTF-8");
        }
        await transaction.RollbackAsync();
        (await DrawRecordVerification.VerifyAsync(db, id, CancellationToken.None)).Matches.Should().BeTrue();
    }

    [Fact]
    public async Task The_export_is_the_stored_bytes_and_a_record_that_cannot_be_read_goes_only_to_administrators()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        var draw = await DrawAtDrawTimeAsync(request, "2718");
        var id = Guid.Parse(draw["id"]!.GetValue<string>());
        var url = $"/api/draws/{id}/record";
        await using var db = Factory.Database.CreateContext();
        var stored = (await DrawDocumentReader.ReadUtf8Async(db, id, CancellationToken.None))!;

        var response = await Ok(Admin.GetAsync(url));
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(stored);
        response.Content.Headers.ContentType!.ToString().Should().Be("application/json; charset=utf-8");
        response.Headers.GetValues("Repr-Digest").Single().Should().Be($"sha-256=:{Convert.ToBase64String(SHA256.HashData(stored))}:");

        await WithDamagedRecordAsync(id, async damaged =>
        {
            Factory.Clock.Set(ReviewStartsAt.AddMinutes(1));
            (await (await Ok(Admin.GetAsync(url))).Content.ReadAsByteArrayAsync()).Should().Equal(damaged, "an administrator gets what is stored, byte for byte");
            var refused = await Auditor.GetAsync(url);
            (await ProblemAsync(refused, HttpStatusCode.Conflict))["title"]!.GetValue<string>().Should().Contain("cannot be read", "what a damaged record reveals of other panels cannot be told");
        });
        (await DrawDocumentReader.ReadUtf8Async(db, id, CancellationToken.None)).Should().Equal(stored);
        (await (await Ok(Auditor.GetAsync(url))).Content.ReadAsByteArrayAsync()).Should().Equal(stored);
    }

    /// <summary>
    /// Runs <paramref name="body"/> while the record's document is damaged, as someone with the database owner's rights
    /// could (append-only guard off, change committed): not JSON, and on SQLite not even UTF-8. Puts it back afterwards.
    /// </summary>
    private async Task WithDamagedRecordAsync(Guid id, Func<byte[], Task> body)
    {
        await using var db = Factory.Database.CreateContext();
        var stored = (await DrawDocumentReader.ReadUtf8Async(db, id, CancellationToken.None))!;
        var sqlite = Factory.Database.Provider == DatabaseProvider.Sqlite;
        var guard = sqlite
            ? await db.Database.SqlQueryRaw<string>("SELECT \"sql\" AS \"Value\" FROM \"sqlite_master\" WHERE \"name\" = 'draw_records_no_update'").SingleAsync()
            : null;
        await db.Database.ExecuteSqlRawAsync(sqlite ? "DROP TRIGGER \"draw_records_no_update\"" : "ALTER TABLE draw_records DISABLE TRIGGER draw_records_no_update");
        try
        {
            // A string would have replaced the byte that is not UTF-8.
            var damaged = sqlite ? Convert.FromHexString("7B22FF227D") : "{\"context\": "u8.ToArray();
            if (sqlite)
                await db.Database.ExecuteSqlAsync($"UPDATE \"draw_records\" SET \"Document\" = CAST(X'7B22FF227D' AS TEXT) WHERE \"Id\" = {id}");
            else
                await db.Database.ExecuteSqlAsync($"UPDATE \"draw_records\" SET \"Document\" = '{{\"context\": ' WHERE \"Id\" = {id}");
            await body(damaged);
        }
        finally
        {
            var original = System.Text.Encoding.UTF8.GetString(stored);
            await db.Database.ExecuteSqlAsync($"UPDATE \"draw_records\" SET \"Document\" = {original} WHERE \"Id\" = {id}");
            await db.Database.ExecuteSqlRawAsync(guard ?? "ALTER TABLE draw_records ENABLE TRIGGER draw_records_no_update");
        }
        (await DrawDocumentReader.ReadUtf8Async(db, id, CancellationToken.None)).Should().Equal(stored);
    }

    [Fact]
    public async Task A_draw_logs_no_value_that_is_sealed_until_the_review()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        var draw = await DrawAtDrawTimeAsync(request, "577215");

        await using var db = Factory.Database.CreateContext();
        var record = await db.DrawRecords.AsNoTracking().SingleAsync(r => r.PanelRequestId == request);
        var logged = Factory.Logs.Messages.ToList();
        logged.Should().Contain(m => m.Contains(request.ToString(), StringComparison.Ordinal), "the draw is logged, by its ids");
        foreach (var secret in new[] { record.Seed, record.Nonce, record.PoolHash })
            logged.Should().NotContain(m => m.Contains(secret, StringComparison.OrdinalIgnoreCase));
        draw["seed"]!.GetValue<string>().Should().Be(record.Seed);
    }

    [Fact]
    public async Task Verification_checks_the_rows_own_columns_and_that_the_entropy_came_after_the_commitment()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        var draw = await DrawAtDrawTimeAsync(request, "1618");
        var result = await (await Ok(Auditor.PostAsync($"/api/draws/{draw["id"]}/verify", null))).Content.ReadFromJsonAsync<JsonObject>();
        result!["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).Should().Contain(["storedNonce", "storedSeed", "storedPoolHash", "timeline"]);
        result["matches"]!.GetValue<bool>().Should().BeTrue(result.ToJsonString());

        await using var db = Factory.Database.CreateContext();
        var id = Guid.Parse(draw["id"]!.GetValue<string>());
        var record = await db.DrawRecords.AsNoTracking().Include(r => r.Content).Include(r => r.Selections).AsSplitQuery().SingleAsync(r => r.Id == id);
        var quotas = await StoredQuotasAsync(db, record);
        var commitment = record.Commitment;
        EnteredEntropy At(DateTime t) => new("supervisor", "1618", t);
        DrawRecordVerification.Verify(record, commitment, [At(DrawAt)], quotas).Matches.Should().BeTrue();

        // Entropy that existed before the commitment could have been known when the nonce was chosen.
        var early = DrawRecordVerification.Verify(record, commitment, [At(record.CommittedAt.AddMinutes(-1))], quotas);
        early.FirstDivergence.Should().Be("timeline");
        early.Checks.Single(c => c.Name == "timeline").Actual.Should().StartWith("entropy enteredAt");
        DrawRecordVerification.Verify(record, commitment, [At(record.ExecutedAt.AddSeconds(1))], quotas).FirstDivergence.Should().Be("timeline");

        // A row whose seed column disagrees with its document (the API shows the column).
        typeof(DrawRecord).GetProperty(nameof(DrawRecord.Seed))!.SetValue(record, new string('0', 64));
        var tampered = DrawRecordVerification.Verify(record, commitment, [At(DrawAt)], quotas);
        tampered.FirstDivergence.Should().Be("storedSeed");
        tampered.Checks.Single(c => c.Name == "storedSeed").Actual.Should().Be(new string('0', 64));

        // The other columns the draw view and the public page show: the supervisor, the totals.
        var fresh = await db.DrawRecords.AsNoTracking().Include(r => r.Content).Include(r => r.Selections).AsSplitQuery().SingleAsync(r => r.Id == id);
        DrawRecordVerification.Verify(fresh, commitment, [At(DrawAt)], quotas).Checks.Should().Contain(c => c.Name == "storedContext" && c.Passed)
            .And.Contain(c => c.Name == "storedTotals" && c.Passed);
        typeof(DrawRecord).GetProperty(nameof(DrawRecord.SupervisorName))!.SetValue(fresh, "李四");
        var supervisor = DrawRecordVerification.Verify(fresh, commitment, [At(DrawAt)], quotas);
        supervisor.FirstDivergence.Should().Be("storedContext");
        supervisor.Checks.Single(c => c.Name == "storedContext").Should().Match<VerificationCheck>(c => c.Expected == "supervisor: 李监督" && c.Actual == "supervisor: 李四");
        typeof(DrawRecord).GetProperty(nameof(DrawRecord.SupervisorName))!.SetValue(fresh, "李监督");
        typeof(DrawRecord).GetProperty(nameof(DrawRecord.ExcludedTotal))!.SetValue(fresh, fresh.ExcludedTotal + 1);
        DrawRecordVerification.Verify(fresh, commitment, [At(DrawAt)], quotas).FirstDivergence.Should().Be("storedTotals");
    }

    [Fact]
    public async Task A_draw_record_is_read_without_its_document_unless_the_query_includes_it()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        var draw = await DrawAtDrawTimeAsync(request, "4669");
        var id = Guid.Parse(draw["id"]!.GetValue<string>());
        var exported = await (await Ok(Admin.GetAsync($"/api/draws/{id}/record"))).Content.ReadAsStringAsync();

        await using var db = Factory.Database.CreateContext();
        // Lists, the draw view, the public page and every invitation reply read records: none of them reads megabytes.
        db.DrawRecords.Where(r => r.Id == id).ToQueryString().Should().NotContain("\"Document\"");
        var plain = await db.DrawRecords.AsNoTracking().SingleAsync(r => r.Id == id);
        plain.Content.Should().BeNull();
        plain.Invoking(r => r.Document).Should().Throw<InvalidOperationException>().WithMessage("*Include(r => r.Content)*");

        db.DrawRecords.Include(r => r.Content).Where(r => r.Id == id).ToQueryString().Should().Contain("\"Document\"");
        var full = await db.DrawRecords.AsNoTracking().Include(r => r.Content).SingleAsync(r => r.Id == id);
        full.Document.Should().Be(exported, "the same row holds the document the export sends");
    }

    /// <summary>The quotas of a record's request as stored, as verification compares them.</summary>
    private static async Task<IReadOnlyList<DrawQuota>> StoredQuotasAsync(ExpertPoolDbContext db, DrawRecord record) =>
        (await db.PanelRequests.AsNoTracking().Include(r => r.Quotas).SingleAsync(r => r.Id == record.PanelRequestId)).ToDrawQuotas();

    /// <summary>A drawn panel of two members and one backup from six experts; returns the project id as text.</summary>
    private async Task<(Reference R, Guid Request, JsonObject Draw, string Project)> DrawnPanelOfTwoAsync(string entropy)
    {
        var (r, request, _) = await ScheduledPanelAsync(experts: 6, count: 2, backups: 1);
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = entropy }));
        var draw = await DrawAsync(request);
        var project = (await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}"))!["projectId"]!.GetValue<string>();
        return (r, request, draw, project);
    }

    [Fact]
    public async Task While_a_panel_is_in_force_a_new_request_may_only_fill_seats_whose_backups_ran_out()
    {
        if (NotConfigured) return;
        var (r, request, draw, project) = await DrawnPanelOfTwoAsync("577");
        var drawId = Guid.Parse(draw["id"]!.GetValue<string>());
        Task<HttpResponseMessage> RedrawAsync(int count, Guid? supersedes = null, string? specialty = null) => Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = project, quotas = new[] { new { specialtyCode = specialty ?? r.Root, count, backups = 0 } }, scheduledDrawAt = DrawAt.AddHours(1),
            replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = supersedes ?? request, redrawReason = "补抽",
        });
        async Task DeclineAsync(Guid expert)
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Persistence.ExpertPoolDbContext>();
            var invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.DrawRecordId == drawId && i.ExpertId == expert);
            await scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Invitations.InvitationService>()
                .DeclineAsync(invitation.Id, ExpertPool.Domain.Invitations.DeclineKind.Unavailable, "出差", null, CancellationToken.None);
        }
        var members = draw["selections"]!.AsArray().Where(x => x!["role"]!.GetValue<string>() == "Member").Select(x => Guid.Parse(x!["expertId"]!.GetValue<string>())).ToList();

        // Both seats are being filled: drawing again now would give a second panel to choose from.
        var second = await ProblemAsync(await RedrawAsync(2), HttpStatusCode.Conflict);
        second["detail"]!.GetValue<string>().Should().Contain("withdraw");
        await DeclineAsync(members[0]);
        await ProblemAsync(await RedrawAsync(1), HttpStatusCode.Conflict); // the backup took the seat

        // The second member declines with no backup left: one seat is empty, and a supplementary draw may fill it, no more.
        await DeclineAsync(members[1]);
        var tooMany = await ProblemAsync(await RedrawAsync(2), HttpStatusCode.BadRequest);
        tooMany["errors"]!["quotas[0].count"]![0]!.GetValue<string>().Should().Contain("at most the 1 empty seat");
        var otherSpecialty = await ProblemAsync(await RedrawAsync(1, specialty: r.Leaf1), HttpStatusCode.BadRequest);
        otherSpecialty["errors"]!["quotas[0]"]![0]!.GetValue<string>().Should().Contain("no empty seat for " + r.Leaf1);
        var supplementary = await Ok(RedrawAsync(1));
        var first = (await supplementary.Content.ReadFromJsonAsync<JsonObject>())!;
        first["supplementary"]!.GetValue<bool>().Should().BeTrue();

        // Cancelling the supplementary request and superseding the cancelled one still meets the panel in force.
        var firstId = Guid.Parse(first["id"]!.GetValue<string>());
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{firstId}/cancel", new { reason = "改期" }));
        await ProblemAsync(await RedrawAsync(2, supersedes: firstId), HttpStatusCode.BadRequest);
        (await RedrawAsync(1, supersedes: firstId)).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task After_a_withdrawal_and_a_new_draw_the_withdrawn_draws_unused_backups_do_not_block_a_supplementary_draw()
    {
        if (NotConfigured) return;
        var (r, request, draw, project) = await DrawnPanelOfTwoAsync("6021");
        await Ok(Admin.PostAsJsonAsync($"/api/draws/{draw["id"]}/withdraw", new { reason = "评审改期 / review moved" }));

        // The new panel: two seats, no backup; one member declines, so that seat is empty with no backup of this panel left.
        var redraw = await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 2, backups = 0 } }, scheduledDrawAt = DrawAt.AddHours(1),
            replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = request, redrawReason = "撤回后重新抽取",
        }));
        var second = Guid.Parse((await redraw.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        Factory.Clock.Set(DrawAt.AddHours(1));
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{second}/entropy", new { source = "supervisor", value = "6022" }));
        var secondDraw = await DrawAsync(second);
        var secondDrawId = Guid.Parse(secondDraw["id"]!.GetValue<string>());
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Persistence.ExpertPoolDbContext>();
            var invitation = await db.Invitations.AsNoTracking().Where(i => i.DrawRecordId == secondDrawId).OrderBy(i => i.Id).FirstAsync();
            await scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Invitations.InvitationService>()
                .DeclineAsync(invitation.Id, ExpertPool.Domain.Invitations.DeclineKind.Unavailable, "出差", null, CancellationToken.None);
        }

        // The first draw's backup was never invited, but that draw is withdrawn: its backups can never fill this seat.
        var supplementary = await Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 0 } }, scheduledDrawAt = DrawAt.AddHours(2),
            replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = second, redrawReason = "候补用尽，补抽",
        });
        supplementary.StatusCode.Should().Be(HttpStatusCode.Created, await supplementary.Content.ReadAsStringAsync());
        (await supplementary.Content.ReadFromJsonAsync<JsonObject>())!["supplementary"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_conflict_declared_by_declining_an_invitation_is_hidden_from_auditors_while_the_panel_is_sealed()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var experts = new List<Guid>();
        for (var i = 0; i < 4; i++)
            experts.Add(await ActiveExpertAsync(r, $"回避专家{i}号"));
        var applicant = await CreateOrganisationAsync("申请单位" + TestData.Suffix());
        var project = await CreateProjectAsync(parties: [new { organisationId = applicant, role = "Applicant" }]);
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups = 1 });
        var draw = await DrawAtDrawTimeAsync(request, "4669");
        var drawId = Guid.Parse(draw["id"]!.GetValue<string>());
        var member = Guid.Parse(draw["selections"]!.AsArray().First(x => x!["role"]!.GetValue<string>() == "Member")!["expertId"]!.GetValue<string>());
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
            var invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.DrawRecordId == drawId && i.ExpertId == member);
            await scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Invitations.InvitationService>()
                .DeclineAsync(invitation.Id, ExpertPool.Domain.Invitations.DeclineKind.Conflict, "三年内曾在该单位任职", applicant, CancellationToken.None);
        }
        // An expert's own declaration (not tied to a draw) is listed to auditors as before.
        var other = experts.First(e => e != member);
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{other}/declared-conflicts", new { organisationId = applicant, reason = "曾为其提供咨询" }));
        // The same declaration again adds nothing: refused, with the date of the first.
        (await ProblemAsync(await Admin.PostAsJsonAsync($"/api/experts/{other}/declared-conflicts", new { organisationId = applicant, reason = "再次声明" }), HttpStatusCode.Conflict))
            ["detail"]!.GetValue<string>().Should().Contain("无需重复声明").And.Contain("already declared");
        (await Auditor.GetFromJsonAsync<JsonArray>($"/api/experts/{other}/declared-conflicts"))!.Should().ContainSingle();

        (await Admin.GetFromJsonAsync<JsonArray>($"/api/experts/{member}/declared-conflicts"))!.Should().ContainSingle()
            .Which!["panelRequestId"]!.GetValue<string>().Should().Be(request.ToString());
        (await Auditor.GetFromJsonAsync<JsonArray>($"/api/experts/{member}/declared-conflicts"))!.Should().BeEmpty("it would name the expert as drawn for a sealed panel");

        Factory.Clock.Set(new DateTimeOffset(ReviewStartsAt, TimeSpan.Zero));
        (await Auditor.GetFromJsonAsync<JsonArray>($"/api/experts/{member}/declared-conflicts"))!.Should().ContainSingle("the panel is public once the review starts");
    }

    [Fact]
    public async Task Once_the_review_starts_the_draw_is_published_without_a_key_with_the_panel_that_served_and_no_personal_data()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync(experts: 5, count: 2, backups: 1);
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "福彩3D 2026320期", value = "<5 8 1>" }));
        var draw = await DrawAsync(request);
        var drawId = Guid.Parse(draw["id"]!.GetValue<string>());
        var selections = draw["selections"]!.AsArray();
        string Pick(string role, int rank) => selections.Single(x => x!["role"]!.GetValue<string>() == role && x["rank"]!.GetValue<int>() == rank)!["expertId"]!.GetValue<string>();
        var (first, second, backup) = (Guid.Parse(Pick("Member", 1)), Guid.Parse(Pick("Member", 2)), Guid.Parse(Pick("Backup", 1)));
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
            var invitations = scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Invitations.InvitationService>();
            Guid Of(Guid expert) => db.Invitations.AsNoTracking().Single(i => i.DrawRecordId == drawId && i.ExpertId == expert).Id;
            await invitations.ConfirmAsync(Of(first), CancellationToken.None);
            await invitations.DeclineAsync(Of(second), ExpertPool.Domain.Invitations.DeclineKind.Unavailable, "出差", null, CancellationToken.None);
            await invitations.ConfirmAsync(Of(backup), CancellationToken.None);
        }
        var names = new Dictionary<Guid, JsonObject>();
        foreach (var e in new[] { first, second, backup })
            names[e] = (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts/{e}"))!;
        // After the draw the first member moves to another employer and title: the page shows them as they were drawn.
        var (employerThen, titleThen) = (names[first]["employer"]!["name"]!.GetValue<string>(), names[first]["title"]!.GetValue<string>());
        Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await MoveEmployerAsync(names[first], "调动后单位" + TestData.Suffix(), "调动后职称");
        // The backup's employer is renamed after the draw: the page gives the name it had then.
        var backupEmployer = names[backup]["employer"]!;
        var backupEmployerThen = backupEmployer["name"]!.GetValue<string>();
        using (var rename = new HttpRequestMessage(HttpMethod.Put, $"/api/organisations/{backupEmployer["id"]}")
        { Content = JsonContent.Create(new { name = "更名后单位" + TestData.Suffix(), aliases = Array.Empty<string>() }) })
        {
            rename.Headers.TryAddWithoutValidation("If-Match", "*");
            await Ok(Admin.SendAsync(rename));
        }
        using var anonymous = Factory.CreateClient();

        // Sealed until the review starts: not listed, and the page says why without saying more.
        (await anonymous.GetStringAsync("/public/draws")).Should().NotContain(drawId.ToString());
        var early = await anonymous.GetAsync($"/public/draws/{drawId}");
        early.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await early.Content.ReadAsStringAsync()).Should().Contain("评审开始前名单保密").And.NotContain(names[first]["name"]!.GetValue<string>());

        Factory.Clock.Set(new DateTimeOffset(ReviewStartsAt, TimeSpan.Zero));
        var list = await anonymous.GetAsync("/public/draws");
        list.StatusCode.Should().Be(HttpStatusCode.OK);
        list.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await list.Content.ReadAsStringAsync()).Should().Contain($"/public/draws/{drawId}").And.StartWith("<!DOCTYPE html>");

        var page = await anonymous.GetStringAsync($"/public/draws/{drawId}");
        page.Should().Contain(names[first]["name"]!.GetValue<string>()).And.Contain(names[backup]["name"]!.GetValue<string>())
            .And.Contain("候补 1（递补）").And.NotContain(names[second]["name"]!.GetValue<string>(), "who declined did not serve");
        page.Should().Contain(draw["commitment"]!.GetValue<string>()).And.Contain(draw["nonce"]!.GetValue<string>())
            .And.Contain(draw["seed"]!.GetValue<string>()).And.Contain(draw["documentSha256"]!.GetValue<string>());
        page.Should().Contain("福彩3D 2026320期").And.Contain("&lt;5 8 1&gt;", "entered text is encoded").And.NotContain("<5 8 1>");
        page.Should().Contain($"<td class=\"name\">{names[first]["name"]!.GetValue<string>()}</td><td>{employerThen}</td><td>{titleThen}</td>")
            .And.NotContain("调动后职称").And.NotContain("调动后单位").And.Contain("工作单位与职称为抽取时的登记信息");
        page.Should().Contain($"<td class=\"name\">{names[backup]["name"]!.GetValue<string>()}</td><td>{backupEmployerThen}</td>").And.NotContain("更名后单位");
        page.IndexOf("专家名单", StringComparison.Ordinal).Should().BeLessThan(page.IndexOf("Panel", StringComparison.Ordinal), "Chinese first");
        foreach (var e in names.Values)
        {
            page.Should().NotContain(e["email"]!.GetValue<string>());
            page.Should().NotContain(e["phone"]!.GetValue<string>());
        }
        await using (var db = Factory.Database.CreateContext())
        {
            var idNumbers = await db.Experts.AsNoTracking().Where(x => x.Id == first || x.Id == backup).Select(x => x.IdNumber).ToListAsync();
            idNumbers.Should().HaveCount(2).And.OnlyContain(id => !page.Contains(id));
        }
        (await anonymous.GetAsync($"/public/draws/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_public_page_names_an_employer_registered_before_its_history_was_kept_as_it_was_at_the_draw()
    {
        if (NotConfigured) return;
        var (_, request, experts) = await ScheduledPanelAsync(experts: 1, count: 1, backups: 0);
        // An organisation as the migration found it: in the registry, with no history row yet.
        var (oldName, creditCode) = ("史前单位" + TestData.Suffix(), TestData.CreditCode());
        Guid orgId;
        await using (var db = Factory.Database.CreateContext())
        {
            var org = ExpertPool.Domain.Organisations.Organisation.Create(oldName, creditCode, [], Factory.Clock.GetUtcNow().UtcDateTime);
            db.Organisations.Add(org);
            await db.SaveChangesAsync();
            orgId = org.Id;
        }
        var expert = (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts/{experts[0]}"))!;
        await MoveEmployerAsync(expert, oldName, "研究员", creditCode);
        var draw = await DrawAtDrawTimeAsync(request, "7 7 7");
        var drawId = Guid.Parse(draw["id"]!.GetValue<string>());
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
            var invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.DrawRecordId == drawId);
            await scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Invitations.InvitationService>().ConfirmAsync(invitation.Id, CancellationToken.None);
        }

        // After the draw the history begins (the migration's Backfilled row), then the organisation is renamed.
        Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await using (var db = Factory.Database.CreateContext())
        {
            var org = await db.Organisations.SingleAsync(o => o.Id == orgId);
            db.OrganisationChanges.Add(ExpertPool.Domain.Organisations.OrganisationChange.Of(org, ExpertPool.Domain.Organisations.OrganisationChangeKind.Backfilled, "migration", Factory.Clock.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync();
        }
        Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        using (var rename = new HttpRequestMessage(HttpMethod.Put, $"/api/organisations/{orgId}") { Content = JsonContent.Create(new { name = "改名后单位" + TestData.Suffix(), aliases = Array.Empty<string>() }) })
        {
            rename.Headers.TryAddWithoutValidation("If-Match", "*");
            await Ok(Admin.SendAsync(rename));
        }

        Factory.Clock.Set(ReviewStartsAt);
        using var anonymous = Factory.CreateClient();
        var page = await anonymous.GetStringAsync($"/public/draws/{drawId}");
        page.Should().Contain($"<td>{oldName}</td><td>研究员</td>").And.NotContain("改名后单位");
    }

    /// <summary>Puts the expert (as an administrator reads them) under a new employer and title.</summary>
    private async Task MoveEmployerAsync(JsonObject expert, string employer, string title, string? creditCode = null)
    {
        var body = new
        {
            name = expert["name"]!.GetValue<string>(),
            idNumber = expert["idNumber"]!.GetValue<string>(),
            gender = expert["gender"]!.GetValue<string>(),
            birthYear = expert["birthYear"]!.GetValue<int>(),
            employerName = employer,
            employerCreditCode = creditCode ?? TestData.CreditCode(),
            title,
            titleGrade = expert["titleGrade"]!.GetValue<string>(),
            specialtyCodes = expert["specialties"]!.AsArray().Select(x => x!["code"]!.GetValue<string>()).ToArray(),
            regionCode = expert["regionCode"]!.GetValue<string>(),
            email = expert["email"]!.GetValue<string>(),
            phone = expert["phone"]!.GetValue<string>(),
            preferredLanguage = expert["preferredLanguage"]!.GetValue<string>(),
            joinChannel = expert["joinChannel"]!.GetValue<string>(),
            termStart = expert["termStart"]?.GetValue<string>(),
            termEnd = expert["termEnd"]?.GetValue<string>(),
        };
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/experts/{expert["id"]}") { Content = JsonContent.Create(body) };
        put.Headers.TryAddWithoutValidation("If-Match", "*");
        await Ok(Admin.SendAsync(put));
    }

    [Fact]
    public async Task The_public_list_answers_a_bad_page_number_with_a_page_that_says_so()
    {
        if (NotConfigured) return;
        using var anonymous = Factory.CreateClient();
        // A page number cut or mistyped in the address: a page that says so, not a JSON document.
        foreach (var page in new[] { "abc", "0", "-1", "1.5" })
        {
            var response = await anonymous.GetAsync($"/public/draws?page={page}");
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, page);
            response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
            (await response.Content.ReadAsStringAsync()).Should().Contain("页码应为正整数").And.Contain("The page number must be a positive whole number");
        }
        (await anonymous.GetAsync("/public/draws?page=3")).StatusCode.Should().Be(HttpStatusCode.OK, "a page past the last is an empty page");
    }

    [Fact]
    public async Task With_the_public_pages_switched_off_every_public_address_says_so_and_links_where_results_are_published()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync(experts: 3, count: 2, backups: 0);
        var drawId = (await DrawAtDrawTimeAsync(request, "12"))["id"]!.GetValue<string>();
        Factory.Clock.Set(new DateTimeOffset(ReviewStartsAt, TimeSpan.Zero));
        using var anonymous = Factory.CreateClient();
        (await anonymous.GetAsync($"/public/draws/{drawId}")).StatusCode.Should().Be(HttpStatusCode.OK, "published by default");

        using var off = Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Publication:Enabled", "false");
            b.UseSetting("Publication:PublishedAt", "https://scjg.example.gov.cn/gs?x=1&y=2");
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Factory.Clock));
        });
        using var client = off.CreateClient();
        foreach (var url in new[] { "/public/draws", $"/public/draws/{drawId}", "/public/draws?page=2" })
        {
            var response = await client.GetAsync(url);
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, url);
            response.Headers.CacheControl!.NoCache.Should().BeTrue();
            var html = await response.Content.ReadAsStringAsync();
            html.Should().Contain("本服务未开放抽取结果公示页面，结果由本机构另行公示。").And.Contain("href=\"https://scjg.example.gov.cn/gs?x=1&amp;y=2\"")
                .And.NotContain(drawId);
        }

        using var bad = Factory.WithWebHostBuilder(b => b.UseSetting("Publication:PublishedAt", "javascript:alert(1)"));
        var start = () => bad.CreateClient();
        start.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*Publication:PublishedAt must be an absolute http or https address*");
    }

    [Fact]
    public async Task A_project_whose_every_draw_failed_is_published_with_its_shortfall_and_no_panel()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync(experts: 2, count: 3, backups: 0);
        var draw = await DrawAtDrawTimeAsync(request, "31");
        var drawId = draw["id"]!.GetValue<string>();
        draw["outcome"]!.GetValue<string>().Should().Be("Failed");
        using var anonymous = Factory.CreateClient();
        (await anonymous.GetAsync($"/public/draws/{drawId}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "sealed until the review starts, failed or not");

        Factory.Clock.Set(new DateTimeOffset(ReviewStartsAt, TimeSpan.Zero));
        var list = await anonymous.GetStringAsync("/public/draws");
        list.Should().Contain($"<a href=\"/public/draws/{drawId}\">");
        list[list.IndexOf($"/public/draws/{drawId}", StringComparison.Ordinal)..].Split("</tr>")[0].Should().Contain("抽取失败 failed");
        var page = await anonymous.GetStringAsync($"/public/draws/{drawId}");
        page.Should().Contain("本次抽取因符合条件的专家不足而失败，未产生专家名单").And.Contain("符合条件的专家不足")
            .And.NotContain("id=\"panel\"").And.Contain(draw["commitment"]!.GetValue<string>()).And.Contain(draw["nonce"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_published_draw_shows_the_whole_panel_of_its_project_and_every_attempt_with_its_reasons()
    {
        if (NotConfigured) return;
        var (r, request, draw, project) = await DrawnPanelOfTwoAsync("4821");
        var drawId = Guid.Parse(draw["id"]!.GetValue<string>());
        var selections = draw["selections"]!.AsArray();
        Guid Pick(JsonArray from, string role, int rank) => Guid.Parse(from.Single(x => x!["role"]!.GetValue<string>() == role && x["rank"]!.GetValue<int>() == rank)!["expertId"]!.GetValue<string>());
        async Task AnswerAsync(Guid draw, Guid expert, bool confirm)
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
            var invitations = scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Invitations.InvitationService>();
            var id = (await db.Invitations.AsNoTracking().SingleAsync(i => i.DrawRecordId == draw && i.ExpertId == expert)).Id;
            if (confirm)
                await invitations.ConfirmAsync(id, CancellationToken.None);
            else
                await invitations.DeclineAsync(id, ExpertPool.Domain.Invitations.DeclineKind.Unavailable, "出差", null, CancellationToken.None);
        }
        // Member 1 declines and the backup takes the seat; member 2 declines with no backup left: one seat is empty.
        await AnswerAsync(drawId, Pick(selections, "Member", 1), confirm: false);
        await AnswerAsync(drawId, Pick(selections, "Backup", 1), confirm: true);
        await AnswerAsync(drawId, Pick(selections, "Member", 2), confirm: false);
        var supplementary = Guid.Parse((await (await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 0 } }, scheduledDrawAt = DrawAt.AddHours(1),
            replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = request, redrawReason = "第二席位无人可递补",
        }))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        Factory.Clock.Set(DrawAt.AddHours(1));
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{supplementary}/entropy", new { source = "supervisor", value = "77" }));
        var second = await DrawAsync(supplementary);
        var secondId = Guid.Parse(second["id"]!.GetValue<string>());
        var filler = Pick(second["selections"]!.AsArray(), "Member", 1);
        await AnswerAsync(secondId, filler, confirm: true);
        var backupName = (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts/{Pick(selections, "Backup", 1)}"))!["name"]!.GetValue<string>();
        var fillerName = (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts/{filler}"))!["name"]!.GetValue<string>();

        Factory.Clock.Set(new DateTimeOffset(ReviewStartsAt, TimeSpan.Zero));
        using var anonymous = Factory.CreateClient();
        var list = await anonymous.GetStringAsync("/public/draws");
        list.Should().Contain($"/public/draws/{drawId}").And.Contain($"/public/draws/{secondId}").And.Contain("补抽 supplementary");

        // Either draw's page shows the project's whole panel, each seat with the draw that filled it, and both attempts.
        foreach (var (page, other) in new[] { (drawId, secondId), (secondId, drawId) })
        {
            var html = await anonymous.GetStringAsync($"/public/draws/{page}");
            html.Should().Contain(backupName).And.Contain(fillerName).And.Contain($"<a href=\"/public/draws/{other}\">");
            html.Split("class=\"attempt\"").Should().HaveCount(3, "two attempts for the project");
            html.Split("class=\"attempt\"")[1].Should().Contain(ExpertPool.Api.Extensions.HtmlPage.Time(DrawAt), "each attempt shows when it was due, beside when it was committed");
            html.Should().Contain("重新抽取理由 Re-draw reason: 第二席位无人可递补").And.Contain("（本页 this page）");
        }
        var shown = await anonymous.GetAsync($"/public/draws/{drawId}");
        shown.Headers.CacheControl!.Public.Should().BeTrue();
        var sealedPage = await anonymous.GetAsync($"/public/draws/{Guid.NewGuid()}");
        sealedPage.Headers.CacheControl!.NoCache.Should().BeTrue("a sealed answer must not be cached past the review's start");
    }

    [Fact]
    public async Task Withdrawing_a_draw_after_its_review_started_is_refused_and_changes_nothing()
    {
        if (NotConfigured) return;
        var (_, _, draw, _) = await DrawnPanelOfTwoAsync("1729");
        var drawId = Guid.Parse(draw["id"]!.GetValue<string>());
        Factory.Clock.Set(new DateTimeOffset(ReviewStartsAt, TimeSpan.Zero));

        var problem = await ProblemAsync(await Admin.PostAsJsonAsync($"/api/draws/{drawId}/withdraw", new { reason = "评审结束后撤回" }), HttpStatusCode.Conflict);
        problem["detail"]!.GetValue<string>().Should().StartWith("评审已于").And.Contain("can no longer be withdrawn");

        await using var db = Factory.Database.CreateContext();
        (await db.DrawWithdrawals.CountAsync(w => w.DrawRecordId == drawId)).Should().Be(0);
        (await db.Invitations.Where(i => i.DrawRecordId == drawId).Select(i => i.Status).ToListAsync())
            .Should().HaveCount(2).And.OnlyContain(s => s == ExpertPool.Domain.Invitations.InvitationStatus.Pending);
        (await ProblemAsync(await Admin.PostAsJsonAsync($"/api/draws/{Guid.NewGuid()}/withdraw", new { reason = "x" }), HttpStatusCode.NotFound))
            ["status"]!.GetValue<int>().Should().Be(404);
    }

    [Fact]
    public async Task Withdrawing_a_draw_ends_its_panel_and_a_second_withdrawal_is_refused()
    {
        if (NotConfigured) return;
        var (r, request, draw, project) = await DrawnPanelOfTwoAsync("578");

        (await (await Ok(Admin.GetAsync($"/api/draws/{draw["id"]}"))).Content.ReadFromJsonAsync<JsonObject>())!["withdrawal"].Should().BeNull("not withdrawn yet");
        var withdrawn = await (await Ok(Admin.PostAsJsonAsync($"/api/draws/{draw["id"]}/withdraw", new { reason = "评审改期 / review moved" }))).Content.ReadFromJsonAsync<JsonObject>();
        withdrawn!["cancelledInvitations"]!.GetValue<int>().Should().Be(2);
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/draws/{draw["id"]}/withdraw", new { reason = "again" }), HttpStatusCode.Conflict);

        // The withdrawal stays on the draw; the refused second one left no trace.
        var seen = (await (await Ok(Admin.GetAsync($"/api/draws/{draw["id"]}"))).Content.ReadFromJsonAsync<JsonObject>())!["withdrawal"]!;
        seen["reason"]!.GetValue<string>().Should().Be("评审改期 / review moved");
        seen["withdrawnBy"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        seen["cancelledInvitations"]!.GetValue<int>().Should().Be(2);
        seen["withdrawnAt"]!.GetValue<DateTime>().Should().Be(withdrawn["withdrawal"]!["withdrawnAt"]!.GetValue<DateTime>());
        // Auditors see that and when it was withdrawn; while the panel is sealed, not the free-text reason.
        var audited = (await (await Ok(Auditor.GetAsync($"/api/draws/{draw["id"]}"))).Content.ReadFromJsonAsync<JsonObject>())!;
        audited["sealed"]!.GetValue<bool>().Should().BeTrue();
        audited["withdrawal"]!["reason"]!.GetValue<string>().Should().Be("sealed");
        (await ProblemAsync(await Auditor.GetAsync($"/api/draws/{draw["id"]}/invitations"), HttpStatusCode.Forbidden))["title"]!.GetValue<string>().Should().Contain("Sealed");
        audited["withdrawal"]!["withdrawnAt"]!.GetValue<DateTime>().Should().Be(seen["withdrawnAt"]!.GetValue<DateTime>());
        await using (var db = Factory.Database.CreateContext())
        {
            var drawId = Guid.Parse(draw["id"]!.GetValue<string>());
            (await db.DrawWithdrawals.CountAsync(w => w.DrawRecordId == drawId)).Should().Be(1);
            // Append-only in the database as well: no update or delete path, and the triggers refuse one.
            var update = () => db.Database.ExecuteSqlRawAsync("UPDATE draw_withdrawals SET \"Reason\" = 'rewritten'");
            await update.Should().ThrowAsync<Exception>();
            var delete = () => db.Database.ExecuteSqlRawAsync("DELETE FROM draw_withdrawals");
            await delete.Should().ThrowAsync<Exception>();
            if (Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Postgres)
            {
                var truncate = () => db.Database.ExecuteSqlRawAsync("TRUNCATE draw_withdrawals");
                (await truncate.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
            }
            else
            {
                var replace = () => db.Database.ExecuteSqlRawAsync("INSERT OR REPLACE INTO \"draw_withdrawals\" SELECT * FROM \"draw_withdrawals\"");
                (await replace.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
            }
            (await db.DrawWithdrawals.CountAsync(w => w.DrawRecordId == drawId)).Should().Be(1);
        }

        var redraw = await Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 2, backups = 1 } }, scheduledDrawAt = DrawAt.AddHours(1),
            replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = request, redrawReason = "评审改期后重新抽取",
        });
        redraw.StatusCode.Should().Be(HttpStatusCode.Created, await redraw.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invitations_keep_their_seat_and_answers_and_status_history_rows_are_kept_in_the_database()
    {
        if (NotConfigured) return;
        var (_, _, draw, _) = await DrawnPanelOfTwoAsync("7031");
        var drawId = Guid.Parse(draw["id"]!.GetValue<string>());
        var backup = Guid.Parse(draw["selections"]!.AsArray().First(x => x!["role"]!.GetValue<string>() == "Backup")!["expertId"]!.GetValue<string>());
        Guid declinedId;
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Persistence.ExpertPoolDbContext>();
            declinedId = (await db.Invitations.AsNoTracking().Where(i => i.DrawRecordId == drawId).OrderBy(i => i.Id).FirstAsync()).Id;
            await scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Invitations.InvitationService>()
                .DeclineAsync(declinedId, ExpertPool.Domain.Invitations.DeclineKind.Unavailable, "出差", null, CancellationToken.None);
        }
        var pending = Guid.Empty;
        await using (var db = Factory.Database.CreateContext())
        {
            pending = (await db.Invitations.AsNoTracking().FirstAsync(i => i.DrawRecordId == drawId && i.Status == ExpertPool.Domain.Invitations.InvitationStatus.Pending && i.ExpertId != backup)).Id;
            Func<Task> Sql(string sql) => () => db.Database.ExecuteSqlRawAsync(sql);
            // Another expert in a drawn seat (what the public page lists), a decline reopened, a row removed: all refused.
            (await Sql($"UPDATE invitations SET \"ExpertId\" = '{FormatId(backup)}' WHERE \"Id\" = '{FormatId(pending)}'").Should().ThrowAsync<Exception>())
                .Which.Message.Should().Contain("keep their seat");
            (await Sql($"UPDATE invitations SET \"Status\" = 'Pending' WHERE \"Id\" = '{FormatId(declinedId)}'").Should().ThrowAsync<Exception>())
                .Which.Message.Should().Contain("an answer is final");
            await Sql($"DELETE FROM invitations WHERE \"Id\" = '{FormatId(pending)}'").Should().ThrowAsync<Exception>();
            await Sql("UPDATE expert_status_changes SET \"Reason\" = 'rewritten'").Should().ThrowAsync<Exception>();
            await Sql("DELETE FROM expert_status_changes").Should().ThrowAsync<Exception>();
            // What the service itself does to an invitation still works: a reminder time, an answer.
            await Sql($"UPDATE invitations SET \"ReminderQueuedAt\" = \"InvitedAt\" WHERE \"Id\" = '{FormatId(pending)}'").Should().NotThrowAsync();
        }
        await using (var scope = Factory.Services.CreateAsyncScope())
            (await scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Invitations.InvitationService>().ConfirmAsync(pending, CancellationToken.None))
                .Status.Should().Be(ExpertPool.Domain.Invitations.InvitationStatus.Confirmed);
    }

    /// <summary>A GUID as the provider stores it: upper-case text on SQLite (EF Core's default), a uuid literal on PostgreSQL.</summary>
    private string FormatId(Guid id) => Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Postgres ? id.ToString() : id.ToString().ToUpperInvariant();

    [Fact]
    public async Task A_stored_rule_set_that_switches_off_a_mandatory_rule_is_not_applied_until_a_new_version_is_published()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        // Only a version stored before the validation existed can say this; the API refuses to create one.
        await using (var db = Factory.Database.CreateContext())
        {
            var version = await db.ConflictRuleSets.MaxAsync(r => r.Version) + 1;
            var json = (ExpertPool.Domain.Conflicts.ConflictRuleSettings.Default with { StatusAndTerm = false }).ToJson();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "conflict_rule_sets" ("Id", "Scope", "Version", "EngagementType", "CreatedAt", "CreatedBy", "ChangeReason", "SettingsJson")
                VALUES ({Guid.CreateVersion7()}, {"ProjectReview"}, {version}, {"ProjectReview"}, {DrawAt.AddDays(-1)}, {"legacy"}, {"旧版本"}, {json})
                """);
        }

        var preview = await ProblemAsync(await Admin.GetAsync($"/api/panel-requests/{request}/eligibility"), HttpStatusCode.Conflict);
        preview["detail"]!.GetValue<string>().Should().Contain("statusAndTerm");
        AtDrawTime();
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "31" }), HttpStatusCode.Conflict);
        (await Admin.GetFromJsonAsync<JsonArray>($"/api/panel-requests/{request}/entropy"))!.Should().BeEmpty("a refused entropy stores nothing");

        await Ok(Admin.PutAsJsonAsync("/api/conflict-rules/ProjectReview", new { changeReason = "恢复法定回避规则", settings = new { } }));
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "31" }));
        (await DrawAsync(request))["outcome"]!.GetValue<string>().Should().Be("Succeeded");
    }

    [Fact]
    public async Task Entering_the_entropy_pins_the_rule_set_so_a_later_rule_change_does_not_apply_to_the_draw()
    {
        if (NotConfigured) return;
        // One expert is away on the review date: the pinned version ignores availability, the later one applies it.
        var r = await CreateReferenceAsync();
        var experts = new List<Guid>();
        for (var i = 0; i < 6; i++)
            experts.Add(await ActiveExpertAsync(r, $"固定规则{i}"));
        var away = await ActiveExpertAsync(r, "评审日出差", blackouts: [new { from = "2026-12-01", to = "2026-12-03", reason = "出差" }]);
        var request = await ScheduleAsync(await CreateProjectAsync(), new { specialtyCode = r.Root, count = 5, backups = 2 });
        async Task<JsonObject> ChangeRulesAsync(string reason, bool availability) =>
            (await (await Ok(Admin.PutAsJsonAsync("/api/conflict-rules/ProjectReview", new { changeReason = reason, settings = new { availability } })))
                .Content.ReadFromJsonAsync<JsonObject>())!;

        // Before the entropy, a change applies to the coming draw.
        var before = await ChangeRulesAsync("抽取前修改规则：不查档期", availability: false);
        (await EligibilityAsync(request))["ruleSetId"]!.GetValue<string>().Should().Be(before["id"]!.GetValue<string>());

        AtDrawTime();
        var entropy = await (await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "2718" })))
            .Content.ReadFromJsonAsync<JsonObject>();
        entropy!["ruleSetId"]!.GetValue<string>().Should().Be(before["id"]!.GetValue<string>(), "the entropy names the rule set it pinned");

        // After it, whoever can read the nonce could compute the panel: a change then is a new version for later draws only.
        var after = await ChangeRulesAsync("录入随机数后修改规则：恢复档期", availability: true);
        after["version"]!.GetValue<int>().Should().BeGreaterThan(before["version"]!.GetValue<int>());
        var preview = await EligibilityAsync(request);
        preview["ruleSetId"]!.GetValue<string>().Should().Be(before["id"]!.GetValue<string>(), "the preview shows the rules the draw will apply");
        preview["quotas"]![0]!["eligibleExpertIds"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Contain(away.ToString("D"), "the pinned version does not check availability");

        var draw = await DrawAsync(request);
        draw["ruleSetVersion"]!.GetValue<int>().Should().Be(before["version"]!.GetValue<int>());
        var exported = JsonNode.Parse(await (await Ok(Admin.GetAsync($"/api/draws/{draw["id"]}/record"))).Content.ReadAsStringAsync())!;
        exported["context"]!["ruleSetId"]!.GetValue<string>().Should().Be(before["id"]!.GetValue<string>());
        exported["pool"]![0]!["expertIds"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Contain(away.ToString("D"), "the draw applied the pinned rules");
        var result = await (await Ok(Auditor.PostAsync($"/api/draws/{draw["id"]}/verify", null))).Content.ReadFromJsonAsync<JsonObject>();
        result!["matches"]!.GetValue<bool>().Should().BeTrue(result.ToJsonString());
        result["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).Should().Contain("ruleSetPinned");

        // A record that applied another version than the one pinned does not verify.
        await using var db = Factory.Database.CreateContext();
        var id = Guid.Parse(draw["id"]!.GetValue<string>());
        var record = await db.DrawRecords.AsNoTracking().Include(r => r.Content).Include(r => r.Selections).AsSplitQuery().SingleAsync(r => r.Id == id);
        var quotas = await StoredQuotasAsync(db, record);
        var later = Guid.Parse(after["id"]!.GetValue<string>());
        var laterVersion = after["version"]!.GetValue<int>();
        var pinnedLater = DrawRecordVerification.Verify(record, record.Commitment, [new("supervisor", "2718", DrawAt, later, laterVersion)], quotas);
        pinnedLater.FirstDivergence.Should().Be("ruleSetPinned");
        pinnedLater.Checks.Single(c => c.Name == "ruleSetPinned").Expected.Should().Be($"{later:D} v{laterVersion}");
        // The hashed version is checked too: a row naming the pinned id over a document drawn with another version fails.
        var pinnedId = Guid.Parse(before["id"]!.GetValue<string>());
        DrawRecordVerification.Verify(record, record.Commitment, [new("supervisor", "2718", DrawAt, pinnedId, laterVersion)], quotas).FirstDivergence.Should().Be("ruleSetPinned");
        DrawRecordVerification.Verify(record, record.Commitment, [new("supervisor", "2718", DrawAt, pinnedId, before["version"]!.GetValue<int>())], quotas).Matches.Should().BeTrue();
        // Sealed, a failing check of public values (rule-set ids) still shows them; one of sealed values does not.
        DrawRecordVerification.Sealed(pinnedLater).Checks.Single(c => c.Name == "ruleSetPinned").Expected.Should().Be($"{later:D} v{laterVersion}");
        typeof(DrawRecord).GetProperty(nameof(DrawRecord.Seed))!.SetValue(record, new string('0', 64));
        var sealedSeed = DrawRecordVerification.Sealed(DrawRecordVerification.Verify(record, record.Commitment, [new("supervisor", "2718", DrawAt)], quotas));
        sealedSeed.Checks.Single(c => c.Name == "storedSeed").Actual.Should().Be("sealed");
        typeof(DrawRecord).GetProperty(nameof(DrawRecord.Seed))!.SetValue(record, draw["seed"]!.GetValue<string>());
        DrawRecordVerification.Verify(record, record.Commitment, [new("supervisor", "2718", DrawAt)], quotas).Matches
            .Should().BeTrue("rows entered before rule sets were pinned carry none, and the record's own version stands");

        // The class shares its database: the ProjectReview rules go back to the defaults for the tests after this one.
        await Ok(Admin.PutAsJsonAsync("/api/conflict-rules/ProjectReview", new { changeReason = "恢复默认规则", settings = new { } }));
    }

    [Fact]
    public async Task A_scheduled_request_can_still_be_cancelled_but_its_commitment_cannot_be_rewritten()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        await using var db = Factory.Database.CreateContext();
        var q = Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Sqlite ? "\"" : "";
        var key = Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Sqlite ? request.ToString().ToUpperInvariant() : request.ToString();
        var sql = $"UPDATE {q}panel_requests{q} SET \"Commitment\" = '00' WHERE \"Id\" = '{key}'";
        var rewrite = () => db.Database.ExecuteSqlRawAsync(sql);
        (await rewrite.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/cancel", new { reason = "项目延期" }));
        (await db.PanelRequests.AsNoTracking().SingleAsync(r => r.Id == request)).Status.Should().Be(PanelRequestStatus.Cancelled);
    }

    [Fact]
    public async Task Concurrent_draws_of_one_request_make_exactly_one_record_and_the_others_get_a_conflict()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "7" }));

        // Each draw reads its pool and the request's status in one snapshot and commits with it: whichever commits
        // first wins, the others see the request drawn (SQLite waits for the write lock) or fail to commit (PostgreSQL).
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Factory.Admin().PostAsync($"/api/panel-requests/{request}/draw", null))));
        responses.Count(r => r.StatusCode == HttpStatusCode.Created).Should().Be(1, string.Join(", ", responses.Select(r => r.StatusCode)));
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).Should().Be(3);

        await using var db = Factory.Database.CreateContext();
        (await db.DrawRecords.CountAsync(d => d.PanelRequestId == request)).Should().Be(1);
        (await db.Invitations.CountAsync(i => i.PanelRequestId == request)).Should().Be(5, "one panel's members, invited once");
    }

    [Fact]
    public async Task A_draw_waits_for_its_time_and_for_external_entropy_and_changes_nothing_meanwhile()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();

        var early = await ProblemAsync(await Admin.PostAsync($"/api/panel-requests/{request}/draw", null), HttpStatusCode.Conflict);
        early["detail"]!.GetValue<string>().Should().Contain("scheduled");
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "1" }), HttpStatusCode.Conflict);

        AtDrawTime();
        var noEntropy = await ProblemAsync(await Admin.PostAsync($"/api/panel-requests/{request}/draw", null), HttpStatusCode.Conflict);
        noEntropy["detail"]!.GetValue<string>().Should().Contain("entropy");
        var bad = await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "fallback:me", value = "" }), HttpStatusCode.BadRequest);
        bad["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo("source", "value");
        var tooLong = await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = new string('7', 501) }), HttpStatusCode.BadRequest);
        tooLong["errors"]!["value"]![0]!.GetValue<string>().Should().Be("不能超过 500 个字符 / must be at most 500 characters", "both languages say the same");
        // A zero-width space in front of the reserved prefix would read exactly like the service's fallback.
        var disguised = await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "\u200bfallback:server-csprng", value = "0011" }), HttpStatusCode.BadRequest);
        disguised["errors"]!["source"]![0]!.GetValue<string>().Should().Contain("invisible");
        var control = await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "super\u0000visor", value = "58\n1" }), HttpStatusCode.BadRequest);
        control["errors"]!["source"]![0]!.GetValue<string>().Should().Contain("U+0000");
        control["errors"]!["value"]![0]!.GetValue<string>().Should().Contain("one line");

        (await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}"))!["status"]!.GetValue<string>().Should().Be("Scheduled");
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/draws?pageSize=200"))!["items"]!.AsArray()
            .Should().NotContain(d => d!["panelRequestId"]!.GetValue<string>() == request.ToString());
    }

    [Fact]
    public async Task With_the_server_fallback_configured_a_draw_without_entropy_runs_and_records_the_fallback()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        AtDrawTime();
        using var withFallback = Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Draws:EntropyFallback", "ServerRandom");
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Factory.Clock));
        });
        var client = withFallback.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ExpertPoolApiFactory.AdminKey);

        var response = await client.PostAsync($"/api/panel-requests/{request}/draw", null);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var draw = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var record = JsonNode.Parse(await (await Ok(Admin.GetAsync($"/api/draws/{draw["id"]}/record"))).Content.ReadAsStringAsync())!;
        record["externalEntropy"]![0]!["source"]!.GetValue<string>().Should().Be(DrawOptions.FallbackSource);
        record["externalEntropy"]![0]!["value"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{64}$");
        var rows = await Admin.GetFromJsonAsync<JsonArray>($"/api/panel-requests/{request}/entropy");
        rows!.Should().ContainSingle().Which!["ruleSetId"]!.GetValue<string>().Should().Be(record["context"]!["ruleSetId"]!.GetValue<string>(),
            "the fallback row pins the rule set current at the draw");
    }

    [Fact]
    public async Task Too_few_eligible_experts_is_a_recorded_failed_draw_naming_the_shortfall_and_a_redraw_needs_a_new_request()
    {
        if (NotConfigured) return;
        var (r, request, experts) = await ScheduledPanelAsync(experts: 4, count: 5, backups: 2);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = experts[0], reason = "与申报单位有合作 / works with the applicant" }));
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "9" }));

        var draw = await DrawAsync(request);

        draw["outcome"]!.GetValue<string>().Should().Be("Failed");
        var reason = draw["failureReason"]!.GetValue<string>();
        // The whole account in Chinese first, then in English.
        reason.Should().StartWith("符合条件的专家不足：Q1 需要 5 人，可用 3 人（主要回避规则：").And.Contain(" / Not enough eligible experts: Q1 needs 5, 3 available (excluded most by: ");
        reason.Split(" / ").Should().HaveCount(2, "one Chinese half and one English half");
        reason.Split(" / ").Should().AllSatisfy(half => half.Should().Contain("manual-exclusion ×1"));
        draw["selections"]!.AsArray().Should().BeEmpty();
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}"))!["status"]!.GetValue<string>().Should().Be("Failed");
        var verify = await (await Ok(Auditor.PostAsync($"/api/draws/{draw["id"]}/verify", null))).Content.ReadFromJsonAsync<JsonObject>();
        verify!["matches"]!.GetValue<bool>().Should().BeTrue("failed attempts are verifiable too");

        var project = (await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}"))!["projectId"]!.GetValue<string>();
        var noReason = await Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 3, backups = 0 } }, scheduledDrawAt = DrawAt.AddHours(1), replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = request });
        await ProblemAsync(noReason, HttpStatusCode.BadRequest);
        var redraw = await Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 3, backups = 0 } }, scheduledDrawAt = DrawAt.AddHours(1), replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = request, redrawReason = "补抽：原申请人数不足" });
        redraw.StatusCode.Should().Be(HttpStatusCode.Created, await redraw.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_draw_failing_on_many_quotas_is_still_recorded_with_a_shortened_reason_and_too_many_quotas_are_refused()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        await ActiveExpertAsync(r, "唯一专家");
        var project = await CreateProjectAsync();
        var regions = Enumerable.Range(0, 21).Select(_ => new { specialtyCode = r.Root, count = 1, backups = 0 }).ToArray();
        var tooMany = await Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas = regions, scheduledDrawAt = DrawAt, replyDeadline = ReplyBy, supervisorName = "李监督" });
        (await ProblemAsync(tooMany, HttpStatusCode.BadRequest))["errors"]!["quotas"].Should().NotBeNull();
        var nulls = await Admin.PostAsync("/api/panel-requests", new StringContent($"{{\"projectId\":\"{project}\",\"quotas\":[null],\"scheduledDrawAt\":\"2026-11-30T01:00:00Z\",\"replyDeadline\":\"2026-12-01T01:00:00Z\",\"supervisorName\":\"x\"}}", System.Text.Encoding.UTF8, "application/json"));
        await ProblemAsync(nulls, HttpStatusCode.BadRequest);

        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 50, backups = 0 }, new { specialtyCode = r.Leaf1, count = 50, backups = 0 }, new { specialtyCode = r.Leaf2, count = 50, backups = 0 }, new { specialtyCode = r.Other, count = 50, backups = 0 });
        var draw = await DrawAtDrawTimeAsync(request, "5");

        draw["outcome"]!.GetValue<string>().Should().Be("Failed");
        draw["failureReason"]!.GetValue<string>().Should().Contain("Q1").And.Contain("Q4");
    }

    [Fact]
    public async Task Once_entropy_is_in_the_pool_is_frozen_no_exclusion_and_no_project_change_is_accepted()
    {
        if (NotConfigured) return;
        var (_, request, experts) = await ScheduledPanelAsync();
        var projectId = (await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}"))!["projectId"]!.GetValue<string>();
        var project = await Admin.GetFromJsonAsync<JsonObject>($"/api/projects/{projectId}");
        var edited = JsonNode.Parse(JsonSerializer.Serialize(ProjectBody(project!["code"]!.GetValue<string>())))!.AsObject();
        edited["place"] = "杭州市上城区 2 号";

        // Before the draw time and without entropy, both are still accepted.
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = experts[0], reason = "近亲属在申请单位任职" }));
        await Ok(PutProjectAsync(projectId, edited));

        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "271828" }));
        var exclusion = await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/exclusions", new { expertId = experts[1], reason = "临时排除" }), HttpStatusCode.Conflict);
        exclusion["detail"]!.GetValue<string>().Should().Contain("候选范围已冻结");
        edited["place"] = "宁波市海曙区 3 号";
        (await ProblemAsync(await PutProjectAsync(projectId, edited), HttpStatusCode.Conflict))["detail"]!.GetValue<string>().Should().Contain("项目已冻结");

        var stored = await Admin.GetFromJsonAsync<JsonArray>($"/api/panel-requests/{request}/exclusions");
        stored!.Select(x => Guid.Parse(x!["expertId"]!.GetValue<string>())).Should().Equal(experts[0]);
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/projects/{projectId}"))!["place"]!.GetValue<string>().Should().Be("杭州市上城区 2 号");
    }

    [Fact]
    public async Task A_request_takes_one_external_entropy_value()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "福彩3D 2026330期", value = "4 0 9" }));
        var second = await ProblemAsync(await Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "77" }), HttpStatusCode.Conflict);
        second["detail"]!.GetValue<string>().Should().Contain("只能录入一次");

        var draw = await DrawAsync(request);
        var record = JsonNode.Parse(await (await Ok(Admin.GetAsync($"/api/draws/{draw["id"]}/record"))).Content.ReadAsStringAsync())!;
        record["externalEntropy"]!.AsArray().Select(e => e!["value"]!.GetValue<string>()).Should().Equal("4 0 9");
    }

    [Fact]
    public async Task A_project_with_a_scheduled_draw_cannot_move_its_review_before_the_reply_deadline()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        var projectId = (await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}"))!["projectId"]!.GetValue<string>();
        var project = await Admin.GetFromJsonAsync<JsonObject>($"/api/projects/{projectId}");
        var moved = JsonNode.Parse(JsonSerializer.Serialize(ProjectBody(project!["code"]!.GetValue<string>())))!.AsObject();
        moved["reviewStartsAt"] = ReplyBy.AddHours(-1);

        var problem = await ProblemAsync(await PutProjectAsync(projectId, moved), HttpStatusCode.BadRequest);
        problem["errors"]!["reviewStartsAt"]![0]!.GetValue<string>().Should().Contain(request.ToString());
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/projects/{projectId}"))!["reviewStartsAt"]!.GetValue<DateTime>().Should().Be(ReviewStartsAt);

        moved["reviewStartsAt"] = ReplyBy;
        await Ok(PutProjectAsync(projectId, moved));

        // Nor so much later that the scheduled draw would come more than 72 hours (Draws:MaxLeadTime) before it.
        moved["reviewStartsAt"] = DrawAt.AddHours(73);
        var late = await ProblemAsync(await PutProjectAsync(projectId, moved), HttpStatusCode.BadRequest);
        late["errors"]!["reviewStartsAt"]![0]!.GetValue<string>().Should().Contain(request.ToString()).And.Contain("MaxLeadTime");
        moved["reviewStartsAt"] = DrawAt.AddHours(72);
        await Ok(PutProjectAsync(projectId, moved));
    }

    [Fact]
    public async Task A_draw_cannot_be_scheduled_longer_before_the_review_than_the_lead_time()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var project = await CreateProjectAsync();
        object Body(DateTime drawAt) => new { projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 1 } }, scheduledDrawAt = drawAt, replyDeadline = ReplyBy, supervisorName = "李监督" };

        var early = await ProblemAsync(await Admin.PostAsJsonAsync("/api/panel-requests", Body(ReviewStartsAt.AddHours(-73))), HttpStatusCode.BadRequest);
        early["errors"]!["scheduledDrawAt"]![0]!.GetValue<string>().Should().Contain("no earlier than 3 days before the review").And.Contain("评审开始前 3 天");
        (await Admin.PostAsJsonAsync("/api/panel-requests", Body(ReviewStartsAt.AddHours(-72)))).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_draw_is_refused_once_the_reply_deadline_has_passed_and_nothing_is_recorded()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "9" }));
        Factory.Clock.Set(ReplyBy);

        var problem = await ProblemAsync(await Admin.PostAsync($"/api/panel-requests/{request}/draw", null), HttpStatusCode.Conflict);
        problem["detail"]!.GetValue<string>().Should().Contain("答复截止时间").And.Contain("reply deadline");
        Factory.Clock.Set(ReviewStartsAt);
        (await ProblemAsync(await Admin.PostAsync($"/api/panel-requests/{request}/draw", null), HttpStatusCode.Conflict))["detail"]!.GetValue<string>()
            .Should().Contain("评审已于");
        await using var db = Factory.Database.CreateContext();
        (await db.DrawRecords.CountAsync(d => d.PanelRequestId == request)).Should().Be(0);
        (await db.PanelRequests.SingleAsync(r => r.Id == request)).Status.Should().Be(PanelRequestStatus.Scheduled);
    }

    [Fact]
    public async Task A_quota_left_short_by_an_earlier_overlapping_quota_says_so_in_both_languages()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 3; i++)
            await ActiveExpertAsync(r, $"重叠专家{i}");
        var project = await CreateProjectAsync();
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 3, backups = 0 }, new { specialtyCode = r.Leaf1, count = 1, backups = 0 });
        AtDrawTime();
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "11" }));

        var draw = await DrawAsync(request);

        draw["outcome"]!.GetValue<string>().Should().Be("Failed");
        var reason = draw["failureReason"]!.GetValue<string>();
        reason.Should().Contain("Q2 需要 1 人，可用 0 人").And.Contain("；3 人已被前序配额抽中）")
            .And.Contain("Q2 needs 1, 0 available").And.Contain("; 3 drawn for earlier overlapping quotas)");
        reason.IndexOf("3 人已被前序配额抽中", StringComparison.Ordinal).Should().BeLessThan(reason.IndexOf(" / ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auditors_see_the_panel_sealed_until_the_review_starts_and_statistics_count_what_is_visible()
    {
        if (NotConfigured) return;
        var (_, request, _) = await ScheduledPanelAsync();
        var draw = await DrawAtDrawTimeAsync(request, "77");
        var id = draw["id"]!.GetValue<string>();

        var sealedView = await Auditor.GetFromJsonAsync<JsonObject>($"/api/draws/{id}");
        sealedView!["sealed"]!.GetValue<bool>().Should().BeTrue();
        sealedView["selections"]!.AsArray().Should().BeEmpty();
        sealedView["seed"]!.GetValue<string>().Should().Be("sealed", "the seed and the public ranking would rebuild the panel");
        sealedView["nonce"]!.GetValue<string>().Should().Be("sealed");
        var sealedRequest = await Auditor.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}");
        sealedRequest!["revealedNonce"]!.GetValue<string>().Should().Be("sealed", "the request's nonce with its entropy would rebuild the panel as well");
        var listed = await Auditor.GetFromJsonAsync<JsonObject>($"/api/panel-requests?projectId={draw["projectId"]!.GetValue<string>()}");
        listed!["items"]!.AsArray().Should().OnlyContain(r => r!["revealedNonce"] == null || r["revealedNonce"]!.GetValue<string>() == "sealed");
        var adminRequest = await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}");
        adminRequest!["revealedNonce"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{64}$");
        var sealedVerify = await (await Ok(Auditor.PostAsync($"/api/draws/{id}/verify", null))).Content.ReadAsStringAsync();
        sealedVerify.Should().Contain("\"matches\":true").And.NotContain(draw["nonce"]!.GetValue<string>()).And.NotContain(draw["seed"]!.GetValue<string>())
            .And.NotContain(draw["poolHash"]!.GetValue<string>(), "verification must not hand out what the draw view withholds");
        (await (await Ok(Admin.PostAsync($"/api/draws/{id}/verify", null))).Content.ReadAsStringAsync()).Should().Contain(draw["commitment"]!.GetValue<string>());
        (await Auditor.GetAsync($"/api/panel-requests/{request}/eligibility")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await Auditor.GetAsync($"/api/draws/{id}/record")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var before = await Auditor.GetFromJsonAsync<JsonObject>("/api/audit/selection-counts");
        before!["experts"]!.AsArray().Should().NotContain(e => draw["selections"]!.AsArray().Any(s => s!["expertId"]!.GetValue<string>() == e!["expertId"]!.GetValue<string>()));
        var adminCounts = await Admin.GetFromJsonAsync<JsonObject>("/api/audit/selection-counts");
        before["draws"]!.GetValue<int>().Should().Be(adminCounts!["draws"]!.GetValue<int>(), "every attempt is counted for auditors too, failed ones included");
        before["failedDraws"]!.GetValue<int>().Should().Be(adminCounts["failedDraws"]!.GetValue<int>());
        before["sealedDraws"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1, "this draw's panel is sealed");
        adminCounts["sealedDraws"]!.GetValue<int>().Should().Be(0);

        Factory.Clock.Set(ReviewStartsAt.AddMinutes(1));
        var open = await Auditor.GetFromJsonAsync<JsonObject>($"/api/draws/{id}");
        open!["sealed"]!.GetValue<bool>().Should().BeFalse();
        open["seed"]!.GetValue<string>().Should().Be(draw["seed"]!.GetValue<string>());
        (await Auditor.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}"))!["revealedNonce"]!.GetValue<string>()
            .Should().Be(adminRequest["revealedNonce"]!.GetValue<string>());
        open["selections"]!.AsArray().Should().HaveCount(7);
        (await Auditor.GetAsync($"/api/draws/{id}/record")).StatusCode.Should().Be(HttpStatusCode.OK);
        var after = await Auditor.GetFromJsonAsync<JsonObject>("/api/audit/selection-counts");
        foreach (var s in draw["selections"]!.AsArray())
        {
            var row = after!["experts"]!.AsArray().Single(e => e!["expertId"]!.GetValue<string>() == s!["expertId"]!.GetValue<string>());
            (row!["members"]!.GetValue<int>() + row["backups"]!.GetValue<int>()).Should().BeGreaterThanOrEqualTo(1);
        }
    }
}

public sealed class SqliteDrawsApiTests(SqliteApiFactory factory, ITestOutputHelper output) : DrawsApiTests<SqliteApiFactory>(factory, output);

public sealed class PostgresDrawsApiTests(PostgresApiFactory factory, ITestOutputHelper output) : DrawsApiTests<PostgresApiFactory>(factory, output);
