using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// The write-ahead log is copied into the database file by the background checkpointer, not inside a commit: the
/// connections' automatic threshold is raised, and the hosted service does the copying once a second.
/// </summary>
public sealed class SqliteCheckpointerTests
{
    [Fact]
    public async Task Commits_BelowTheRaisedThreshold_LeaveTheirPagesInTheLog_UntilTheCheckpointerCopiesThem()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.ConnectionString).DataSource;
        // SQLite checkpoints when the last connection to the file closes. Other tests clear the connection pools while
        // this one runs, which closes the pooled connections; this unpooled one stays open so none of them is the last.
        await using var holder = new Microsoft.Data.Sqlite.SqliteConnection(
            new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.ConnectionString) { Pooling = false }.ToString());
        await holder.OpenAsync();
        await using (var ctx = db.CreateContext())
            await ctx.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        var before = new FileInfo(file).Length;

        // ~6 MB in one commit: past SQLite's default threshold (1,000 pages), below the raised one (4,096 pages).
        await using (var ctx = db.CreateContext())
        {
            await ctx.Database.ExecuteSqlRawAsync("""
                CREATE TABLE "checkpoint_probe" ("Body" TEXT NOT NULL);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
                INSERT INTO "checkpoint_probe" SELECT printf('%.4000c', 'x') FROM n;
                """);
        }
        new FileInfo(file).Length.Should().Be(before, "the commit did not checkpoint: its pages are still only in the log");

        using var service = new SqliteCheckpointer(db.ConnectionString, TimeProvider.System, NullLogger<SqliteCheckpointer>.Instance);
        await service.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (new FileInfo(file).Length <= before && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        await service.StopAsync(CancellationToken.None);

        new FileInfo(file).Length.Should().BeGreaterThan(before + 5_000_000, "the background checkpoint copied the pages into the database file");
        var (logFrames, checkpointed) = await SqliteCheckpointer.CheckpointAsync(db.ConnectionString, CancellationToken.None);
        checkpointed.Should().Be(logFrames, "nothing is left to copy");
    }

    [Fact]
    public async Task Checkpoint_BeforeTheDatabaseExists_DoesNotCreateIt()
    {
        var file = Path.Combine(Path.GetTempPath(), "expertpool-tests", $"{Guid.NewGuid():N}.db");

        var result = await SqliteCheckpointer.CheckpointAsync($"Data Source={file}", CancellationToken.None);

        result.Should().Be((0L, 0L));
        File.Exists(file).Should().BeFalse("the migrations create the database, and EF treats an empty file as an existing database");
    }

    [Theory]
    [InlineData("Sqlite", "Data Source=data/x.db", true)]
    [InlineData("Sqlite", "Data Source=:memory:", false)]
    [InlineData("Postgres", "Host=127.0.0.1;Database=x", false)]
    public void TheCheckpointer_IsRegisteredForSqliteFilesOnly(string provider, string connectionString, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["Database:ConnectionString"] = connectionString,
        }).Build();
        var environment = new HostingEnvironmentStub(Path.Combine(Path.GetTempPath(), "expertpool-tests", "checkpointer"));
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);

        services.AddExpertPoolPersistence(configuration, environment);

        using var serviceProvider = services.BuildServiceProvider();
        serviceProvider.GetServices<IHostedService>().OfType<SqliteCheckpointer>().Any().Should().Be(expected);
    }

    private sealed class HostingEnvironmentStub(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "ExpertPool.Tests";
        public string ContentRootPath { get; set; } = root;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
