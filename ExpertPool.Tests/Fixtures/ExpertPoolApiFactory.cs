using System.Net.Http.Headers;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExpertPool.Tests.Fixtures;

/// <summary>The real Api host on a real, migrated database of the given provider, with known test API keys.</summary>
public class ExpertPoolApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-6f1c";
    public const string AuditorKey = "test-auditor-key-92ab";

    private readonly DatabaseProvider _provider;
    private TestDatabase? _database;

    public ExpertPoolApiFactory() : this(DatabaseProvider.Sqlite)
    {
    }

    protected ExpertPoolApiFactory(DatabaseProvider provider)
    {
        _provider = provider;
    }

    public TestClock Clock { get; } = new();

    /// <summary>What the host logged, at every level (to check that no secret reaches a log).</summary>
    public LogCapture Logs { get; } = new();

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>False only for PostgreSQL on a developer machine without a server (see <see cref="PostgresRequirement"/>).</summary>
    public bool Enabled { get; private set; } = true;

    public virtual async Task InitializeAsync()
    {
        if (_provider == DatabaseProvider.Postgres && !PostgresRequirement.IsAvailable(null))
        {
            Enabled = false;
            return;
        }
        // Migrations run through the Api's own start-up path, not here.
        _database = await TestDatabase.CreateAsync(_provider, migrate: false);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", _provider.ToString());
        builder.UseSetting("Database:ConnectionString", Database.ConnectionString);
        builder.UseSetting("Seed:DemoExperts", "0");
        // Tests drive the outbox sender themselves; no background scheduler, and no .eml files in the source tree.
        builder.UseSetting("Jobs:RunInApi", "false");
        builder.UseSetting("Mail:PickupDirectory", Path.Combine(Path.GetTempPath(), "expertpool-tests", "mail-" + Guid.NewGuid().ToString("N")));
        builder.UseSetting("Auth:ApiKeys:0:Name", "admin");
        builder.UseSetting("Auth:ApiKeys:0:Role", Roles.Administrator);
        builder.UseSetting("Auth:ApiKeys:0:KeySha256", ApiKeyStore.Hash(AdminKey));
        builder.UseSetting("Auth:ApiKeys:1:Name", "auditor");
        builder.UseSetting("Auth:ApiKeys:1:Role", Roles.Auditor);
        builder.UseSetting("Auth:ApiKeys:1:KeySha256", ApiKeyStore.Hash(AuditorKey));
        builder.UseSetting("Invitations:SigningKey", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("test-signing-key-0123456789abcdef-0123456789")));
        builder.UseSetting("Invitations:PublicBaseUrl", "http://localhost/");
        foreach (var (key, value) in ExtraSettings())
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ILoggerProvider>(Logs);
        });
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace));
    }

    /// <summary>Settings a derived factory adds (e.g. a real SMTP server).</summary>
    protected virtual IEnumerable<(string Key, string? Value)> ExtraSettings() => [];

    public HttpClient CreateClient(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null)
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public HttpClient Admin() => CreateClient(AdminKey);

    public HttpClient Auditor() => CreateClient(AuditorKey);

    /// <summary>Disposes what a derived factory started (after the host stops).</summary>
    protected virtual ValueTask DisposeExtrasAsync() => ValueTask.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await DisposeExtrasAsync();
        if (_database is not null)
            await _database.DisposeAsync();
    }
}

public sealed class SqliteApiFactory : ExpertPoolApiFactory
{
    public SqliteApiFactory() : base(DatabaseProvider.Sqlite)
    {
    }
}

public sealed class PostgresApiFactory : ExpertPoolApiFactory
{
    public PostgresApiFactory() : base(DatabaseProvider.Postgres)
    {
    }
}
