using ExpertPool.Domain.Conflicts;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Invitations;
using ExpertPool.Domain.Notices;
using ExpertPool.Tests.Api;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Worker;

/// <summary>
/// Replacement (递补) after the draw: a backup is checked against every conflict rule again before being invited, a
/// supplementary draw never takes another draw's backup, and no seat is offered when there is no time left to answer.
/// </summary>
public abstract class ReplacementRulesTests<TFactory>(TFactory factory, ITestOutputHelper output) : ApiTestBase<TFactory>(factory, output)
    where TFactory : ExpertPoolApiFactory
{
    [Fact]
    public async Task SupplementaryDraw_NeverTakesABackupAnotherDrawOfTheProjectHasNotReachedYet()
    {
        if (NotConfigured) return;
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        var a1 = await ActiveExpertAsync(r, "甲一", specialty: r.Leaf1);
        await ActiveExpertAsync(r, "乙一", specialty: r.Leaf2);
        await ActiveExpertAsync(r, "乙二", specialty: r.Leaf2);
        var project = await CreateProjectAsync();
        // Q1 (Leaf2: one member, one backup) takes both Leaf2 experts; Q2 (the whole subtree, no backup) takes a1.
        var request = await ScheduleAsync(project, new { specialtyCode = r.Leaf2, count = 1, backups = 1 }, new { specialtyCode = r.Root, count = 1, backups = 0 });
        var first = await DrawAsync(request, DrawAt, "11");
        var q1Backup = await BackupAsync(first, "Q1");
        var a1Invitation = (await ProjectInvitationsAsync(project)).Single(i => i.ExpertId == a1);
        await DeclineAsync(a1Invitation.Id);

        // The supplementary draw for Q2's empty seat: the only expert of the subtree not invited is Q1's backup, held in reserve.
        var supplementary = await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = project,
            quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 0 } },
            scheduledDrawAt = DrawAt.AddHours(1),
            replyDeadline = ReplyBy,
            supervisorName = "李监督",
            supersedesRequestId = request,
            redrawReason = "补抽：候补专家已用尽",
        }));
        var next = Guid.Parse((await supplementary.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        var report = await EligibilityAsync(next);
        var reserved = report["exclusions"]!.AsArray().Single(x => x!["expertId"]!.GetValue<Guid>() == q1Backup)!["reasons"]!.AsArray().Single()!;
        reserved["rule"]!.GetValue<string>().Should().Be("already-invited");
        reserved["evidence"]!.GetValue<string>().Should().Contain("名额 Q1 的第 1 位候补").And.Contain("backup 1 of quota Q1");
        report["quotas"]![0]!["eligibleExpertIds"]!.AsArray().Should().BeEmpty();
        await using (var db = Factory.Database.CreateContext())
            (await ExpertPool.Domain.Conflicts.EligiblePoolsQuery.ReadAsync(db, next, CancellationToken.None))["Q1"].Should().BeEmpty("the one-statement query states the same rule (decision 038)");
        var second = await DrawAsync(next, DrawAt.AddHours(1), "22");
        await using (var db = Factory.Database.CreateContext())
            (await db.DrawRecords.SingleAsync(d => d.Id == second)).Outcome.Should().Be(DrawRecordOutcome.Failed, "nobody else of the subtree is free");

        // Q1's member declines: the reserve is invited, once.
        var q1Member = (await ProjectInvitationsAsync(project)).Single(i => i.QuotaKey == "Q1");
        await DeclineAsync(q1Member.Id);
        var invitations = await ProjectInvitationsAsync(project);
        invitations.Where(i => i.ExpertId == q1Backup).Should().ContainSingle().Which.Status.Should().Be(InvitationStatus.Pending);
        invitations.GroupBy(i => i.ExpertId).Should().AllSatisfy(g => g.Should().ContainSingle("an expert holds at most one seat of a panel"));
    }

    [Fact]
    public async Task Backup_FoundEmployedByTheApplicantAfterTheDraw_IsPassedOverWithTheLabourRule()
    {
        if (NotConfigured) return;
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 3; i++)
            await ActiveExpertAsync(r, $"雇佣{i}");
        var applicant = await CreateOrganisationAsync("申报单位" + TestData.Suffix());
        var project = await CreateProjectAsync(parties: [new { organisationId = applicant, role = "Applicant" }]);
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups = 2 });
        var draw = await DrawAsync(request, DrawAt, "55");
        var member = (await ProjectInvitationsAsync(project)).Single();
        var first = await BackupAsync(draw, "Q1", rank: 1);
        var second = await BackupAsync(draw, "Q1", rank: 2);
        // After the draw the administrator records that backup 1 works for the applicant.
        await AddRelationAsync(first, applicant, "Employment", "2020-01-01", null);
        Factory.Clock.Set(DrawAt.AddHours(1));
        await DeclineAsync(member.Id);

        var invitations = await ProjectInvitationsAsync(project);
        var passedOver = invitations.Single(i => i.ExpertId == first);
        passedOver.Status.Should().Be(InvitationStatus.Skipped);
        passedOver.CancelReason.Should().StartWith("labour-relation:").And.Contain("申报单位");
        invitations.Single(i => i.ExpertId == second).Status.Should().Be(InvitationStatus.Pending, "the next backup in rank order is invited");
    }

    [Fact]
    public async Task Member_WithARelationRecordedAfterTheDraw_CannotConfirm_AndTheSeatPassesOn()
    {
        if (NotConfigured) return;
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 2; i++)
            await ActiveExpertAsync(r, $"董事{i}");
        var partner = await CreateOrganisationAsync("合作单位" + TestData.Suffix());
        var project = await CreateProjectAsync(parties: [new { organisationId = partner, role = "Partner" }]);
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups = 1 });
        var draw = await DrawAsync(request, DrawAt, "66");
        var member = (await ProjectInvitationsAsync(project)).Single();
        await AddRelationAsync(member.ExpertId, partner, "Director", "2025-01-01", null);

        await using (var scope = Factory.Services.CreateAsyncScope())
            (await scope.ServiceProvider.GetRequiredService<InvitationService>().ConfirmAsync(member.Id, CancellationToken.None)).Status.Should().Be(InvitationStatus.Cancelled);
        var invitations = await ProjectInvitationsAsync(project);
        invitations.Single(i => i.Id == member.Id).CancelReason.Should().Contain("governance-relation:");
        var backup = await BackupAsync(draw, "Q1");
        invitations.Single(i => i.ExpertId == backup).Status.Should().Be(InvitationStatus.Pending);
    }

    [Fact]
    public async Task SeatVacatedMinutesBeforeTheReview_IsNotOffered_AndTheAdministratorIsToldItIsTooLate()
    {
        if (NotConfigured) return;
        var (project, draw, member) = await ConfirmedMemberAsync(backups: 1, "临场");
        // Two minutes before the review the member leaves the pool (decision 032): the seat falls vacant.
        Factory.Clock.Set(ReviewStartsAt.AddMinutes(-2));
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{member.ExpertId}/status", new { status = "Suspended", reason = "临时暂停" }));

        var invitations = await ProjectInvitationsAsync(project);
        invitations.Should().ContainSingle("the backup could not answer before the review: no invitation is made");
        await using var db = Factory.Database.CreateContext();
        var notices = await db.Set<OutboxMessage>().Where(m => m.CorrelationId!.StartsWith($"draw:{draw}:")).Select(m => m.CorrelationId).ToListAsync();
        notices.Should().Contain($"draw:{draw}:Q1:too-late-to-replace").And.NotContain($"draw:{draw}:Q1:backups-exhausted");
    }

    [Fact]
    public async Task InvitationExpiringAtTheReviewStart_DoesNotClaimTheBackupsAreExhausted()
    {
        if (NotConfigured) return;
        var (project, draw, member) = await ConfirmedMemberAsync(backups: 2, "开场");
        // Suspended 3 hours before the review: backup 1's deadline is cut at the review start, never past it.
        Factory.Clock.Set(ReviewStartsAt.AddHours(-3));
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{member.ExpertId}/status", new { status = "Suspended", reason = "临时暂停" }));
        var backup = (await ProjectInvitationsAsync(project)).Single(i => i.Id != member.Id);
        backup.Deadline.Should().Be(ReviewStartsAt);

        Factory.Clock.Set(ReviewStartsAt.AddSeconds(30));
        await using (var scope = Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<InvitationService>().ExpireDueAsync(CancellationToken.None);
        (await ProjectInvitationsAsync(project)).Should().HaveCount(2, "backup 2 is not invited after the review started");
        await using var db = Factory.Database.CreateContext();
        var notices = await db.Set<OutboxMessage>().Where(m => m.CorrelationId!.StartsWith($"draw:{draw}:")).ToListAsync();
        notices.Select(m => m.CorrelationId).Should().Contain($"draw:{draw}:Q1:too-late-to-replace").And.NotContain($"draw:{draw}:Q1:backups-exhausted");
        var notice = notices.Single(m => m.CorrelationId == $"draw:{draw}:Q1:too-late-to-replace");
        notice.Subject.Should().StartWith("【专家库】评审前来不及递补 Seat not filled before the review");
    }

    [Fact]
    public async Task ReleasingAConfirmedSeat_CancelsIt_RemovesTheEngagement_TellsTheExpert_AndInvitesTheNextBackup()
    {
        if (NotConfigured) return;
        var (project, draw, member) = await ConfirmedMemberAsync(backups: 1, "释放");
        var url = $"/api/draws/{draw}/invitations/{member.Id}/release";

        (await Auditor.PostAsJsonAsync(url, new { reason = "本人来电不能出席" })).StatusCode.Should().Be(System.Net.HttpStatusCode.Forbidden);
        (await ProblemAsync(await Admin.PostAsJsonAsync(url, new { reason = " " }), System.Net.HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key).Should().Equal("reason");
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/draws/{Guid.NewGuid()}/invitations/{member.Id}/release", new { reason = "x" }), System.Net.HttpStatusCode.NotFound);
        (await ProjectInvitationsAsync(project)).Single().Status.Should().Be(InvitationStatus.Confirmed, "a refused release changes nothing");

        Factory.Clock.Set(DrawAt.AddHours(2));
        var seats = (await (await Ok(Admin.PostAsJsonAsync(url, new { reason = "本人来电不能出席" }))).Content.ReadFromJsonAsync<JsonArray>())!;
        seats.Select(x => (x!["id"]!.GetValue<Guid>(), x["status"]!.GetValue<string>())).Should().Equal(
            (member.Id, "Cancelled"), ((await ProjectInvitationsAsync(project)).Single(i => i.Id != member.Id).Id, "Pending"));
        seats.Single(x => x!["id"]!.GetValue<Guid>() == member.Id)!["cancelReason"]!.GetValue<string>().Should().Be("本人来电不能出席");
        await using (var db = Factory.Database.CreateContext())
        {
            (await db.ExpertEngagements.AnyAsync(e => e.ExpertId == member.ExpertId && e.ProjectId == project)).Should().BeFalse("a released seat is no engagement");
            (await db.Set<OutboxMessage>().CountAsync(m => m.CorrelationId == member.Id.ToString() && m.Kind == NoticeKind.Cancellation)).Should().Be(1);
        }
        await ProblemAsync(await Admin.PostAsJsonAsync(url, new { reason = "再次释放" }), System.Net.HttpStatusCode.Conflict);

        var backup = (await ProjectInvitationsAsync(project)).Single(i => i.Id != member.Id);
        Factory.Clock.Set(ReviewStartsAt);
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/draws/{draw}/invitations/{backup.Id}/release", new { reason = "评审已开始" }), System.Net.HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task PassedOverBackup_TheReasonNamesNoOtherProjectWhosePanelIsStillSealed()
    {
        if (NotConfigured) return;
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 3; i++)
            await ActiveExpertAsync(r, $"冷却{i}");
        var applicant = await CreateOrganisationAsync("申报单位" + TestData.Suffix());
        var party = new object[] { new { organisationId = applicant, role = "Applicant" } };
        var project = await CreateProjectAsync(parties: party);
        // Another project of the same applicant, reviewed two weeks later: its panel stays sealed until then.
        var laterCode = "XM-LATER-" + TestData.Suffix();
        var laterStart = ReviewStartsAt.AddDays(14);
        var laterBody = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ProjectBody(laterCode, parties: party)))!.AsObject();
        laterBody["reviewStartsAt"] = laterStart;
        var later = Guid.Parse((await (await Ok(Admin.PostAsJsonAsync("/api/projects", laterBody))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());

        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups = 2 });
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "12" }));
        var draw = Guid.Parse((await (await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        Guid backup;
        Invitation member;
        await using (var db = Factory.Database.CreateContext())
        {
            backup = await db.DrawSelections.Where(s => s.DrawRecordId == draw && s.Role == SelectionRole.Backup && s.Rank == 1).Select(s => s.ExpertId).SingleAsync();
            member = await db.Invitations.SingleAsync(i => i.DrawRecordId == draw);
            // After the draw, backup 1 confirms a seat on the later project (its panel is sealed until it starts).
            db.ExpertEngagements.Add(ExpertEngagement.Confirm(backup, later, null, applicant, DateOnly.FromDateTime(laterStart), DrawAt.AddMinutes(30)));
            await db.SaveChangesAsync();
        }
        Factory.Clock.Set(DrawAt.AddHours(1));
        await using (var scope = Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<InvitationService>().DeclineAsync(member.Id, DeclineKind.Unavailable, null, null, CancellationToken.None);

        // This project's review has started; the later one has not.
        Factory.Clock.Set(ReviewStartsAt.AddHours(1));
        var seen = await Auditor.GetStringAsync($"/api/draws/{draw}/invitations");
        seen.Should().NotContain(laterCode, "decision 028: nothing shown to a non-administrator may reveal a member of another panel still sealed");
        (await ProjectInvitationsAsync(project)).Single(i => i.ExpertId == backup).Should().Match<Invitation>(i => i.Status == InvitationStatus.Skipped && i.CancelReason!.StartsWith("cooldown:"));
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /// <summary>A one-seat panel drawn at <see cref="ApiTestBase{TFactory}.DrawAt"/> from enough experts for its backups, its member confirmed.</summary>
    private async Task<(Guid Project, Guid Draw, Invitation Member)> ConfirmedMemberAsync(int backups, string names)
    {
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i <= backups + 1; i++)
            await ActiveExpertAsync(r, $"{names}{i}");
        var project = await CreateProjectAsync();
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups });
        var draw = await DrawAsync(request, DrawAt, names);
        var member = (await ProjectInvitationsAsync(project)).Single();
        await ConfirmAsync(member.Id);
        return (project, draw, member);
    }

    private async Task<Guid> DrawAsync(Guid request, DateTime at, string entropy)
    {
        Factory.Clock.Set(at);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = entropy }));
        var draw = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        return Guid.Parse(draw["id"]!.GetValue<string>());
    }

    private async Task<List<Invitation>> ProjectInvitationsAsync(Guid project)
    {
        await using var db = Factory.Database.CreateContext();
        return await db.Invitations.AsNoTracking().Where(i => i.ProjectId == project).ToListAsync();
    }

    private async Task<Guid> BackupAsync(Guid draw, string quota, int rank = 1)
    {
        await using var db = Factory.Database.CreateContext();
        return await db.DrawSelections.Where(s => s.DrawRecordId == draw && s.QuotaKey == quota && s.Role == SelectionRole.Backup && s.Rank == rank)
            .Select(s => s.ExpertId).SingleAsync();
    }

    private async Task DeclineAsync(Guid invitation)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<InvitationService>().DeclineAsync(invitation, DeclineKind.Unavailable, null, null, CancellationToken.None);
    }

    private async Task ConfirmAsync(Guid invitation)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<InvitationService>().ConfirmAsync(invitation, CancellationToken.None)).Status.Should().Be(InvitationStatus.Confirmed);
    }
}

public sealed class SqliteReplacementRulesTests(SqliteApiFactory factory, ITestOutputHelper output) : ReplacementRulesTests<SqliteApiFactory>(factory, output);

public sealed class PostgresReplacementRulesTests(PostgresApiFactory factory, ITestOutputHelper output) : ReplacementRulesTests<PostgresApiFactory>(factory, output);
