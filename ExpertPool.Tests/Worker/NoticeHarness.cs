using ExpertPool.Domain;
using ExpertPool.Domain.Jobs;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExpertPool.Tests.Worker;

/// <summary>The Domain's real services (as the Worker wires them) on a migrated test database, a loopback SMTP server and a settable clock.</summary>
public sealed class NoticeHarness : IAsyncDisposable
{
    private NoticeHarness(TestDatabase database, SmtpServer smtp, IHost host, TestClock clock, LogCapture logs)
    {
        Logs = logs;
        Database = database;
        Smtp = smtp;
        Host = host;
        Clock = clock;
    }

    public TestDatabase Database { get; }
    public SmtpServer Smtp { get; }
    public IHost Host { get; }
    public TestClock Clock { get; }

    /// <summary>Everything the host logged.</summary>
    public LogCapture Logs { get; }
    public MailOptions Options => Host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MailOptions>>().Value;

    public static async Task<NoticeHarness> CreateAsync(DatabaseProvider provider, bool startSmtp = true, bool withJobs = false, IDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var smtp = await SmtpServer.CreateAsync(startSmtp);
        var clock = new TestClock();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Testing",
            ContentRootPath = smtp.Directory,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Mail:Transport"] = "Smtp",
            ["Mail:Smtp:Host"] = "127.0.0.1",
            ["Mail:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Smtp:Timeout"] = "00:00:10",
            ["Mail:MaxAttempts"] = "4",
            ["Mail:BackoffBase"] = "00:00:30",
            ["Mail:BackoffCap"] = "00:01:30",
            ["Jobs:SendNoticesInterval"] = "00:00:01",
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(clock);
        var logs = new LogCapture();
        builder.Logging.AddProvider(logs);
        builder.Services.AddExpertPoolDomain(builder.Configuration, builder.Environment);
        if (withJobs)
            builder.Services.AddExpertPoolJobs(builder.Configuration, builder.Environment);
        return new NoticeHarness(database, smtp, builder.Build(), clock, logs);
    }

    /// <summary>Renders an invitation and commits it to the outbox the way the invitation flow does: add, then one SaveChanges.</summary>
    public async Task<OutboxMessage> EnqueueAsync(RenderedNotice notice, string email, string name, string? correlationId = null)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        var message = scope.ServiceProvider.GetRequiredService<NoticeOutbox>().Enqueue(db, new NoticeRecipient(email, name), notice, correlationId);
        await db.SaveChangesAsync();
        return message;
    }

    public async Task<OutboxSendResult> SendDueAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxSender>().SendDueAsync(cancellationToken);
    }

    public async Task<OutboxMessage> LoadAsync(Guid id)
    {
        await using var db = Database.CreateContext();
        return await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == id);
    }

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        await Smtp.DisposeAsync();
        await Database.DisposeAsync();
    }

    public static InvitationNotice Invitation(string name = "王建国", string language = "zh-CN", string engagement = "ProjectReview", string code = "XM-2026-0042") => new(
        name, language, engagement, code,
        new DateTimeOffset(2026, 11, 25, 1, 30, 0, TimeSpan.Zero),
        "杭州市西湖区文三路 88 号 3 楼会议室",
        new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
        new Uri("https://expertpool.example.cn/r/confirm?t=abc123&x=1"),
        new Uri("https://expertpool.example.cn/r/decline?t=def456&x=1"));
}
