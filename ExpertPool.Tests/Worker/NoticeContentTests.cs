using System.Text;
using ExpertPool.Domain.Notices;

namespace ExpertPool.Tests.Worker;

public class NoticeContentTests
{
    [Fact]
    public void IcsCreate_WithLongChineseText_FoldsAt75OctetsOnUtf8BoundariesAndUnfoldsToTheOriginal()
    {
        var description = string.Concat(Enumerable.Repeat("评审结束前请对时间、地点及项目信息保密；如有回避情形请及时告知，谢谢🙂！", 6));
        var start = new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.FromHours(8));
        var ics = IcsCalendar.Create("u1@expertpool.local", start.AddDays(-1), start, start.AddHours(3), "项目评审 XM-1", "杭州市, 文三路; 88号\\3楼", description);

        ics.Should().EndWith("END:VCALENDAR\r\n");
        ics.Replace("\r\n", "", StringComparison.Ordinal).Should().NotContain("\n", "every line ends with CRLF");
        var lines = ics.Split("\r\n");
        lines.Should().OnlyContain(l => Encoding.UTF8.GetByteCount(l) <= 75);
        lines.Count(l => l.StartsWith(' ')).Should().BeGreaterThan(5);
        // Every physical line is valid UTF-8 on its own: no sequence was cut.
        foreach (var l in lines)
            Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(l)).Should().Be(l);
        var unfolded = ics.Replace("\r\n ", "", StringComparison.Ordinal);
        unfolded.Should().Contain("DESCRIPTION:" + description.Replace(";", "\\;", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal) + "\r\n");
        unfolded.Should().Contain("LOCATION:杭州市\\, 文三路\\; 88号\\\\3楼\r\n");
        unfolded.Should().Contain("DTSTART:20261125T013000Z\r\nDTEND:20261125T043000Z\r\n");
    }

    [Fact]
    public void IcsCancel_OfAPublishedEvent_KeepsItsUidAndSaysCancelWithAHigherSequence()
    {
        var start = new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.FromHours(8));
        var published = IcsCalendar.Create("u2@expertpool", start.AddDays(-1), start, start.AddHours(3), "项目评审 XM-2", "杭州", null);
        var cancel = IcsCalendar.CreateCancel("u2@expertpool", start.AddHours(-2), start, start.AddHours(3), "项目评审 XM-2（已取消）", "杭州", "评审延期", "admin@agency.example", "li@example.cn");

        published.Should().Contain("METHOD:PUBLISH\r\n").And.Contain("STATUS:CONFIRMED\r\n").And.NotContain("SEQUENCE");
        cancel.Should().Contain("METHOD:CANCEL\r\n").And.Contain("STATUS:CANCELLED\r\n").And.Contain("SEQUENCE:1\r\n")
            .And.Contain("UID:u2@expertpool\r\n").And.Contain("DTSTART:20261125T013000Z\r\n")
            .And.Contain("ORGANIZER:mailto:admin@agency.example\r\n").And.Contain("ATTENDEE:mailto:li@example.cn\r\n");
    }

    [Fact]
    public void IcsEscape_Newlines_BecomeBackslashN()
    {
        IcsCalendar.Escape("a\r\nb\nc").Should().Be("a\\nb\\nc");
    }

    [Fact]
    public void Invitation_HtmlEncodesEveryValue_AndNeverShowsRawMarkup()
    {
        var n = NoticeHarness.Invitation(name: "<script>alert(1)</script>") with { Place = "A & B \"会议室\"" };
        var r = NoticeTemplates.Invitation(n);

        r.HtmlBody.Should().NotContain("<script>").And.Contain("&lt;script&gt;").And.Contain("A &amp; B &quot;会议室&quot;");
        r.TextBody.Should().Contain("<script>alert(1)</script>", "plain text is not HTML");
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en-GB")]
    public void ExpertMails_AreChineseFirstThenEnglish_WhateverTheExpertPrefers(string language)
    {
        var invitation = NoticeHarness.Invitation(name: "Alice", language: language);
        var mails = new[]
        {
            NoticeTemplates.Invitation(invitation),
            NoticeTemplates.Reminder(new ReminderNotice(invitation.ExpertName, language, invitation.EngagementType, invitation.ProjectCode, invitation.ReviewStartsAt, invitation.Place, invitation.ReplyDeadline, invitation.ConfirmUrl, invitation.DeclineUrl)),
            NoticeTemplates.Cancellation(new CancellationNotice(invitation.ExpertName, language, invitation.EngagementType, invitation.ProjectCode, invitation.ReviewStartsAt, invitation.Place, "评审改期 / review moved", null)),
        };
        foreach (var r in mails)
        {
            r.Language.Should().Be("zh-CN,en");
            r.Subject.Should().StartWith("【专家库】").And.Contain(" / ");
            r.Subject.IndexOf("XM-2026-0042", StringComparison.Ordinal).Should().BeLessThan(r.Subject.LastIndexOf("XM-2026-0042", StringComparison.Ordinal), "both halves name the project");
            var zh = r.TextBody.IndexOf("专家：您好", StringComparison.Ordinal);
            var en = r.TextBody.IndexOf("Dear Alice,", StringComparison.Ordinal);
            zh.Should().BeGreaterThanOrEqualTo(0, r.Kind.ToString());
            en.Should().BeGreaterThan(zh, "Chinese comes first");
            r.HtmlBody.Should().Contain("<html lang=\"zh-CN\">").And.Contain("<p lang=\"en\">Dear Alice,</p>");
        }
        var mail = mails[0];
        mail.TextBody.Should().Contain("2026年11月25日（星期三）09:30（北京时间）").And.Contain("Wed 25 Nov 2026, 09:30 (Beijing time, UTC+8)");
        mail.TextBody.Should().Contain("【保密提醒】").And.Contain("[Confidentiality] This notice");
        mail.TextBody.Should().Contain("项目编号：XM-2026-0042").And.Contain("Project code: XM-2026-0042", "each half keeps its own punctuation");
        mail.TextBody.IndexOf("请勿直接回复", StringComparison.Ordinal).Should().BeLessThan(mail.TextBody.IndexOf("please do not reply", StringComparison.Ordinal));
    }

    [Fact]
    public void Templates_DifferByEngagementType_AndFallBackToAGenericSet()
    {
        NoticeTemplates.Invitation(NoticeHarness.Invitation(engagement: "ProjectReview")).Subject.Should().Contain("项目评审邀请");
        NoticeTemplates.Invitation(NoticeHarness.Invitation(engagement: "AcceptanceCheck")).Subject.Should().Contain("项目验收邀请");
        NoticeTemplates.Invitation(NoticeHarness.Invitation(engagement: "StandardDrafting")).Subject.Should().Contain("标准起草邀请");
        NoticeTemplates.Invitation(NoticeHarness.Invitation(engagement: "Unknown")).Subject.Should().Contain("专家咨询邀请");
    }

    [Fact]
    public void AdminSummary_WhenBackupsRunOut_SuggestsASupplementaryDraw_ChineseFirstThenEnglish()
    {
        var r = NoticeTemplates.AdminSummary(new AdminSummaryNotice("管理员", "ProjectReview", "XM-1", "某某项目", DateTimeOffset.UnixEpoch, AdminSummaryOutcome.BackupsExhausted, 3, 5, ["甲", "乙", "丙"], null));

        r.Kind.Should().Be(NoticeKind.AdminSummary);
        r.TextBody.Should().Contain("补抽").And.Contain("supplementary draw");
        r.TextBody.IndexOf("候补专家已用尽", StringComparison.Ordinal).Should().BeLessThan(r.TextBody.IndexOf("exhausted", StringComparison.Ordinal));
        // Both halves list who has confirmed.
        var english = r.TextBody[r.TextBody.IndexOf("exhausted", StringComparison.Ordinal)..];
        r.TextBody.Should().Contain("已确认专家");
        english.Should().Contain("Confirmed experts").And.Contain("甲, 乙, 丙");
    }

    [Fact]
    public void AdminSummary_LinkToTheDraw_SaysItNeedsTheApiKey()
    {
        var r = NoticeTemplates.AdminSummary(new AdminSummaryNotice("管理员", "ProjectReview", "XM-1", "某某项目", DateTimeOffset.UnixEpoch, AdminSummaryOutcome.PanelComplete, 3, 3, ["甲", "乙", "丙"],
            new Uri("http://localhost:5158/api/draws/01a200c4-6280-7000-8000-000000000001")));

        r.TextBody.Should().Contain("须携带管理员 API 密钥").And.Contain("X-Api-Key").And.Contain("/api/draws/01a200c4-6280-7000-8000-000000000001");
        r.HtmlBody.Should().Contain("href=\"http://localhost:5158/api/draws/01a200c4-6280-7000-8000-000000000001\"");
    }

    [Fact]
    public void Cancellation_OfOneSeat_DoesNotSayTheReviewIsCancelled()
    {
        var r = NoticeTemplates.Cancellation(new CancellationNotice("王五", "zh-CN", "ProjectReview", "XM-2", DateTimeOffset.UnixEpoch, "杭州", "专家状态变更", null));

        r.TextBody.Should().Contain("您参加以下项目评审的安排已取消").And.NotContain("项目评审已取消");
        r.TextBody.Should().Contain("Your engagement in the project review below has been cancelled");
    }

    [Fact]
    public void AdminSummary_WhenBackupsRunOut_CountsOnlySeatsWithNobodyAsOpen()
    {
        var r = NoticeTemplates.AdminSummary(new AdminSummaryNotice("管理员", "ProjectReview", "XM-1", "某某项目", DateTimeOffset.UnixEpoch, AdminSummaryOutcome.BackupsExhausted, 0, 3, [], null, Pending: 2));

        r.TextBody.Should().Contain("仍缺 1 名（已确认 0/3，另有 2 名待答复）").And.Contain("1 seat(s) have nobody (0 of 3 confirmed, 2 still to answer)");
    }

    [Fact]
    public void Confirmation_HasNoDeclineLink_SoItAsksForAConflictToBeReportedInstead()
    {
        var start = new DateTimeOffset(2026, 11, 25, 1, 30, 0, TimeSpan.Zero);
        var r = NoticeTemplates.Confirmation(new ConfirmationNotice("张三", "zh-CN", "ProjectReview", "XM-9", start, start.AddHours(3), "杭州", "inv-1@x", start.AddDays(-2)));

        r.TextBody.Should().Contain("请立即告知组织单位").And.Contain("tell the organising agency at once")
            .And.NotContain("请选择“谢绝”").And.NotContain("decline and choose");
    }

    [Fact]
    public void Backoff_DoublesFromTheBase_UpToTheCap()
    {
        var o = new MailOptions { BackoffBase = TimeSpan.FromSeconds(30), BackoffCap = TimeSpan.FromMinutes(5) };

        Enumerable.Range(1, 6).Select(n => OutboxSender.Backoff(n, o)).Should().Equal(
            TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(240), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));
    }
}
