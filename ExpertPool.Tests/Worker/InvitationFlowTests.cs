using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ExpertPool.Domain.Invitations;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Api;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Worker;

/// <summary>The Api host with mail going to a real SMTP server on loopback.</summary>
public class SmtpApiFactory : ExpertPoolApiFactory
{
    public SmtpApiFactory() : this(DatabaseProvider.Sqlite)
    {
    }

    protected SmtpApiFactory(DatabaseProvider provider) : base(provider)
    {
    }

    public SmtpServer Smtp { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Smtp = await SmtpServer.CreateAsync();
        await base.InitializeAsync();
    }

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings() =>
    [
        ("Mail:Transport", "Smtp"),
        ("Mail:Smtp:Host", "127.0.0.1"),
        ("Mail:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Invitations:AdministratorEmail", "office@expertpool.example.cn"),
    ];

    protected override async ValueTask DisposeExtrasAsync() => await Smtp.DisposeAsync();
}

public sealed class PostgresSmtpApiFactory : SmtpApiFactory
{
    public PostgresSmtpApiFactory() : base(DatabaseProvider.Postgres)
    {
    }
}

/// <summary>
/// A draw sends invitations that arrive over SMTP; the links confirm and decline; a decline and an expiry pass the seat
/// to the next backup in rank order; when backups run out the administrator is told. Runs once per provider.
/// </summary>
public abstract partial class InvitationFlowTests<TFactory>(TFactory factory, ITestOutputHelper output) : ApiTestBase<TFactory>(factory, output)
    where TFactory : SmtpApiFactory
{
    [GeneratedRegex(@"http://localhost/invitations/(confirm|decline)\?t=[A-Za-z0-9_\-\.]+")]
    private static partial Regex LinkPattern();

    private async Task SendAllAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OutboxSender>().SendDueAsync(CancellationToken.None);
    }

    /// <summary>
    /// The mails received so far, once at least <paramref name="atLeast"/> of them are <paramref name="mine"/> (or 10 s
    /// passed). The class shares one database and one sink, so a test counts only the mails to its own experts: notices an
    /// earlier test left in the outbox may be sent during a later one.
    /// </summary>
    private async Task<List<ParsedMail>> MailsAsync(int atLeast, Func<ParsedMail, bool>? mine = null)
    {
        await SendAllAsync();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var mails = (await SmtpServer.ParseAsync(await Factory.Smtp.WaitForAsync(atLeast))).Where(m => mine?.Invoke(m) ?? true).ToList();
            if (mails.Count >= atLeast || DateTime.UtcNow > until)
                return mails;
            await Task.Delay(100);
        }
    }

    private static string Link(ParsedMail mail, string kind) =>
        LinkPattern().Matches(string.Concat(mail.Parts.Select(p => p.Text))).Select(m => m.Value).First(l => l.Contains("/" + kind + "?", StringComparison.Ordinal));

    private async Task<Dictionary<Guid, Invitation>> InvitationsAsync(Guid request)
    {
        await using var db = Factory.Database.CreateContext();
        return await db.Invitations.AsNoTracking().Where(i => i.PanelRequestId == request).ToDictionaryAsync(i => i.ExpertId);
    }

    /// <summary>What the workload cap and the cooldown count for the expert: engagements and the per-year counts the triggers keep.</summary>
    private async Task<(int Engagements, int YearCount)> WorkloadOfAsync(Guid expertId)
    {
        await using var db = Factory.Database.CreateContext();
        return (await db.ExpertEngagements.CountAsync(e => e.ExpertId == expertId),
            await db.ExpertEngagementYears.Where(y => y.ExpertId == expertId).SumAsync(y => y.Count));
    }

    [Fact]
    public async Task A_draw_invites_members_by_mail_and_the_links_confirm_decline_and_pass_seats_to_backups_in_rank_order()
    {
        if (NotConfigured) return;
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        var experts = new Dictionary<Guid, string>();
        for (var i = 0; i < 6; i++)
        {
            var name = $"邀请专家{i}";
            experts[await ActiveExpertAsync(r, name)] = name;
        }
        var project = await CreateProjectAsync("AcceptanceCheck");
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 3, backups = 2 });
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "2718" }));
        var draw = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        var seats = draw["selections"]!.AsArray().Select(s => (Role: s!["role"]!.GetValue<string>(), Rank: s["rank"]!.GetValue<int>(), Id: Guid.Parse(s["expertId"]!.GetValue<string>()))).ToList();
        var members = seats.Where(s => s.Role == "Member").OrderBy(s => s.Rank).Select(s => s.Id).ToList();
        var backups = seats.Where(s => s.Role == "Backup").OrderBy(s => s.Rank).Select(s => s.Id).ToList();
        var projectCode = (await Admin.GetFromJsonAsync<JsonObject>($"/api/projects/{project}"))!["code"]!.GetValue<string>();
        bool Mine(ParsedMail m) => experts.ContainsValue(m.ToName);

        // Invitations arrive, one per member, with the Chinese subject, the project code (never the name) and both links.
        var mails = await MailsAsync(3, Mine);
        mails.Should().HaveCount(3);
        mails.Select(m => m.ToName).Should().BeEquivalentTo(members.Select(m => experts[m]));
        foreach (var m in mails)
        {
            m.Defects.Should().BeEmpty();
            m.Subject.Should().Contain("项目验收").And.Contain(projectCode);
            string.Concat(m.Parts.Select(p => p.Text)).Should().NotContain("质量提升示范项目", "experts see the project code, not its name, until they confirm");
            m.Parts.Select(p => p.ContentType).Should().Contain(["text/plain", "text/html"]);
        }
        var mailOf = mails.ToDictionary(m => members.Single(id => experts[id] == m.ToName));

        // A bare GET of the confirm link (as a mail scanner would) changes nothing.
        var confirmLink = Link(mailOf[members[0]], "confirm");
        var anonymous = Factory.CreateClient((string?)null);
        var page = await anonymous.GetAsync(confirmLink);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).Should().Contain(projectCode).And.Contain("确认参加");
        (await InvitationsAsync(request))[members[0]].Status.Should().Be(InvitationStatus.Pending);

        // Posting the form confirms; clicking again shows the state; a receipt with a calendar file arrives.
        var token = new Uri(confirmLink).Query["?t=".Length..];
        var confirmed = await anonymous.PostAsync("/invitations/confirm", new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = token }));
        (await confirmed.Content.ReadAsStringAsync()).Should().Contain("您已确认参加");
        (await InvitationsAsync(request))[members[0]].Status.Should().Be(InvitationStatus.Confirmed);
        (await (await anonymous.GetAsync(confirmLink)).Content.ReadAsStringAsync()).Should().Contain("您已确认参加").And.NotContain("id=\"confirm\"");
        var receipt = (await MailsAsync(4, Mine)).Single(m => !mails.Any(x => x.MessageId == m.MessageId));
        receipt.ToName.Should().Be(experts[members[0]]);
        receipt.Parts.Should().Contain(p => p.ContentType == "text/calendar");

        // An hour later a member declines: the seat passes to backup 1 (with its own reply window); the next mail is its invitation.
        Factory.Clock.Set(DrawAt.AddHours(1));
        var declineToken = new Uri(Link(mailOf[members[1]], "decline")).Query["?t=".Length..];
        var declined = await anonymous.PostAsync("/invitations/decline", new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = declineToken, ["kind"] = "Unavailable", ["reason"] = "出差 / travelling，请联系助理 13812345678" }));
        (await declined.Content.ReadAsStringAsync()).Should().Contain("您已谢绝");
        var afterDecline = await InvitationsAsync(request);
        afterDecline[members[1]].Status.Should().Be(InvitationStatus.Declined);
        afterDecline[backups[0]].ReplacesInvitationId.Should().Be(afterDecline[members[1]].Id);
        (await MailsAsync(5, Mine)).Should().Contain(m => m.ToName == experts[backups[0]]);

        // Letting the deadline pass expires member 3 and invites backup 2.
        Factory.Clock.Set(afterDecline[members[2]].Deadline.AddMinutes(1));
        await using (var scope = Factory.Services.CreateAsyncScope())
            (await scope.ServiceProvider.GetRequiredService<InvitationService>().ExpireDueAsync(CancellationToken.None)).Should().BeGreaterThanOrEqualTo(1);
        var afterExpiry = await InvitationsAsync(request);
        afterExpiry[members[2]].Status.Should().Be(InvitationStatus.Expired);
        afterExpiry[backups[1]].ReplacesInvitationId.Should().Be(afterExpiry[members[2]].Id);
        (await MailsAsync(6, Mine)).Should().Contain(m => m.ToName == experts[backups[1]]);

        // The administrator watches the seats: who confirmed, declined, expired, and who replaced whom.
        var seatsView = await Admin.GetFromJsonAsync<JsonArray>($"/api/draws/{draw["id"]}/invitations");
        seatsView!.Select(x => x!["status"]!.GetValue<string>()).Should().BeEquivalentTo(["Confirmed", "Declined", "Expired", "Pending", "Pending"]);
        (await Auditor.GetAsync($"/api/draws/{draw["id"]}/invitations")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        seatsView!.Single(x => x!["status"]!.GetValue<string>() == "Declined")!["declineReason"]!.GetValue<string>().Should().EndWith("13812345678");
        // Once the review has started an auditor sees the seats too, with the numbers in an expert's own words masked.
        var watching = Factory.Clock.GetUtcNow();
        Factory.Clock.Set(ReviewStartsAt.AddMinutes(1));
        var auditorView = await Auditor.GetFromJsonAsync<JsonArray>($"/api/draws/{draw["id"]}/invitations");
        auditorView!.Single(x => x!["status"]!.GetValue<string>() == "Declined")!["declineReason"]!.GetValue<string>().Should().Be("出差 / travelling，请联系助理 138****5678");
        Factory.Clock.Set(watching);

        // An expired link gets a clear page and changes nothing.
        var expired = await anonymous.GetAsync(Link(mailOf[members[2]], "confirm"));
        expired.StatusCode.Should().Be(HttpStatusCode.Gone);
        (await expired.Content.ReadAsStringAsync()).Should().Contain("链接已过期");

        // The review is called off: open and confirmed seats are cancelled and those experts told, and the confirmed
        // seat no longer counts towards the expert's workload or cooldown.
        (await WorkloadOfAsync(members[0])).Should().Be((1, 1), "the confirmation recorded one engagement");
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/draws/{draw["id"]}/withdraw", new { reason = "" }), HttpStatusCode.BadRequest);
        var withdrawn = await (await Ok(Admin.PostAsJsonAsync($"/api/draws/{draw["id"]}/withdraw", new { reason = "评审会议取消 / review cancelled" }))).Content.ReadFromJsonAsync<JsonObject>();
        withdrawn!["cancelledInvitations"]!.GetValue<int>().Should().Be(3, "one confirmed and two pending seats");
        var cancellations = (await MailsAsync(9, Mine)).Where(m => m.Subject.Contains("取消", StringComparison.Ordinal) || m.Subject.Contains("Cancel", StringComparison.OrdinalIgnoreCase)).ToList();
        cancellations.Select(m => m.ToName).Should().BeEquivalentTo(new[] { members[0], backups[0], backups[1] }.Select(id => experts[id]));
        // The confirmed expert's calendar entry (from the receipt) is cancelled by the same UID; the others never had one.
        static string Uid(ParsedMail m) => m.Parts.Single(p => p.ContentType == "text/calendar").Text!.Split("\r\n").Single(l => l.StartsWith("UID:", StringComparison.Ordinal));
        var calendarCancel = cancellations.Single(m => m.ToName == experts[members[0]]);
        calendarCancel.Parts.Single(p => p.ContentType == "text/calendar").Text.Should().Contain("METHOD:CANCEL").And.Contain("STATUS:CANCELLED");
        Uid(calendarCancel).Should().Be(Uid(receipt));
        cancellations.Where(m => m.ToName != experts[members[0]]).Should().OnlyContain(m => m.Parts.All(p => p.ContentType != "text/calendar"));
        (await WorkloadOfAsync(members[0])).Should().Be((0, 0), "a withdrawn draw's confirmed seat is no engagement");
        (await InvitationsAsync(request))[members[0]].RespondedAt.Should().BeBefore(Factory.Clock.GetUtcNow().UtcDateTime, "the cancelled invitation keeps when it was confirmed");

        // Verification follows the whole trail (a decline and an expiry filled in rank order, then the withdrawal).
        var verified = (await (await Ok(Admin.PostAsync($"/api/draws/{draw["id"]}/verify", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        verified["matches"]!.GetValue<bool>().Should().BeTrue(verified.ToJsonString());
        verified["checks"]!.AsArray().Should().Contain(c => c!["name"]!.GetValue<string>() == "invitations" && c["passed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_tampered_link_gets_a_clear_page_and_changes_nothing_and_a_conflict_decline_records_a_declared_conflict()
    {
        if (NotConfigured) return;
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 2; i++)
            await ActiveExpertAsync(r, $"回避专家{i}");
        var applicant = await CreateOrganisationAsync("申报单位" + TestData.Suffix());
        var project = await CreateProjectAsync(parties: [new { organisationId = applicant, role = "Applicant" }]);
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups = 0 });
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "1" }));
        await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null));
        var invitation = (await InvitationsAsync(request)).Values.Single();
        string link;
        await using (var scope = Factory.Services.CreateAsyncScope())
            link = scope.ServiceProvider.GetRequiredService<InvitationService>().Links(invitation).Decline.ToString();
        var anonymous = Factory.CreateClient((string?)null);
        var token = new Uri(link).Query["?t=".Length..];
        var tampered = token[..^2] + (token[^2] == 'A' ? "BB" : "AA");

        using var json = new StringContent("{\"t\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
        (await anonymous.PostAsync("/invitations/confirm", json)).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a body that is not a form is a clear 400 page, not a 500");
        var orgDelete = await ProblemAsync(await Admin.DeleteAsync($"/api/organisations/{applicant}"), HttpStatusCode.Conflict);
        orgDelete["referenceCount"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1, "a project names it as applicant");

        var bad = await anonymous.PostAsync("/invitations/decline", new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = tampered, ["kind"] = "Unavailable" }));
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("链接无效");
        (await InvitationsAsync(request)).Values.Single().Status.Should().Be(InvitationStatus.Pending);

        var noParty = await anonymous.PostAsync("/invitations/decline", new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = token, ["kind"] = "Conflict" }));
        noParty.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        // Pages put Chinese first (the API's reasons read English first).
        var tooLong = await (await anonymous.PostAsync("/invitations/decline", new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = token, ["kind"] = "Other", ["reason"] = new string('长', 5000) }))).Content.ReadAsStringAsync();
        tooLong.Should().Contain("不能超过 500 个字符 / must be at most 500 characters");
        (await InvitationsAsync(request)).Values.Single().Status.Should().Be(InvitationStatus.Pending);
        var ok = await anonymous.PostAsync("/invitations/decline", new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = token, ["kind"] = "Conflict", ["party"] = applicant.ToString(), ["reason"] = "" }));
        ok.StatusCode.Should().Be(HttpStatusCode.OK, "a browser sends the empty details box; the conflict needs no details (the browser test gives some)");

        var declared = await Admin.GetFromJsonAsync<JsonArray>($"/api/experts/{invitation.ExpertId}/declared-conflicts");
        declared!.Should().ContainSingle(d => d!["organisationId"]!.GetValue<string>() == applicant.ToString())
            .Which!["reason"]!.GetValue<string>().Should().StartWith("因回避谢绝邀请");
        await using (var db = Factory.Database.CreateContext())
            (await db.Set<OutboxMessage>().CountAsync(m => m.CorrelationId!.EndsWith(":backups-exhausted"))).Should().BeGreaterThanOrEqualTo(1, "with no backup left the administrator is told");

        // The supplementary draw (补抽) is a new request with a reason; it never draws the expert invited before.
        var supplementary = await Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 0 } }, scheduledDrawAt = DrawAt.AddHours(1), replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = request, redrawReason = "补抽：候补专家已用尽" });
        supplementary.StatusCode.Should().Be(HttpStatusCode.Created, await supplementary.Content.ReadAsStringAsync());
        var next = Guid.Parse((await supplementary.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        var report = await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{next}/eligibility");
        report!["exclusions"]!.AsArray().Should().Contain(x => x!["expertId"]!.GetValue<string>() == invitation.ExpertId.ToString()
            && x["reasons"]!.AsArray().Any(y => y!["rule"]!.GetValue<string>() == "already-invited"));
        report["quotas"]![0]!["eligibleExpertIds"]!.AsArray().Select(i => i!.GetValue<string>()).Should().NotContain(invitation.ExpertId.ToString());
    }

    [Fact]
    public async Task Removing_or_suspending_an_expert_gives_up_their_seats_at_once_and_the_next_backups_are_invited()
    {
        if (NotConfigured) return;
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        var experts = new Dictionary<Guid, string>();
        for (var i = 0; i < 4; i++)
        {
            var name = $"离库专家{i}{TestData.Suffix()}";
            experts[await ActiveExpertAsync(r, name)] = name;
        }
        var project = await CreateProjectAsync();
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 2, backups = 2 });
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "34" }));
        var draw = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        var seats = draw["selections"]!.AsArray();
        Guid Seat(string role, int rank) => Guid.Parse(seats.Single(s => s!["role"]!.GetValue<string>() == role && s["rank"]!.GetValue<int>() == rank)!["expertId"]!.GetValue<string>());
        bool Mine(ParsedMail m) => experts.ContainsValue(m.ToName);
        var invitations = await InvitationsAsync(request);
        await using (var scope = Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<InvitationService>().ConfirmAsync(invitations[Seat("Member", 1)].Id, CancellationToken.None);
        (await WorkloadOfAsync(Seat("Member", 1))).Should().Be((1, 1));
        var before = (await MailsAsync(3, Mine)).Count(Mine);

        // The confirmed member is suspended, the pending one removed: both seats pass on, in rank order, in the same commit.
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{Seat("Member", 1)}/status", new { status = "Suspended", reason = "考评不合格（内部意见）" }));
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{Seat("Member", 2)}/status", new { status = "Removed", reason = "严重失信，出库" }));

        var after = await InvitationsAsync(request);
        after[Seat("Member", 1)].Status.Should().Be(InvitationStatus.Cancelled);
        after[Seat("Member", 1)].CancelReason.Should().Contain("Suspended").And.NotContain("内部意见", "the administrator's reason is not the expert's notice");
        after[Seat("Member", 2)].Status.Should().Be(InvitationStatus.Cancelled);
        after[Seat("Member", 2)].CancelReason.Should().Contain("Removed");
        after[Seat("Backup", 1)].ReplacesInvitationId.Should().Be(after[Seat("Member", 1)].Id, "the first seat given up goes to backup 1");
        after[Seat("Backup", 2)].ReplacesInvitationId.Should().Be(after[Seat("Member", 2)].Id);
        new[] { after[Seat("Backup", 1)].Status, after[Seat("Backup", 2)].Status }.Should().OnlyContain(s => s == InvitationStatus.Pending);
        (await WorkloadOfAsync(Seat("Member", 1))).Should().Be((0, 0), "a seat given up is no engagement");

        // Each leaving expert is told not to come (the confirmed one's calendar entry cancelled); each backup is invited.
        var mails = (await MailsAsync(before + 4, Mine)).Where(Mine).Skip(before).ToList();
        var cancelled = mails.Where(m => m.Subject.Contains("取消", StringComparison.Ordinal)).ToList();
        cancelled.Select(m => m.ToName).Should().BeEquivalentTo([experts[Seat("Member", 1)], experts[Seat("Member", 2)]]);
        cancelled.Single(m => m.ToName == experts[Seat("Member", 1)]).Parts.Should().Contain(p => p.ContentType == "text/calendar" && p.Text!.Contains("METHOD:CANCEL"));
        mails.Where(m => !cancelled.Contains(m)).Select(m => m.ToName).Should().BeEquivalentTo([experts[Seat("Backup", 1)], experts[Seat("Backup", 2)]]);

        // Reactivating the expert gives nothing back, and a second status change finds no seat left to give up.
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{Seat("Member", 1)}/status", new { status = "Active", reason = "复核通过" }));
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{Seat("Member", 1)}/status", new { status = "Suspended", reason = "再次暂停" }));
        (await InvitationsAsync(request)).Values.Count(i => i.Status == InvitationStatus.Pending).Should().Be(2);
    }

    [Fact]
    public async Task A_seat_still_held_by_an_expert_no_longer_active_is_given_up_by_the_invitation_job()
    {
        if (NotConfigured) return;
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 2; i++)
            await ActiveExpertAsync(r, $"补漏专家{i}");
        var project = await CreateProjectAsync();
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups = 1 });
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "56" }));
        await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null));
        var member = (await InvitationsAsync(request)).Values.Single();
        // The status written without giving up seats (as when it commits while a seat is being offered to the expert).
        await using (var scope = Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ExpertPool.Domain.Experts.ExpertRegistry>()
                .ChangeStatusAsync(member.ExpertId, null, ExpertPool.Domain.Experts.ExpertStatus.Retired, "任期届满", "admin", CancellationToken.None);
        (await InvitationsAsync(request))[member.ExpertId].Status.Should().Be(InvitationStatus.Pending);

        await using (var scope = Factory.Services.CreateAsyncScope())
            (await scope.ServiceProvider.GetRequiredService<InvitationService>().ReleaseSeatsOfInactiveAsync(CancellationToken.None)).Should().BeGreaterThanOrEqualTo(1);

        var after = await InvitationsAsync(request);
        after[member.ExpertId].Status.Should().Be(InvitationStatus.Cancelled);
        after[member.ExpertId].CancelledBy.Should().Be("system");
        after.Values.Should().ContainSingle(i => i.ReplacesInvitationId == member.Id && i.Status == InvitationStatus.Pending);
        await using (var scope = Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<InvitationService>().ReleaseSeatsOfInactiveAsync(CancellationToken.None);
        (await InvitationsAsync(request)).Should().HaveCount(2, "a seat is given up once");
    }

    [Fact]
    public async Task A_reminder_is_queued_once_within_the_lead_time_before_the_deadline()
    {
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        await ActiveExpertAsync(r, "提醒专家");
        var project = await CreateProjectAsync();
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups = 0 });
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "8" }));
        await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null));
        Invitation invitation;
        await using (var db = Factory.Database.CreateContext())
            invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.PanelRequestId == request);
        var service = () => Factory.Services.CreateAsyncScope();

        await using (var s = service())
            await s.ServiceProvider.GetRequiredService<InvitationService>().RemindDueAsync(CancellationToken.None);
        await using (var db = Factory.Database.CreateContext())
            (await db.Invitations.SingleAsync(i => i.Id == invitation.Id)).ReminderQueuedAt.Should().BeNull("the deadline is hours away");
        Factory.Clock.Set(invitation.Deadline.AddMinutes(-30));
        await using (var s = service())
            (await s.ServiceProvider.GetRequiredService<InvitationService>().RemindDueAsync(CancellationToken.None)).Should().BeGreaterThanOrEqualTo(1);
        await using (var s = service())
            (await s.ServiceProvider.GetRequiredService<InvitationService>().RemindDueAsync(CancellationToken.None)).Should().Be(0, "one reminder per invitation");

        await using var check = Factory.Database.CreateContext();
        var kinds = await check.Set<OutboxMessage>().Where(m => m.CorrelationId == invitation.Id.ToString()).Select(m => m.Kind).ToListAsync();
        kinds.Should().BeEquivalentTo([NoticeKind.Invitation, NoticeKind.Reminder]);
    }

    [Fact]
    public async Task A_panel_whose_last_seats_were_confirmed_at_the_same_moment_is_still_reported_complete_once()
    {
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 2; i++)
            await ActiveExpertAsync(r, $"同时确认专家{i}");
        var project = await CreateProjectAsync();
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 2, backups = 0 });
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "10" }));
        var draw = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        var correlation = $"draw:{draw["id"]}:panel-complete";
        List<Invitation> seats;
        await using (var db = Factory.Database.CreateContext())
            seats = await db.Invitations.AsNoTracking().Where(i => i.PanelRequestId == request).ToListAsync();
        seats.Should().HaveCount(2);

        // What the race leaves behind: the first confirmation saw the other seat pending; the second, committed at the
        // same moment, saw the first pending too. Both seats confirmed, no notice.
        Factory.Clock.Set(DrawAt.AddMinutes(5));
        await using (var scope = Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<InvitationService>().ConfirmAsync(seats[0].Id, CancellationToken.None);
        await using (var db = Factory.Database.CreateContext())
        {
            var other = await db.Invitations.SingleAsync(i => i.Id == seats[1].Id);
            other.Confirm(Factory.Clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
            (await db.Set<OutboxMessage>().CountAsync(m => m.CorrelationId == correlation)).Should().Be(0);
        }

        await using (var scope = Factory.Services.CreateAsyncScope())
            (await scope.ServiceProvider.GetRequiredService<InvitationService>().NotifyCompletePanelsAsync(CancellationToken.None)).Should().BeGreaterThanOrEqualTo(1);
        await using (var scope = Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<InvitationService>().NotifyCompletePanelsAsync(CancellationToken.None);

        await using var check = Factory.Database.CreateContext();
        var notices = await check.Set<OutboxMessage>().AsNoTracking().Where(m => m.CorrelationId == correlation).ToListAsync();
        notices.Should().ContainSingle("the administrator is told once").Which.Subject.Should().Contain(await check.Projects.Where(p => p.Id == project).Select(p => p.Code).SingleAsync());
    }

    [Fact]
    public async Task An_invitation_sent_within_the_reminder_lead_time_gets_no_reminder_right_after_it()
    {
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        await ActiveExpertAsync(r, "短窗口专家");
        var project = await CreateProjectAsync();
        // Replies are due 50 minutes after the draw: less than the hour before a deadline when reminders go out.
        var created = await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 0 } }, scheduledDrawAt = DrawAt, replyDeadline = DrawAt.AddMinutes(50), supervisorName = "李监督" }));
        var request = Guid.Parse((await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "9" }));
        await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null));
        Invitation invitation;
        await using (var db = Factory.Database.CreateContext())
            invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.PanelRequestId == request);
        (invitation.Deadline - invitation.InvitedAt).Should().BeLessThan(TimeSpan.FromHours(1));

        Factory.Clock.Set(DrawAt.AddSeconds(30));
        await using (var s = Factory.Services.CreateAsyncScope())
            await s.ServiceProvider.GetRequiredService<InvitationService>().RemindDueAsync(CancellationToken.None);

        await using var check = Factory.Database.CreateContext();
        (await check.Invitations.SingleAsync(i => i.Id == invitation.Id)).ReminderQueuedAt.Should().BeNull();
        (await check.Set<OutboxMessage>().Where(m => m.CorrelationId == invitation.Id.ToString()).Select(m => m.Kind).ToListAsync()).Should().Equal(NoticeKind.Invitation);
    }

    [Fact]
    public async Task A_backup_suspended_after_the_draw_is_passed_over_with_the_reason_and_the_next_backup_is_invited()
    {
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 3; i++)
            await ActiveExpertAsync(r, $"复核专家{i}");
        var project = await CreateProjectAsync();
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups = 2 });
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "11" }));
        var draw = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        var seats = draw["selections"]!.AsArray();
        Guid Seat(string role, int rank) => Guid.Parse(seats.Single(s => s!["role"]!.GetValue<string>() == role && s["rank"]!.GetValue<int>() == rank)!["expertId"]!.GetValue<string>());
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{Seat("Backup", 1)}/status", new { status = "Suspended", reason = "考评不合格" }));

        Invitation member;
        await using (var db = Factory.Database.CreateContext())
            member = await db.Invitations.AsNoTracking().SingleAsync(i => i.PanelRequestId == request);
        await using (var scope = Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<InvitationService>().DeclineAsync(member.Id, DeclineKind.Unavailable, "出差", null, CancellationToken.None);

        var view = await Admin.GetFromJsonAsync<JsonArray>($"/api/draws/{draw["id"]}/invitations");
        var skipped = view!.Single(x => x!["expertId"]!.GetValue<string>() == Seat("Backup", 1).ToString());
        skipped!["status"]!.GetValue<string>().Should().Be("Skipped");
        skipped["cancelReason"]!.GetValue<string>().Should().Contain("Suspended");
        view!.Single(x => x!["expertId"]!.GetValue<string>() == Seat("Backup", 2).ToString())!["status"]!.GetValue<string>().Should().Be("Pending");

        // Backup 2 declines as well: the seat is empty. Back in the pool, the passed-over backup was never invited, so
        // the supplementary draw may draw them, unlike the two who declined.
        await using (var db = Factory.Database.CreateContext())
        {
            var backup2 = Seat("Backup", 2);
            var second = await db.Invitations.AsNoTracking().SingleAsync(i => i.PanelRequestId == request && i.ExpertId == backup2);
            await using var scope = Factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<InvitationService>().DeclineAsync(second.Id, DeclineKind.Unavailable, "出差", null, CancellationToken.None);
        }
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{Seat("Backup", 1)}/status", new { status = "Active", reason = "复核通过" }));
        var supplementary = await Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 0 } }, scheduledDrawAt = DrawAt.AddHours(1), replyDeadline = ReplyBy, supervisorName = "李监督", supersedesRequestId = request, redrawReason = "补抽：正选专家谢绝" });
        supplementary.StatusCode.Should().Be(HttpStatusCode.Created, await supplementary.Content.ReadAsStringAsync());
        var next = Guid.Parse((await supplementary.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        var report = await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{next}/eligibility");
        var eligible = report!["quotas"]![0]!["eligibleExpertIds"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
        eligible.Should().Contain(Seat("Backup", 1).ToString()).And.NotContain(member.ExpertId.ToString()).And.NotContain(Seat("Backup", 2).ToString());
    }

    /// <param name="throughAnotherRecord">The conflict is declared with another record of the applicant's unit (one that
    /// shares a name with it), which the draw's same-organisation matching treats as the applicant.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_member_who_declares_a_conflict_after_the_draw_cannot_confirm_and_the_seat_passes_to_the_next_backup(bool throughAnotherRecord)
    {
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 2; i++)
            await ActiveExpertAsync(r, $"回避专家{i}");
        var applicantName = "申报单位" + TestData.Suffix();
        var applicant = await CreateOrganisationAsync(applicantName);
        var declaredWith = throughAnotherRecord ? await CreateOrganisationAsync(applicantName + "（简称记录）", aliases: [applicantName]) : applicant;
        var project = await CreateProjectAsync(parties: [new { organisationId = applicant, role = "Applicant" }]);
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups = 1 });
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "12" }));
        var draw = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        Invitation member;
        await using (var db = Factory.Database.CreateContext())
            member = await db.Invitations.AsNoTracking().SingleAsync(i => i.PanelRequestId == request);
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{member.ExpertId}/declared-conflicts", new { organisationId = declaredWith, reason = "配偶任该单位法定代表人" }));

        string link;
        await using (var scope = Factory.Services.CreateAsyncScope())
            link = scope.ServiceProvider.GetRequiredService<InvitationService>().Links(member).Confirm.ToString();
        var anonymous = Factory.CreateClient((string?)null);
        var page = await anonymous.PostAsync("/invitations/confirm", new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = new Uri(link).Query["?t=".Length..] }));

        (await page.Content.ReadAsStringAsync()).Should().Contain("此邀请已取消").And.Contain("确认时已不符合条件").And.NotContain("您已确认参加")
            .And.NotContain("<title>已确认", "the page's title does not say Confirmed above a cancellation");
        var view = await Admin.GetFromJsonAsync<JsonArray>($"/api/draws/{draw["id"]}/invitations");
        view!.Single(x => x!["expertId"]!.GetValue<string>() == member.ExpertId.ToString())!["status"]!.GetValue<string>().Should().Be("Cancelled");
        view!.Should().Contain(x => x!["status"]!.GetValue<string>() == "Pending" && x["replacesInvitationId"]!.GetValue<string>() == member.Id.ToString(), "the backup is invited in the seat");
        await using (var db = Factory.Database.CreateContext())
            (await db.ExpertEngagements.CountAsync(e => e.ExpertId == member.ExpertId)).Should().Be(0, "a conflicted expert does not serve");
    }
}


