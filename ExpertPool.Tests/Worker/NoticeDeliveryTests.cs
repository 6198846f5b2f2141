using System.Diagnostics;
using System.Text;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Worker;

/// <summary>The outbox, the sender and the transports against a real SMTP server on loopback, on both databases.</summary>
public class NoticeDeliveryTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    private bool Skip(DatabaseProvider provider) => provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(output);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_enqueued_invitation_arrives_with_the_decoded_Chinese_subject_recipient_Message_ID_both_parts_and_the_links(DatabaseProvider provider)
    {
        if (Skip(provider)) return;
        await using var h = await NoticeHarness.CreateAsync(provider);
        var notice = NoticeTemplates.Invitation(NoticeHarness.Invitation(name: "欧阳修"));
        var message = await h.EnqueueAsync(notice, "ouyang@example.cn", "欧阳修", correlationId: "inv-1");

        var result = await h.SendDueAsync();

        result.Sent.Should().Be(1);
        var mail = (await SmtpServer.ParseAsync(await h.Smtp.WaitForAsync(1))).Single();
        mail.Subject.Should().Be(notice.Subject).And.Contain("项目评审邀请").And.Contain("XM-2026-0042");
        mail.RawSubject.Should().StartWith("=?utf-8?", "a Chinese subject goes out RFC 2047-encoded");
        mail.ToAddress.Should().Be("ouyang@example.cn");
        mail.ToName.Should().Be("欧阳修");
        mail.RawTo.Should().Contain("=?utf-8?");
        mail.FromName.Should().Be("专家库 ExpertPool");
        mail.MessageId.Should().Be(message.MessageId).And.MatchRegex("^<[0-9a-f]{32}@expertpool.local>$");
        mail.Defects.Should().BeEmpty();
        mail.ContentType.Should().Be("multipart/alternative");
        var text = mail.Parts.Single(p => p.ContentType == "text/plain");
        var html = mail.Parts.Single(p => p.ContentType == "text/html");
        text.Charset.Should().Be("utf-8");
        html.Charset.Should().Be("utf-8");
        text.Text.Should().Contain("https://expertpool.example.cn/r/confirm?t=abc123&x=1").And.Contain("https://expertpool.example.cn/r/decline?t=def456&x=1")
            .And.Contain("保密提醒").And.Contain("2026年11月25日").And.Contain("09:30（北京时间）");
        html.Text.Should().Contain("href=\"https://expertpool.example.cn/r/confirm?t=abc123&amp;x=1\"").And.Contain("保密提醒");
        text.Text.Should().Be(notice.TextBody, "the text part arrives exactly as rendered");
        html.Text.Should().Be(notice.HtmlBody);

        var stored = await h.LoadAsync(message.Id);
        stored.Status.Should().Be(OutboxStatus.Sent);
        stored.Attempts.Should().Be(1);
        stored.SentAt.Should().Be(h.Clock.GetUtcNow().UtcDateTime);
        stored.LockedBy.Should().BeNull();
    }

    [Fact]
    public async Task A_confirmation_receipt_carries_the_ics_attachment_as_text_calendar()
    {
        await using var h = await NoticeHarness.CreateAsync(DatabaseProvider.Sqlite);
        var start = new DateTimeOffset(2026, 11, 25, 1, 30, 0, TimeSpan.Zero);
        var notice = NoticeTemplates.Confirmation(new ConfirmationNotice("Alice Zhang", "en", "AcceptanceCheck", "YS-2026-007", start, start.AddHours(3),
            "Room 3, 88 Wensan Road, Hangzhou", "inv-42@expertpool.local", start.AddDays(-2)));
        await h.EnqueueAsync(notice, "alice@example.cn", "Alice Zhang");

        (await h.SendDueAsync()).Sent.Should().Be(1);

        var mail = (await SmtpServer.ParseAsync(await h.Smtp.WaitForAsync(1))).Single();
        mail.Subject.Should().StartWith("【专家库】参加确认回执：项目验收 YS-2026-007").And.Contain(" / Confirmed: project acceptance check YS-2026-007");
        mail.ContentType.Should().Be("multipart/mixed");
        mail.Parts.Select(p => p.ContentType).Should().ContainInOrder("multipart/alternative", "text/plain", "text/html", "text/calendar");
        var ics = mail.Parts.Single(p => p.ContentType == "text/calendar");
        ics.Filename.Should().Be("YS-2026-007.ics");
        ics.Disposition.Should().Be("attachment");
        ics.FullContentType.Should().MatchRegex("method=\"?PUBLISH");
        var body = Encoding.UTF8.GetString(Convert.FromBase64String(ics.Base64!));
        body.Should().Contain("BEGIN:VEVENT\r\n").And.Contain("UID:inv-42@expertpool.local\r\n").And.Contain("DTSTART:20261125T013000Z\r\n")
            .And.Contain("DTEND:20261125T043000Z\r\n").And.Contain("LOCATION:Room 3\\, 88 Wensan Road\\, Hangzhou\r\n");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task With_SMTP_down_messages_stay_Pending_with_growing_backoff_then_each_is_delivered_exactly_once(DatabaseProvider provider)
    {
        if (Skip(provider)) return;
        await using var h = await NoticeHarness.CreateAsync(provider, startSmtp: false, settings: new Dictionary<string, string?> { ["Mail:MaxAttempts"] = "8" });
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
            ids.Add((await h.EnqueueAsync(NoticeTemplates.Invitation(NoticeHarness.Invitation(code: $"XM-{i}")), $"e{i}@example.cn", $"专家{i}")).Id);

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var result = await h.SendDueAsync();
            result.Retrying.Should().Be(5);
            var now = h.Clock.GetUtcNow().UtcDateTime;
            foreach (var id in ids)
            {
                var m = await h.LoadAsync(id);
                m.Status.Should().Be(OutboxStatus.Pending);
                m.Attempts.Should().Be(attempt);
                m.LastError.Should().Contain("SmtpException");
                m.NextAttemptAt.Should().BeAfter(now);
            }
            var next = (await h.LoadAsync(ids[0])).NextAttemptAt;
            delays.Add(next - now);
            (await h.SendDueAsync()).Claimed.Should().Be(0, "nothing is due before its backoff ends");
            h.Clock.Set(new DateTimeOffset(next, TimeSpan.Zero));
        }
        delays.Should().Equal(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(90));

        await h.Smtp.StartAsync();
        (await h.SendDueAsync()).Sent.Should().Be(5);
        h.Clock.Advance(TimeSpan.FromHours(1));
        (await h.SendDueAsync()).Claimed.Should().Be(0);

        var mails = await SmtpServer.ParseAsync(await h.Smtp.WaitForAsync(5));
        mails.Should().HaveCount(5);
        mails.Select(m => m.MessageId).Should().OnlyHaveUniqueItems();
        foreach (var id in ids)
            (await h.LoadAsync(id)).Status.Should().Be(OutboxStatus.Sent);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_message_claimed_by_a_killed_sender_is_resent_with_the_same_Message_ID_and_only_that_one(DatabaseProvider provider)
    {
        if (Skip(provider)) return;
        await using var h = await NoticeHarness.CreateAsync(provider);
        var stuck = await h.EnqueueAsync(NoticeTemplates.Invitation(NoticeHarness.Invitation(code: "XM-STUCK")), "stuck@example.cn", "甲");
        var live = await h.EnqueueAsync(NoticeTemplates.Invitation(NoticeHarness.Invitation(code: "XM-LIVE")), "live@example.cn", "乙");
        var sent = await h.EnqueueAsync(NoticeTemplates.Invitation(NoticeHarness.Invitation(code: "XM-DONE")), "done@example.cn", "丙");
        var now = h.Clock.GetUtcNow().UtcDateTime;
        await using (var db = h.Database.CreateContext())
        {
            // A sender died after claiming "stuck" (its lease ran out a second ago); another one still holds "live"; "done" went out earlier.
            await db.Set<OutboxMessage>().Where(m => m.Id == stuck.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Sending).SetProperty(m => m.LockedUntil, now.AddSeconds(-1)).SetProperty(m => m.LockedBy, "dead-worker"));
            await db.Set<OutboxMessage>().Where(m => m.Id == live.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Sending).SetProperty(m => m.LockedUntil, now.AddMinutes(4)).SetProperty(m => m.LockedBy, "live-worker"));
            await db.Set<OutboxMessage>().Where(m => m.Id == sent.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Sent).SetProperty(m => m.SentAt, now).SetProperty(m => m.Attempts, 1));
        }

        (await h.SendDueAsync()).Sent.Should().Be(1);

        var mails = await SmtpServer.ParseAsync(await h.Smtp.WaitForAsync(1));
        mails.Should().ContainSingle().Which.MessageId.Should().Be(stuck.MessageId);
        (await h.LoadAsync(stuck.Id)).Status.Should().Be(OutboxStatus.Sent);
        var held = await h.LoadAsync(live.Id);
        held.Status.Should().Be(OutboxStatus.Sending);
        held.LockedBy.Should().Be("live-worker");
        (await h.LoadAsync(sent.Id)).Status.Should().Be(OutboxStatus.Sent);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Two_senders_at_once_never_send_the_same_message(DatabaseProvider provider)
    {
        if (Skip(provider)) return;
        await using var h = await NoticeHarness.CreateAsync(provider);
        for (var i = 0; i < 40; i++)
            await h.EnqueueAsync(NoticeTemplates.Invitation(NoticeHarness.Invitation(code: $"XM-{i}")), $"p{i}@example.cn", $"专家{i}");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => h.SendDueAsync())));

        results.Sum(r => r.Sent).Should().Be(40);
        var mails = await SmtpServer.ParseAsync(await h.Smtp.WaitForAsync(40));
        mails.Should().HaveCount(40);
        mails.Select(m => m.MessageId).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_mail_server_that_refuses_the_address_leaves_it_on_the_message_for_administrators_and_masked_in_the_log()
    {
        await using var h = await NoticeHarness.CreateAsync(DatabaseProvider.Sqlite);
        var refused = (await h.EnqueueAsync(NoticeTemplates.Invitation(NoticeHarness.Invitation(code: "XM-550")), "refused.li.si@example.cn", "李四")).Id;
        var delivered = (await h.EnqueueAsync(NoticeTemplates.Invitation(NoticeHarness.Invitation(code: "XM-250")), "wang.wu@example.cn", "王五")).Id;

        var result = await h.SendDueAsync();

        result.Sent.Should().Be(1);
        result.Retrying.Should().Be(1);
        (await h.LoadAsync(delivered)).Status.Should().Be(OutboxStatus.Sent);
        var message = await h.LoadAsync(refused);
        message.Status.Should().Be(OutboxStatus.Pending);
        message.LastError.Should().Contain("<refused.li.si@example.cn>", "the server's reply is kept whole for the administrator");
        var logged = h.Logs.Messages.Where(m => m.Contains(message.MessageId, StringComparison.Ordinal)).ToList();
        logged.Should().ContainSingle(m => m.Contains("attempt 1 failed", StringComparison.Ordinal));
        logged.Single().Should().Contain("r***@example.cn").And.Contain("Recipient address rejected");
        h.Logs.Messages.Should().NotContain(m => m.Contains("refused.li.si", StringComparison.Ordinal) || m.Contains("wang.wu", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_pickup_transport_writes_a_parseable_eml_file()
    {
        var pickup = Path.Combine(Path.GetTempPath(), "expertpool-tests", "pickup-" + Guid.NewGuid().ToString("N"));
        await using var h = await NoticeHarness.CreateAsync(DatabaseProvider.Sqlite, startSmtp: false, settings: new Dictionary<string, string?>
        {
            ["Mail:Transport"] = "Pickup",
            ["Mail:PickupDirectory"] = pickup,
        });
        var notice = NoticeTemplates.Cancellation(new CancellationNotice("李四", "zh-CN", "AcceptanceCheck", "YS-9", new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero), "宁波", "评审延期"));
        var message = await h.EnqueueAsync(notice, "lisi@example.cn", "李四");

        (await h.SendDueAsync()).Sent.Should().Be(1);

        var files = Directory.GetFiles(pickup, "*.eml");
        var mail = (await SmtpServer.ParseAsync(files)).Single();
        mail.Subject.Should().Be("【专家库】取消通知：项目验收 YS-9 / Cancelled: project acceptance check YS-9");
        mail.ToName.Should().Be("李四");
        mail.MessageId.Should().Be(message.MessageId);
        mail.Parts.Single(p => p.ContentType == "text/plain").Text.Should().Contain("评审延期");
        Directory.Delete(pickup, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_Quartz_store_starts_on_a_migrated_database_and_its_job_sends_due_notices(DatabaseProvider provider)
    {
        if (Skip(provider)) return;
        await using var h = await NoticeHarness.CreateAsync(provider, withJobs: true);
        var message = await h.EnqueueAsync(NoticeTemplates.Invitation(NoticeHarness.Invitation()), "quartz@example.cn", "周");

        await h.Host.StartAsync();
        try
        {
            var scheduler = await h.Host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            scheduler.SchedulerName.Should().Be("ExpertPool");
            (await scheduler.GetJobDetail(ExpertPool.Domain.Jobs.SendNoticesJob.Key)).Should().NotBeNull();
            (await h.Smtp.WaitForAsync(1, TimeSpan.FromSeconds(30))).Should().HaveCount(1, "the SendNoticesJob fires every second");
        }
        finally
        {
            await h.Host.StopAsync();
        }

        (await h.LoadAsync(message.Id)).Status.Should().Be(OutboxStatus.Sent);
        await using var db = h.Database.CreateContext();
        var jobs = await db.Database.SqlQueryRaw<string>(provider == DatabaseProvider.Postgres
            ? "SELECT job_name AS \"Value\" FROM qrtz_job_details"
            : "SELECT JOB_NAME AS Value FROM qrtz_JOB_DETAILS").ToListAsync();
        jobs.Should().Contain("send-notices", "the schedule is persisted in the application database");
    }

    [Fact]
    public async Task The_sender_delivers_a_batch_of_500_to_the_loopback_server_and_reports_the_rate()
    {
        await using var h = await NoticeHarness.CreateAsync(DatabaseProvider.Sqlite, settings: new Dictionary<string, string?> { ["Mail:BatchSize"] = "500", ["Mail:MaxParallelSends"] = "16" });
        var template = NoticeTemplates.Invitation(NoticeHarness.Invitation());
        await using (var scope = h.Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
            var outbox = scope.ServiceProvider.GetRequiredService<NoticeOutbox>();
            for (var i = 0; i < 500; i++)
                outbox.Enqueue(db, new NoticeRecipient($"bulk{i}@example.cn", $"专家{i}"), template);
            await db.SaveChangesAsync();
        }

        var watch = Stopwatch.StartNew();
        var result = await h.SendDueAsync();
        watch.Stop();

        result.Sent.Should().Be(500);
        (await h.Smtp.WaitForAsync(500)).Should().HaveCount(500);
        output.WriteLine($"500 notices in {watch.Elapsed.TotalSeconds:F2} s: {500 / watch.Elapsed.TotalSeconds:F0} messages/s (MaxParallelSends={h.Options.MaxParallelSends})");
    }
}
