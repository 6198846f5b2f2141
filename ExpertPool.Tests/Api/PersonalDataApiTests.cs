using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Invitations;
using ExpertPool.Domain.Notices;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Api;

/// <summary>
/// Numbers people write into free text (an expert's reason for declining, an administrator's reasons and notes) reach
/// nobody but administrators unmasked: not auditors, not the public pages, not the experts' pages and mails (decision 039).
/// </summary>
public abstract class PersonalDataApiTests<TFactory>(TFactory factory, ITestOutputHelper output) : ApiTestBase<TFactory>(factory, output)
    where TFactory : ExpertPoolApiFactory
{
    private const string Mobile = "13812345678";
    private const string IdNumber = "11010519491231002X";

    [Fact]
    public async Task Numbers_in_free_text_are_masked_for_everyone_but_administrators()
    {
        if (NotConfigured) return;
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        var experts = new List<Guid>();
        for (var i = 0; i < 4; i++)
            experts.Add(await ActiveExpertAsync(r, $"核查专家{i}"));
        var away = await ActiveExpertAsync(r, "出差专家", blackouts: [new { from = "2026-12-01", to = "2026-12-03", reason = $"陪同家属就医，联系电话 {Mobile}" }]);
        var preparer = await ActiveExpertAsync(r, "编写人");
        var suspended = await ActiveExpertAsync(r, "复核专家");
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{suspended}/status", new { status = "Suspended", reason = $"本人来电（{Mobile}）申请暂停" }));
        var applicant = await CreateOrganisationAsync("申请单位" + TestData.Suffix());
        var other = await CreateOrganisationAsync("其他单位" + TestData.Suffix());
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{experts[3]}/relations", new { organisationId = other, kind = "Other", from = "2020-01-01", note = $"兼职顾问，证件号 {IdNumber}" }));
        await Ok(Admin.PutAsJsonAsync("/api/conflict-rules/AwardEvaluation", new { changeReason = $"按处长（{Mobile}）要求调整", settings = new { labourRelationYears = 5 } }));
        object[] parties = [new { organisationId = applicant, role = "Applicant" }];

        // Draw A: a member declines with a conflict, in their own words with numbers.
        var projectA = await CreateProjectAsync(parties: parties);
        var requestA = await ScheduleAsync(projectA, new { specialtyCode = r.Root, count = 2, backups = 1 });
        // Draw B, of the same applicant, after the decline: the declared conflict excludes that expert, the preparer and
        // the administrator's exclusion too, each with its text in the evidence.
        var projectB = await CreateProjectAsync(parties: parties, preparers: [new { expertId = preparer, note = $"申报书联系人 {Mobile}" }]);
        var requestB = Guid.Parse((await (await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = projectB, quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 1 } },
            scheduledDrawAt = DrawAt.AddHours(2), replyDeadline = ReplyBy, supervisorName = "李监督",
        }))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{requestB}/exclusions", new { expertId = experts[2], reason = $"群众举报（举报人 {Mobile}），待核查" }));
        // A request cancelled with a reason and one that re-draws it with a reason: both shown on the public page of the
        // project's draws, the second also in its record.
        var projectC = await CreateProjectAsync();
        var cancelled = await ScheduleAsync(projectC, new { specialtyCode = r.Root, count = 1 });
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{cancelled}/cancel", new { reason = $"重复提交，经办人 {Mobile}" }));
        var redraw = Guid.Parse((await (await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = projectC, quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 0 } },
            scheduledDrawAt = DrawAt.AddHours(2), replyDeadline = ReplyBy, supervisorName = "李监督",
            supersedesRequestId = cancelled, redrawReason = $"原申请取消，经办人 {Mobile} 重新提出",
        }))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());

        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{requestA}/entropy", new { source = "supervisor", value = "31415" }));
        var drawA = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{requestA}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        List<Invitation> seats;
        await using (var db = Factory.Database.CreateContext())
            seats = await db.Invitations.AsNoTracking().Where(i => i.PanelRequestId == requestA).OrderBy(i => i.DrawnRank).ToListAsync();
        var tokens = Factory.Services.GetRequiredService<InvitationTokens>();
        var anonymous = Factory.CreateClient((string?)null);
        Factory.Clock.Set(DrawAt.AddHours(1));
        var declined = await anonymous.PostAsync("/invitations/decline", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["t"] = tokens.Create(seats[0].Id, TokenPurpose.Decline, seats[0].Deadline),
            ["kind"] = "Conflict",
            ["party"] = applicant.ToString(),
            ["reason"] = $"我妻子在申请单位任职，手机 {Mobile}，身份证 {IdNumber}",
        }));
        (await declined.Content.ReadAsStringAsync()).Should().Contain("您已谢绝");

        Factory.Clock.Set(DrawAt.AddHours(1.5));
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{requestB}/entropy", new { source = "supervisor", value = "2718" }));
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{redraw}/entropy", new { source = "supervisor", value = "1618" }));
        Factory.Clock.Set(DrawAt.AddHours(2));
        var drawB = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{requestB}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var drawC = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{redraw}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        Factory.Clock.Set(DrawAt.AddHours(2.5));
        await Ok(Admin.PostAsJsonAsync($"/api/draws/{drawA}/withdraw", new { reason = $"评审取消：专家王某（电话 {Mobile}）反映材料有误" }));

        // The experts whose seats the withdrawal cancelled: their page and their mail.
        Invitation cancelledSeat;
        List<string> mails;
        await using (var db = Factory.Database.CreateContext())
        {
            cancelledSeat = await db.Invitations.AsNoTracking().FirstAsync(i => i.PanelRequestId == requestA && i.Status == InvitationStatus.Cancelled);
            mails = await db.Set<OutboxMessage>().AsNoTracking().Select(m => m.TextBody + m.HtmlBody).ToListAsync();
        }
        var page = await anonymous.GetStringAsync($"/invitations/confirm?t={Uri.EscapeDataString(tokens.Create(cancelledSeat.Id, TokenPurpose.Confirm, cancelledSeat.Deadline))}");
        page.Should().Contain("此邀请已取消").And.Contain("138****5678").And.NotContain(Mobile);
        mails.Should().Contain(m => m.Contains("138****5678", StringComparison.Ordinal), "the cancellation mails give the reason");
        mails.Should().NotContain(m => m.Contains(Mobile, StringComparison.Ordinal) || m.Contains(IdNumber, StringComparison.Ordinal));

        // Administrators keep the full text where it was entered.
        (await Admin.GetStringAsync($"/api/experts/{seats[0].ExpertId}/declared-conflicts")).Should().Contain(Mobile).And.Contain(IdNumber);
        (await Admin.GetStringAsync($"/api/experts/{experts[3]}/relations")).Should().Contain(IdNumber);
        (await Admin.GetStringAsync($"/api/experts/{away}")).Should().Contain(Mobile);
        (await Admin.GetStringAsync($"/api/experts/{away}/history")).Should().Contain(Mobile);
        // The record itself holds the evidence masked: it is read by auditors, and its hash covers what is stored.
        var storedRecord = await Admin.GetAsync($"/api/draws/{drawB}/record");
        var storedText = await storedRecord.Content.ReadAsStringAsync();
        storedText.Should().Contain("declared-conflict").And.Contain("manual-exclusion").And.Contain("prior-involvement").And.Contain("unavailable");
        storedText.Should().NotContain(Mobile).And.NotContain(IdNumber);
        storedRecord.Headers.Contains("Repr-Digest").Should().BeTrue();
        (await Admin.GetStringAsync($"/api/draws/{drawC}/record")).Should().Contain("redrawReason").And.Contain("138****5678").And.NotContain(Mobile);

        // After the review started, everything an auditor or the public may read.
        Factory.Clock.Set(ReviewStartsAt.AddMinutes(1));
        var read = new List<(string What, string Text)>();
        async Task ReadAsync(HttpClient client, string url)
        {
            var response = await client.GetAsync(url);
            response.IsSuccessStatusCode.Should().BeTrue($"{url} answers {(int)response.StatusCode}");
            read.Add((url, await response.Content.ReadAsStringAsync()));
        }
        foreach (var expert in new[] { seats[0].ExpertId, away, suspended, experts[3] })
        {
            await ReadAsync(Auditor, $"/api/experts/{expert}");
            await ReadAsync(Auditor, $"/api/experts/{expert}/status-history");
            await ReadAsync(Auditor, $"/api/experts/{expert}/history");
            await ReadAsync(Auditor, $"/api/experts/{expert}/relations");
            await ReadAsync(Auditor, $"/api/experts/{expert}/declared-conflicts");
        }
        await ReadAsync(Auditor, "/api/conflict-rules");
        await ReadAsync(Auditor, "/api/conflict-rules/AwardEvaluation/versions");
        await ReadAsync(Auditor, $"/api/projects/{projectB}");
        await ReadAsync(Auditor, "/api/projects");
        await ReadAsync(Auditor, $"/api/panel-requests/{cancelled}");
        await ReadAsync(Auditor, $"/api/panel-requests/{redraw}");
        await ReadAsync(Auditor, $"/api/panel-requests?projectId={projectC}");
        await ReadAsync(Auditor, $"/api/panel-requests/{requestB}/exclusions");
        foreach (var draw in new[] { drawA, drawB, drawC })
        {
            await ReadAsync(Auditor, $"/api/draws/{draw}");
            await ReadAsync(Auditor, $"/api/draws/{draw}/invitations");
            await ReadAsync(Auditor, $"/api/draws/{draw}/record");
            await ReadAsync(Auditor, $"/api/audit/draws/{draw}/registry-changes");
            await ReadAsync(anonymous, $"/public/draws/{draw}");
        }

        read.Select(x => x.What).Should().HaveCount(43);
        read.Should().Contain(x => x.Text.Contains("138****5678", StringComparison.Ordinal), "the reasons are shown, masked");
        read.Where(x => x.Text.Contains(Mobile, StringComparison.Ordinal) || x.Text.Contains(IdNumber, StringComparison.Ordinal)).Select(x => x.What)
            .Should().BeEmpty("no number written into free text reaches a non-administrator");
    }

    [Fact]
    public async Task Numbers_typed_in_full_width_or_split_by_invisible_characters_are_masked_too()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        const string fullWidthMobile = "１３８１２３４５６７８";
        const string fullWidthId = "１１０１０５１９４９１２３１００２Ｘ";
        var reason = $"联系电话 {fullWidthMobile}，身份证 {fullWidthId}，备用 138\u200b1234\u200b5678";
        var away = await ActiveExpertAsync(r, "全角号码", blackouts: [new { from = "2026-12-01", to = "2026-12-03", reason }]);

        (await Admin.GetStringAsync($"/api/experts/{away}")).Should().Contain(fullWidthMobile, "administrators read the text as written");
        var json = await Auditor.GetStringAsync($"/api/experts/{away}");
        var text = System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        text.Should().Contain("138****5678").And.Contain("110105***********X");
        text.Should().NotContain(fullWidthMobile).And.NotContain(fullWidthId).And.NotContain(Mobile).And.NotContain(IdNumber).And.NotContain("5678\u200b");
    }

    [Theory]
    [InlineData("李监督 13812345678")]          // ASCII digits
    [InlineData("李监督 １３８１２３４５６７８")] // full-width digits
    [InlineData("李监督 li＠example.com")]       // full-width at sign
    public async Task A_supervisor_name_holding_a_mobile_or_email_in_any_width_is_refused(string supervisor)
    {
        if (NotConfigured) return;
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        var project = await CreateProjectAsync();
        var response = await Admin.PostAsJsonAsync("/api/panel-requests", new
        {
            projectId = project, quotas = new[] { new { specialtyCode = r.Root, count = 1, backups = 1 } },
            scheduledDrawAt = DrawAt, replyDeadline = ReplyBy, supervisorName = supervisor,
        });
        (await ProblemAsync(response, System.Net.HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key).Should().Equal("supervisorName");
    }
}

public sealed class SqlitePersonalDataApiTests(SqliteApiFactory factory, ITestOutputHelper output) : PersonalDataApiTests<SqliteApiFactory>(factory, output);

public sealed class PostgresPersonalDataApiTests(PostgresApiFactory factory, ITestOutputHelper output) : PersonalDataApiTests<PostgresApiFactory>(factory, output);
