using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ExpertPool.Domain;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Jobs;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Projects;
using ExpertPool.Domain.Seeding;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project ExpertPool.Api -- bench-notices [--invitations 1000] [--latency-draws 20]</c>.
/// The embedded default (SQLite, jobs in-process) mailing a loopback SMTP sink (Debian python3-aiosmtpd, the tests' sink
/// script): (1) one draw whose panel has N members, timed from the draw to the last invitation in the mailbox;
/// (2) small draws, each timed from the draw to its first invitation in the mailbox.
/// </summary>
public static class NoticeBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var invitations = int.Parse(BenchmarkCommands.Arg(args, "--invitations") ?? "1000", CultureInfo.InvariantCulture);
        var latencyDraws = int.Parse(BenchmarkCommands.Arg(args, "--latency-draws") ?? "20", CultureInfo.InvariantCulture);
        Console.WriteLine($"ExpertPool notice benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        var work = Directory.CreateTempSubdirectory("expertpool-bench-notices-");
        var mailbox = Directory.CreateDirectory(Path.Combine(work.FullName, "mailbox"));
        var port = FreePort();
        using var sink = StartSink(port, mailbox.FullName);
        var clock = new ShiftableClock();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(work.FullName, "bench.db")}",
            ["Mail:Transport"] = "Smtp",
            ["Mail:Smtp:Host"] = "127.0.0.1",
            ["Mail:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Mail:BatchSize"] = "500",
            ["Invitations:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Draws:EntropyFallback"] = "ServerRandom",
            // The benchmark runs its draws itself; keep the scheduled-draw job from racing it.
            ["Jobs:DrawsInterval"] = "01:00:00",
        });
        builder.Services.AddExpertPoolDomain(builder.Configuration, builder.Environment);
        builder.Services.AddExpertPoolJobs(builder.Configuration, builder.Environment);
        // After AddExpertPoolJobs: Quartz registers the system clock for itself.
        builder.Services.AddSingleton<TimeProvider>(clock);
        using var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(Math.Max(5000, invitations * 12), 7, CancellationToken.None);
        }
        await host.StartAsync();
        try
        {
            // (1) Throughput: one panel with `invitations` members spread over the five largest specialty trees.
            var big = await ScheduleAsync(host.Services, clock, invitations);
            var before = Count(mailbox);
            var watch = Stopwatch.StartNew();
            await DrawAsync(host.Services, big);
            var drawn = watch.Elapsed;
            await WaitForAsync(mailbox, before + invitations, TimeSpan.FromMinutes(5));
            var total = watch.Elapsed;
            Report($"{invitations:N0} invitations: draw → last in mailbox", string.Create(CultureInfo.InvariantCulture,
                $"{total.TotalSeconds:F2} s ({invitations / total.TotalSeconds:F0} notices/s overall; draw itself {drawn.TotalMilliseconds:F0} ms; sending {invitations / (total - drawn).TotalSeconds:F0}/s)"));

            // (2) Latency: draw executed → its first invitation in the mailbox.
            var samples = new List<double>();
            for (var i = 0; i < latencyDraws; i++)
            {
                var request = await ScheduleAsync(host.Services, clock, 3);
                before = Count(mailbox);
                var t = Stopwatch.StartNew();
                await DrawAsync(host.Services, request);
                await WaitForAsync(mailbox, before + 1, TimeSpan.FromSeconds(60));
                samples.Add(t.Elapsed.TotalMilliseconds);
                await WaitForAsync(mailbox, before + 3, TimeSpan.FromSeconds(60));
            }
            samples.Sort();
            Report($"draw executed → first invitation in mailbox ({latencyDraws} draws)", string.Create(CultureInfo.InvariantCulture,
                $"median {samples[samples.Count / 2]:F0} ms, p95 {samples[(int)Math.Ceiling(samples.Count * 0.95) - 1]:F0} ms, max {samples[^1]:F0} ms"));
        }
        finally
        {
            await host.StopAsync();
            sink.Kill();
            SqliteConnection.ClearAllPools();
            try { work.Delete(true); } catch (IOException) { }
        }
    }

    private static async Task<Guid> ScheduleAsync(IServiceProvider services, ShiftableClock clock, int members)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var roots = await db.Specialties.Where(s => s.ParentId == null)
            .Select(s => new { s.Code, s.Path, Count = db.ExpertSpecialties.Count(es => db.Specialties.Any(x => x.Id == es.SpecialtyId && x.Path.StartsWith(s.Path))) })
            .ToListAsync();
        var top = roots.OrderByDescending(r => r.Count).Take(5).ToList();
        var per = Math.DivRem(members, top.Count, out var rest);
        var quotas = top.Select((r, i) => new PanelQuotaInput(r.Code, null, per + (i < rest ? 1 : 0), 1)).Where(q => q.Count > 0).ToList();
        var draft = Project.Check("BN-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), "基准测试项目", "ProjectReview", now.AddDays(3), "杭州", null, [], [], now);
        var project = Project.Create(draft, "bench", now);
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        var request = await scope.ServiceProvider.GetRequiredService<PanelRequestService>().ScheduleAsync(
            new PanelRequestInput(project.Id, quotas, now.AddDays(2), now.AddMinutes(1), "基准监督人", null, null), "bench", CancellationToken.None);
        clock.Shift(TimeSpan.FromMinutes(2));
        return request.Id;
    }

    private static async Task DrawAsync(IServiceProvider services, Guid request)
    {
        await using var scope = services.CreateAsyncScope();
        var record = await scope.ServiceProvider.GetRequiredService<DrawExecutor>().ExecuteAsync(request, "bench", CancellationToken.None);
        if (record.Outcome != DrawRecordOutcome.Succeeded)
            throw new InvalidOperationException("benchmark draw failed: " + record.FailureReason);
    }

    private static int Count(DirectoryInfo mailbox) => mailbox.EnumerateFiles("*.eml").Count();

    private static async Task WaitForAsync(DirectoryInfo mailbox, int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (Count(mailbox) < count)
        {
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"only {Count(mailbox)} of {count} messages arrived");
            await Task.Delay(5);
        }
    }

    private static Process StartSink(int port, string directory)
    {
        var root = AppContext.BaseDirectory;
        var dir = new DirectoryInfo(root);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ExpertPool.sln")))
            dir = dir.Parent;
        var script = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("run from the repository"), "ExpertPool.Tests", "Worker", "smtp_sink.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { script, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), directory })
            start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the SMTP sink (needs Debian python3-aiosmtpd)");
        if (process.StandardOutput.ReadLine() != "READY")
            throw new InvalidOperationException("the SMTP sink did not start (needs Debian python3-aiosmtpd)");
        return process;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static void Report(string what, string figure) => Console.WriteLine($"{what,-58} | {figure}");


    /// <summary>Real time plus an offset, so a benchmark can jump to a draw's scheduled time while time keeps flowing.</summary>
    private sealed class ShiftableClock : TimeProvider
    {
        private TimeSpan _offset;

        public void Shift(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }
}