public sealed class SqliteInvitationFlowTests(SmtpApiFactory factory, ITestOutputHelper output) : InvitationFlowTests<SmtpApiFactory>(factory, output);

public sealed class PostgresInvitationFlowTests(PostgresSmtpApiFactory factory, ITestOutputHelper output) : InvitationFlowTests<PostgresSmtpApiFactory>(factory, output);

/// <summary>The scheduled-draw runner and the reminder pass, driven with the test clock.</summary>
public sealed class ScheduledWorkTests(SmtpApiFactory factory, ITestOutputHelper output) : ApiTestBase<SmtpApiFactory>(factory, output)
{
    [Fact]
    public async Task A_due_draw_without_entropy_waits_and_tells_the_administrator_once_then_runs_when_entropy_arrives()
    {
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 4; i++)
            await ActiveExpertAsync(r, $"定时专家{i}");
        var project = await CreateProjectAsync();
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 2, backups = 1 });
        var runner = Factory.Services.GetRequiredService<ExpertPool.Domain.Jobs.ScheduledDrawRunner>();

        (await runner.RunDueAsync(CancellationToken.None)).Should().Be(0, "the draw is not due yet");
        Factory.Clock.Set(DrawAt);
        (await runner.RunDueAsync(CancellationToken.None)).Should().Be(0, "no external entropy yet");
        (await runner.RunDueAsync(CancellationToken.None)).Should().Be(0);
        await using (var db = Factory.Database.CreateContext())
        {
            (await db.Set<OutboxMessage>().CountAsync(m => m.CorrelationId == $"panel-request:{request}:waiting-for-entropy")).Should().Be(1, "the administrator is told once");
            (await db.PanelRequests.SingleAsync(p => p.Id == request)).Status.Should().Be(ExpertPool.Domain.Draws.PanelRequestStatus.Scheduled);
        }

        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "31415" }));
        // At least this one: the class shares a database, and the status below says which request ran.
        (await runner.RunDueAsync(CancellationToken.None)).Should().BeGreaterThanOrEqualTo(1);

        await using var after = Factory.Database.CreateContext();
        (await after.PanelRequests.SingleAsync(p => p.Id == request)).Status.Should().Be(ExpertPool.Domain.Draws.PanelRequestStatus.Drawn);
        (await after.Invitations.CountAsync(i => i.PanelRequestId == request)).Should().Be(2, "the members are invited in the same transaction as the draw");
    }

    [Fact]
    public async Task Draws_waiting_for_entropy_never_hold_up_a_later_draw_that_has_its_entropy()
    {
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 3; i++)
            await ActiveExpertAsync(r, $"排队专家{i}");
        // More requests waiting for their entropy than the runner once took per run, all due before the ready one.
        for (var i = 0; i < 22; i++)
            await ScheduleAsync(await CreateProjectAsync(), new { specialtyCode = r.Root, count = 1, backups = 0 });
        var later = await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = await CreateProjectAsync(), quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 0 } }, scheduledDrawAt = DrawAt.AddMinutes(10), replyDeadline = ReplyBy, supervisorName = "李监督" }));
        var ready = Guid.Parse((await later.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        Factory.Clock.Set(DrawAt.AddMinutes(10));
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{ready}/entropy", new { source = "supervisor", value = "2718" }));

        await Factory.Services.GetRequiredService<ExpertPool.Domain.Jobs.ScheduledDrawRunner>().RunDueAsync(CancellationToken.None);

        await using var db = Factory.Database.CreateContext();
        (await db.PanelRequests.AsNoTracking().SingleAsync(p => p.Id == ready)).Status.Should().Be(ExpertPool.Domain.Draws.PanelRequestStatus.Drawn);
    }

    [Fact]
    public async Task A_draw_still_waiting_for_entropy_at_its_reply_deadline_is_cancelled_with_the_reason()
    {
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        for (var i = 0; i < 3; i++)
            await ActiveExpertAsync(r, $"逾期专家{i}");
        var project = await CreateProjectAsync();
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 2, backups = 0 });
        var runner = Factory.Services.GetRequiredService<ExpertPool.Domain.Jobs.ScheduledDrawRunner>();
        Factory.Clock.Set(DrawAt);
        (await runner.RunDueAsync(CancellationToken.None)).Should().Be(0, "no external entropy yet");

        Factory.Clock.Set(ReplyBy);
        (await runner.RunDueAsync(CancellationToken.None)).Should().Be(0);

        await using var db = Factory.Database.CreateContext();
        var cancelled = await db.PanelRequests.AsNoTracking().SingleAsync(p => p.Id == request);
        cancelled.Status.Should().Be(ExpertPool.Domain.Draws.PanelRequestStatus.Cancelled, "invited experts could no longer answer in time");
        cancelled.CancelReason.Should().Contain("答复截止时间").And.Contain("reply deadline");
        cancelled.CancelledBy.Should().Be(ExpertPool.Domain.Jobs.ScheduledDrawRunner.Actor);
        (await db.DrawRecords.CountAsync(d => d.PanelRequestId == request)).Should().Be(0);
        (await db.Invitations.CountAsync(i => i.PanelRequestId == request)).Should().Be(0);
        (await runner.RunDueAsync(CancellationToken.None)).Should().Be(0, "a cancelled request is no longer due");
    }

}
