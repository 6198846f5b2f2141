using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ExpertPool.Tests.Worker;

/// <summary>Administrators see notices that keep failing, and can put them back in the queue.</summary>
public class NoticesApiTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    [Fact]
    public async Task A_notice_that_fails_MaxAttempts_times_is_marked_Failed_listed_for_administrators_and_can_be_retried_once()
    {
        await using var smtp = await SmtpServer.CreateAsync(start: false);
        var options = new MailOptions { Transport = MailTransportKind.Smtp, MaxAttempts = 3, BackoffBase = TimeSpan.FromSeconds(10), BackoffCap = TimeSpan.FromMinutes(1) };
        options.Smtp.Host = "127.0.0.1";
        options.Smtp.Port = smtp.Port;
        options.Smtp.Timeout = TimeSpan.FromSeconds(5);
        var correlation = "inv-" + Guid.NewGuid().ToString("N");
        OutboxMessage message;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
            message = scope.ServiceProvider.GetRequiredService<NoticeOutbox>().Enqueue(db, new NoticeRecipient("fail@example.cn", "赵六"),
                NoticeTemplates.Invitation(NoticeHarness.Invitation(name: "赵六")), correlation);
            await db.SaveChangesAsync();
        }

        for (var i = 0; i < 3; i++)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var sender = new OutboxSender(scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>(), new SmtpMailTransport(Options.Create(options)),
                Options.Create(options), factory.Clock, NullLogger<OutboxSender>.Instance);
            await sender.SendDueAsync(default);
            factory.Clock.Advance(TimeSpan.FromMinutes(2));
        }

        var failed = await factory.Admin().GetFromJsonAsync<JsonArray>($"/api/notices?status=Failed&correlationId={correlation}");
        var row = failed!.Should().ContainSingle().Subject!;
        row["messageId"]!.GetValue<string>().Should().Be(message.MessageId);
        row["status"]!.GetValue<string>().Should().Be("Failed");
        row["attempts"]!.GetValue<int>().Should().Be(3);
        row["lastError"]!.GetValue<string>().Should().Contain("SmtpException");
        row["recipientName"]!.GetValue<string>().Should().Be("赵六");

        // Names only: a number is no status, and neither is a list.
        foreach (var bad in new[] { "99", "1", "Failed,Sent" })
        {
            var refused = await factory.Admin().GetAsync($"/api/notices?status={Uri.EscapeDataString(bad)}");
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest, bad);
            (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["status"]![0]!.GetValue<string>().Should().Contain("Failed").And.Contain("须为");
        }
        (await factory.Admin().GetFromJsonAsync<JsonArray>($"/api/notices?status=failed&correlationId={correlation}"))!.Should().ContainSingle("names are read in any case");
        // A limit out of range is refused like any other paging value, not quietly adjusted.
        foreach (var limit in new[] { "-1", "0", "1001" })
        {
            var refused = await factory.Admin().GetAsync($"/api/notices?limit={limit}");
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest, limit);
            (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["limit"]![0]!.GetValue<string>().Should().Contain("1000");
        }
        (await factory.Admin().GetFromJsonAsync<JsonArray>($"/api/notices?status=Failed&correlationId={correlation}&limit=1"))!.Should().ContainSingle();
        (await factory.Auditor().GetAsync("/api/notices?status=Failed")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await factory.CreateClient(apiKey: null).GetAsync("/api/notices")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        (await factory.Admin().PostAsync($"/api/notices/{message.Id}/retry", null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var pending = await factory.Admin().GetFromJsonAsync<JsonArray>($"/api/notices?status=Pending&correlationId={correlation}");
        pending!.Should().ContainSingle().Which!["attempts"]!.GetValue<int>().Should().Be(0);
        (await factory.Admin().PostAsync($"/api/notices/{message.Id}/retry", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await factory.Admin().PostAsync($"/api/notices/{Guid.NewGuid()}/retry", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
