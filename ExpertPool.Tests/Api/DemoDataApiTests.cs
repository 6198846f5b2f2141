using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Api;

/// <summary>The first start on an empty database with demo data: the registry and one finished, published demo draw.</summary>
public abstract class DemoDataApiTests<TFactory>(TFactory factory, ITestOutputHelper output) : ApiTestBase<TFactory>(factory, output)
    where TFactory : ExpertPoolApiFactory
{
    [Fact]
    public async Task FirstStart_WithDemoData_PublishesOneFinishedDrawThatVerifiesAndWhoseRegistryPredatesIt()
    {
        if (NotConfigured) return;
        using var anonymous = Factory.CreateClient();
        var now = Factory.Clock.GetUtcNow().UtcDateTime;

        var draws = (await Admin.GetFromJsonAsync<JsonObject>("/api/draws"))!["items"]!.AsArray();
        var draw = draws.Should().ContainSingle().Subject!.AsObject();
        draw["outcome"]!.GetValue<string>().Should().Be("Succeeded");
        var id = draw["id"]!.GetValue<string>();
        var executedAt = draw["executedAt"]!.GetValue<DateTime>();
        executedAt.Should().BeBefore(now.AddHours(-15));

        // Published (the review began yesterday): the panel that served, a backup among them in a declined member's seat.
        (await anonymous.GetStringAsync("/public/draws")).Should().Contain($"/public/draws/{id}");
        var page = await anonymous.GetStringAsync($"/public/draws/{id}");
        page.Should().Contain("【演示】").And.Contain("候补 1（递补）").And.Contain("王监督（演示）");

        // Anyone entitled can check it: the auditor verifies and exports it.
        var verified = (await (await Ok(Auditor.PostAsync($"/api/draws/{id}/verify", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        verified["matches"]!.GetValue<bool>().Should().BeTrue(verified.ToJsonString());
        (await Auditor.GetAsync($"/api/draws/{id}/record")).StatusCode.Should().Be(HttpStatusCode.OK);

        // Five seats: four members confirmed, one declined and its backup confirmed.
        var invitations = (await Admin.GetFromJsonAsync<JsonArray>($"/api/draws/{id}/invitations"))!;
        // After the review, auditors read the seats and replacements too (who declined, which backup took the seat).
        (await Auditor.GetFromJsonAsync<JsonArray>($"/api/draws/{id}/invitations"))!.ToJsonString().Should().Be(invitations.ToJsonString());
        invitations.Select(i => i!["status"]!.GetValue<string>()).Order().Should().Equal("Confirmed", "Confirmed", "Confirmed", "Confirmed", "Confirmed", "Declined");
        invitations.Should().ContainSingle(i => i!["drawnAs"]!.GetValue<string>() == "Backup" && i["replacesInvitationId"] != null);

        // The demo is a consistent history: the registry and the exclusion were written before the draw, nothing
        // changed between the entropy and the draw, and an administrator's exclusion is among the reasons.
        await using (var db = Factory.Database.CreateContext())
        {
            (await db.ExpertChanges.MaxAsync(c => c.ChangedAt)).Should().BeBefore(executedAt);
            (await db.ExpertStatusChanges.MaxAsync(c => c.ChangedAt)).Should().BeBefore(executedAt);
            (await db.ManualExclusions.SingleAsync()).CreatedAt.Should().BeBefore(executedAt);
        }
        var window = (await Auditor.GetFromJsonAsync<JsonObject>($"/api/audit/draws/{id}/registry-changes"))!;
        window["changes"]!.AsArray().Should().BeEmpty();
        var record = JsonNode.Parse(await (await Ok(Admin.GetAsync($"/api/draws/{id}/record"))).Content.ReadAsStringAsync())!;
        record["context"]!["exclusions"]!.AsArray().SelectMany(x => x!["reasons"]!.AsArray()).Select(r => r!["rule"]!.GetValue<string>())
            .Should().Contain("manual-exclusion").And.Contain("same-organisation");
    }
}

/// <summary>With the jobs running in the Api, as on a newcomer's first start: the scheduler starts while the demo is seeded.</summary>
public sealed class DemoSqliteApiFactory : ExpertPoolApiFactory
{
    public DemoSqliteApiFactory() : base(DatabaseProvider.Sqlite)
    {
    }

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings() => [("Seed:DemoExperts", "300"), ("Jobs:RunInApi", "true")];
}

public sealed class DemoPostgresApiFactory : ExpertPoolApiFactory
{
    public DemoPostgresApiFactory() : base(DatabaseProvider.Postgres)
    {
    }

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings() => [("Seed:DemoExperts", "300")];
}

/// <summary>The shortest windows the options allow: the demo's steps must fit inside them.</summary>
public sealed class DemoShortWindowsSqliteApiFactory : ExpertPoolApiFactory
{
    public DemoShortWindowsSqliteApiFactory() : base(DatabaseProvider.Sqlite)
    {
    }

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings() =>
        [("Seed:DemoExperts", "300"), ("Draws:MaxLeadTime", "01:00:00"), ("Draws:EntropyWindow", "00:00:00"), ("Invitations:ReplyWindow", "00:10:00"), ("Invitations:ReminderBefore", "00:05:00")];
}

public sealed class SqliteDemoDataShortWindowsApiTests(DemoShortWindowsSqliteApiFactory factory, ITestOutputHelper output) : DemoDataApiTests<DemoShortWindowsSqliteApiFactory>(factory, output);

public sealed class SqliteDemoDataApiTests(DemoSqliteApiFactory factory, ITestOutputHelper output) : DemoDataApiTests<DemoSqliteApiFactory>(factory, output);

public sealed class PostgresDemoDataApiTests(DemoPostgresApiFactory factory, ITestOutputHelper output) : DemoDataApiTests<DemoPostgresApiFactory>(factory, output);
