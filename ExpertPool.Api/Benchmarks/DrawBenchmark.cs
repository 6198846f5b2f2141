using System.Diagnostics;
using System.Globalization;
using ExpertPool.Domain;
using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Projects;
using ExpertPool.Domain.Seeding;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ExpertPool.Api.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project ExpertPool.Api -- bench-draw [--provider sqlite|postgres|all] [--sizes 1000,10000,100000] [--draws N]</c>.
/// For each provider and size: a fresh temporary database (PostgreSQL: EXPERTPOOL_BENCH_POSTGRES or EXPERTPOOL_TEST_POSTGRES,
/// an admin connection string), seeded with the demo seeder plus conflict data that gives every rule of the default rule
/// set work; then N draws with 5 quotas are scheduled and executed through <see cref="DrawExecutor"/> with a settable
/// clock. Prints the figures docs/benchmarks.md records.
/// </summary>
public static class DrawBenchmark
{
    private const string Actor = "bench";

    /// <summary>Rolled-back draws before measuring: enough calls for tiered compilation to promote the draw's methods.</summary>
    private const int WarmUps = 40;
    /// <summary>Draws after the first whose times are printed on their own (a rarely drawing service runs these).</summary>
    private const int EarlyDraws = 4;

    /// <summary><c>--log-sql</c>: after the measured draws, run one more and print its SQL with timings to stderr.</summary>
    private static bool LogSql;

    /// <summary><c>--stages</c>: print every draw's own log line (milliseconds per stage) to stderr.</summary>
    private static bool Stages;

    /// <summary>5 quotas: top-level subtrees, leaves, one bound to a province.</summary>
    private static readonly PanelQuotaInput[] Quotas =
    [
        new("QM", null, 5, 2),
        new("IT", "330000", 3, 2),
        new("SE03", null, 3, 2),
        new("FS01", null, 2, 2),
        new("EF", null, 2, 2),
    ];

    public static async Task RunAsync(string[] args)
    {
        var provider = BenchmarkCommands.Arg(args, "--provider") ?? "all";
        var sizes = (BenchmarkCommands.Arg(args, "--sizes") ?? "1000,10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var draws = int.Parse(BenchmarkCommands.Arg(args, "--draws") ?? "30", CultureInfo.InvariantCulture);
        LogSql = args.Contains("--log-sql");
        Stages = args.Contains("--stages");
        Console.WriteLine($"ExpertPool draw benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load {LoadAverage()}");
        Console.WriteLine($"{"provider",-9} | {"experts",7} | {"draw median",11} | {"draw p95",9} | {"bare query",10} | {"ratio",5} | {"eligible-ids SQL",16} | {"ratio",5} | {"pool",6} | {"excluded",8} | {"verify 12-quota pool",28} | {"alloc/draw",10} | {"peak WS Δ",9}");
        foreach (var size in sizes)
        {
            if (provider is "all" or "sqlite")
                await RunOneAsync(DatabaseProvider.Sqlite, size, draws);
            if (provider is "all" or "postgres")
                await RunOneAsync(DatabaseProvider.Postgres, size, draws);
        }
        Console.WriteLine($"load after: {LoadAverage()}");
    }

    private static async Task RunOneAsync(DatabaseProvider provider, int expertCount, int drawCount)
    {
        // EXPERTPOOL_BENCH_REUSE=<file>: draw against a copy of a SQLite file kept by an earlier run (EXPERTPOOL_BENCH_KEEP=1)
        // instead of seeding a new one; the conflict data is already there. Each run gets a fresh copy, so runs compare
        // (draw records would otherwise pile up in the file). For profiling rounds, on the day of the seeding.
        var reuse = provider == DatabaseProvider.Sqlite ? Environment.GetEnvironmentVariable("EXPERTPOOL_BENCH_REUSE") : null;
        var (connectionString, cleanup) = await BenchmarkCommands.CreateDatabaseAsync(provider);
        if (reuse is not null)
        {
            var copy = new SqliteConnectionStringBuilder(connectionString).DataSource;
            File.Copy(reuse, copy, overwrite: true);
        }
        try
        {
            var clock = new SettableClock(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(1), TimeSpan.Zero));
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(SqlLog.Instance);
            builder.Logging.AddFilter<SqlLog>("Microsoft.EntityFrameworkCore.Database.Command", LogSql ? LogLevel.Information : LogLevel.None);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider.ToString(),
                ["Database:ConnectionString"] = connectionString,
            });
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddExpertPoolDomain(builder.Configuration, builder.Environment);
            using var host = builder.Build();
            // Hosted services as in the Api and Worker (on SQLite: the background WAL checkpointer).
            await host.StartAsync();

            await using (var scope = host.Services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            var seedWatch = Stopwatch.StartNew();
            Parties parties;
            if (reuse is null)
            {
                await using (var scope = host.Services.CreateAsyncScope())
                    await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(expertCount, 20261122, CancellationToken.None);
                parties = await SeedConflictDataAsync(host.Services, clock, expertCount);
            }
            else
            {
                await using var scope = host.Services.CreateAsyncScope();
                parties = await FindPartiesAsync(scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>());
            }
            var seeded = seedWatch.Elapsed;

            // Schedule every request at "now", then move the clock to the draw time, enter entropy and execute.
            var drawAt = clock.GetUtcNow().UtcDateTime.AddDays(2);
            var run = reuse is null ? "" : $"{DateTime.UtcNow:HHmmss}-"; // project codes are unique in a reused file
            var standard = new List<Guid>();
            for (var i = 0; i < drawCount + 4; i++)
                standard.Add(await ScheduleAsync(host.Services, parties, Quotas, drawAt, $"BENCH-{run}{i:D4}"));
            var tops = await TopLevelQuotasAsync(host.Services);
            var wide = await ScheduleAsync(host.Services, parties, tops, drawAt, $"BENCH-{run}ALL");
            clock.Set(new DateTimeOffset(drawAt, TimeSpan.Zero));
            foreach (var id in standard.Append(wide))
            {
                await using var scope = host.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DrawExecutor>().AddEntropyAsync(id, "supervisor", $"bench-{id:N}", Actor, CancellationToken.None);
            }

            // EXPERTPOOL_BENCH_PROFILE=N: only N rolled-back draws, for a profiler (perf with DOTNET_PerfMapEnabled=1).
            if (int.TryParse(Environment.GetEnvironmentVariable("EXPERTPOOL_BENCH_PROFILE"), CultureInfo.InvariantCulture, out var profileDraws))
            {
                for (var i = 0; i < profileDraws; i++)
                    await RolledBackDrawAsync(host.Services, standard[0]);
                return;
            }

            // (a) draw execution. The first draw of the process is timed on its own (JIT compilation included). Then
            // warm-up draws run inside a transaction that is rolled back, until tiered compilation has optimised the
            // draw's code, so the medians are the steady state of a running service. Then 2 more warm-ups and N measured
            // draws, the last one also measured for memory.
            // The next few draws are what a service that draws a few times a day runs: code below its optimised tier.
            var firstMs = await RolledBackDrawAsync(host.Services, standard[0]);
            var earlyMs = new List<double>();
            for (var i = 0; i < WarmUps; i++)
            {
                var ms = await RolledBackDrawAsync(host.Services, standard[0]);
                if (i < EarlyDraws)
                    earlyMs.Add(ms);
            }
            var samples = new List<double>();
            DrawRecord? last = null;
            for (var i = 0; i < drawCount + 2; i++)
            {
                await using var scope = host.Services.CreateAsyncScope();
                var executor = scope.ServiceProvider.GetRequiredService<DrawExecutor>();
                var t = Stopwatch.GetTimestamp();
                last = await executor.ExecuteAsync(standard[i], Actor, CancellationToken.None);
                var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                if (i >= 2)
                    samples.Add(ms);
            }
            var memory = await MeasureMemoryAsync(host.Services, standard[^1]);
            if (LogSql)
            {
                SqlLog.Instance.Enabled = true;
                await using (var scope = host.Services.CreateAsyncScope())
                    await scope.ServiceProvider.GetRequiredService<DrawExecutor>().ExecuteAsync(standard[^2], Actor, CancellationToken.None);
                SqlLog.Instance.Enabled = false;
            }

            // (b) the bare query: the same quotas' candidate ids, no rules — as eligibility reads them, and as a plain EF query.
            // (b2) the same eligible ids as one plain SQL statement (candidates EXCEPT every rule's violators, no evidence),
            // checked first to give exactly the pools the evaluation gives (decision 038).
            var bare = new List<double>();
            var bareEf = new List<double>();
            var bareEligible = new List<double>();
            await CheckEligiblePoolsQueryAsync(host.Services, standard[^1]);
            async Task<int> BareEligibleAsync(ExpertPoolDbContext db) =>
                (await EligiblePoolsQuery.ReadAsync(db, standard[^1], CancellationToken.None)).Sum(q => q.Value.Count);
            for (var i = 0; i < drawCount + 2; i++)
            {
                foreach (var (samplesOf, read) in new (List<double>, Func<ExpertPoolDbContext, Task<int>>)[] { (bare, BareQueryAsync), (bareEf, BareEfQueryAsync), (bareEligible, BareEligibleAsync) })
                {
                    await using var scope = host.Services.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
                    var t = Stopwatch.GetTimestamp();
                    var n = await read(db);
                    var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    if (n == 0)
                        throw new InvalidOperationException("the bare query read no ids");
                    if (i >= 2)
                        samplesOf.Add(ms);
                }
            }

            // (c) verification of a draw over every expert (12 top-level quotas).
            DrawRecord wideRecord;
            var wideWatch = Stopwatch.StartNew();
            await using (var scope = host.Services.CreateAsyncScope())
                wideRecord = await scope.ServiceProvider.GetRequiredService<DrawExecutor>().ExecuteAsync(wide, Actor, CancellationToken.None);
            var wideDrawMs = wideWatch.Elapsed.TotalMilliseconds;
            var verify = new List<double>();
            for (var i = 0; i < 12; i++)
            {
                await using var scope = host.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
                var t = Stopwatch.GetTimestamp();
                var result = await DrawRecordVerification.VerifyAsync(db, wideRecord.Id, CancellationToken.None);
                var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                if (!result.Matches)
                    throw new InvalidOperationException($"verification failed at {result.FirstDivergence}");
                if (i >= 2)
                    verify.Add(ms);
            }

            await PrintStagesAsync(host.Services, provider, expertCount, standard[0], wideRecord.Id);

            samples.Sort();
            bare.Sort();
            bareEf.Sort();
            bareEligible.Sort();
            verify.Sort();
            var drawMedian = Median(samples);
            var bareMedian = Median(bare);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{provider,-9} | {expertCount,7:N0} | {drawMedian,8:F1} ms | {P95(samples),6:F1} ms | {bareMedian,7:F1} ms | {drawMedian / bareMedian,5:F1} | {Median(bareEligible),13:F1} ms | {drawMedian / Median(bareEligible),5:F1} | {last!.EligibleTotal,6:N0} | {last.ExcludedTotal,8:N0} | {wideRecord.EligibleTotal,7:N0} ids: {Median(verify),6:F1} ms (draw {wideDrawMs,4:F0}) | {memory.AllocatedBytes / 1048576.0,7:F1} MB | {memory.PeakDelta / 1048576.0,6:F1} MB"));
            Console.Error.WriteLine($"  ({provider} {expertCount:N0}: first draw of the process {firstMs:F1} ms, the next {EarlyDraws} {string.Join(" / ", earlyMs.Select(ms => ms.ToString("F0", CultureInfo.InvariantCulture)))} ms; seeded in {seeded.TotalSeconds:F1} s, last outcome {last.Outcome}, peak WS {memory.Peak / 1048576.0:F0} MB; bare query as a plain EF query {Median(bareEf):F1} ms, ratio {drawMedian / Median(bareEf):F1}; the eligible-ids statement's p95 {P95(bareEligible):F1} ms)");
        }
        finally
        {
            await cleanup();
        }
    }

    /// <summary>One draw inside a transaction that is rolled back (the request stays Scheduled); returns its milliseconds.</summary>
    private static async Task<double> RolledBackDrawAsync(IServiceProvider services, Guid requestId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        await using var tx = await db.BeginSnapshotTransactionAsync(CancellationToken.None);
        var t = Stopwatch.GetTimestamp();
        await scope.ServiceProvider.GetRequiredService<DrawExecutor>().ExecuteAsync(requestId, Actor, CancellationToken.None);
        var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        await tx.RollbackAsync();
        return ms;
    }

    /// <summary>Where the time goes (stderr): eligibility, algorithm and canonical JSON of a draw; load, parse and re-run of a verification.</summary>
    private static async Task PrintStagesAsync(IServiceProvider services, DatabaseProvider provider, int expertCount, Guid requestId, Guid wideId)
    {
        var eligibility = new List<double>();
        var algorithm = new List<double>();
        var json = new List<double>();
        var load = new List<double>();
        var parse = new List<double>();
        var rerun = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
            var t = Stopwatch.GetTimestamp();
            var report = await scope.ServiceProvider.GetRequiredService<EligibilityService>().EvaluateAsync(requestId, CancellationToken.None);
            eligibility.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            var request = await db.PanelRequests.AsNoTracking().Include(r => r.Quotas).FirstAsync(r => r.Id == requestId);
            var input = new Domain.Draws.Algorithm.DrawInput(request.Id.ToString("D"), request.Nonce, report.RuleSetVersion, request.ToDrawQuotas(), report.ToDrawPools(), [new("supervisor", "stages")]);
            t = Stopwatch.GetTimestamp();
            var outcome = Domain.Draws.Algorithm.DrawAlgorithm.Run(input);
            algorithm.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            t = Stopwatch.GetTimestamp();
            _ = Domain.Draws.Algorithm.DrawRecordJson.Serialize(Domain.Draws.Algorithm.DrawRecordDocument.Create(input, outcome));
            json.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);

            t = Stopwatch.GetTimestamp();
            // As DrawRecordVerification.VerifyAsync reads it: the row with its selections, then the document's stored bytes.
            _ = await db.DrawRecords.AsNoTracking().Include(r => r.Selections).FirstAsync(r => r.Id == wideId);
            var utf8 = await Domain.Persistence.DrawDocumentReader.ReadUtf8Async(db, wideId, CancellationToken.None);
            load.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            t = Stopwatch.GetTimestamp();
            var doc = Domain.Draws.Algorithm.DrawRecordJson.Deserialize(utf8);
            parse.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            t = Stopwatch.GetTimestamp();
            _ = Domain.Draws.Algorithm.DrawVerifier.Verify(doc);
            rerun.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        static string M(List<double> x) => x.Skip(2).Order().ElementAt((x.Count - 2) / 2).ToString("F1", CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"  ({provider} {expertCount:N0} stages, median ms: draw = eligibility {M(eligibility)} + algorithm {M(algorithm)} + record JSON {M(json)} + saving; verify = load {M(load)} + parse {M(parse)} + re-run {M(rerun)})");
    }

    private static double Median(List<double> sorted) => sorted[sorted.Count / 2];

    private static double P95(List<double> sorted) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.95) - 1)];

    private sealed record Parties(Guid Applicant, Guid Partner1, Guid Partner2, Guid[] Preparers);

    private sealed record Memory(long AllocatedBytes, long Peak, long PeakDelta);

    /// <summary>
    /// Allocated bytes (all threads: the ranking may run in parallel) and peak working set during one draw. The peak is reset
    /// through /proc/self/clear_refs on Linux; elsewhere it is the process peak so far.
    /// </summary>
    private static async Task<Memory> MeasureMemoryAsync(IServiceProvider services, Guid requestId)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = ReadStatusKb("VmRSS:") * 1024;
        try
        {
            await File.WriteAllTextAsync("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux or not permitted: the high-water mark then includes seeding.
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        await using (var scope = services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DrawExecutor>().ExecuteAsync(requestId, Actor, CancellationToken.None);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var peak = ReadStatusKb("VmHWM:") * 1024;
        if (peak == 0)
            peak = Process.GetCurrentProcess().PeakWorkingSet64;
        return new Memory(allocated, peak, Math.Max(0, peak - before));
    }

    private static long ReadStatusKb(string field)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>What the draw has to read at the least: each quota's candidate ids (specialty subtree, region), no rules, read exactly as eligibility reads them.</summary>
    private static async Task<int> BareQueryAsync(ExpertPoolDbContext db)
    {
        var total = 0;
        foreach (var quota in Quotas)
            total += (await EligibilityService.CandidateIdsAsync(db, quota.SpecialtyCode!, quota.RegionCode, CancellationToken.None)).Count;
        return total;
    }

    /// <summary>
    /// Refuses to time <see cref="EligiblePoolsQuery"/> unless it gives exactly the evaluation's pools for the request:
    /// otherwise it would not be reading "the same eligible ids".
    /// </summary>
    private static async Task CheckEligiblePoolsQueryAsync(IServiceProvider services, Guid requestId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        var report = await scope.ServiceProvider.GetRequiredService<EligibilityService>().EvaluateAsync(requestId, CancellationToken.None);
        var pools = await EligiblePoolsQuery.ReadAsync(db, requestId, CancellationToken.None);
        foreach (var quota in report.Quotas)
        {
            var sql = pools[quota.Key].Select(id => id.ToString("D")).Order(StringComparer.Ordinal).ToList();
            if (!sql.SequenceEqual(quota.EligibleExpertIds))
                throw new InvalidOperationException($"quota {quota.Key}: the eligible-ids statement gives {sql.Count} ids, the evaluation {quota.EligibleExpertIds.Count}; {sql.Except(quota.EligibleExpertIds).Count()} only in the statement, {quota.EligibleExpertIds.Except(sql).Count()} only in the evaluation");
        }
    }

    /// <summary>The same ids through an ordinary EF LINQ query (what eligibility did before it read ids through IdRowReader).</summary>
    private static async Task<int> BareEfQueryAsync(ExpertPoolDbContext db)
    {
        var total = 0;
        foreach (var quota in Quotas)
        {
            var root = await db.Specialties.Where(s => s.Code == quota.SpecialtyCode).Select(s => s.Path).FirstAsync();
            var specialtyIds = await db.Specialties.Where(s => s.Path.StartsWith(root)).Select(s => s.Id).ToListAsync();
            var rows = db.ExpertSpecialties.Where(es => specialtyIds.Contains(es.SpecialtyId));
            if (quota.RegionCode is { } region)
            {
                rows = from es in rows
                       join e in db.Experts on es.ExpertId equals e.Id
                       join r in db.Regions on e.RegionCode equals r.Code
                       where r.Code == region || r.ParentCode == region
                       select es;
            }
            total += (await rows.Select(es => es.ExpertId).ToListAsync()).Count;
        }
        return total;
    }

    private static async Task<PanelQuotaInput[]> TopLevelQuotasAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        var codes = await db.Specialties.Where(s => s.ParentId == null).OrderBy(s => s.Code).Select(s => s.Code).ToListAsync();
        return codes.Select(c => new PanelQuotaInput(c, null, 1, 1)).ToArray();
    }

    private static async Task<Guid> ScheduleAsync(IServiceProvider services, Parties parties, IReadOnlyList<PanelQuotaInput> quotas, DateTime drawAt, string code)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow().UtcDateTime;
        var draft = Project.Check(code, "抽取基准项目 draw benchmark", nameof(EngagementType.ProjectReview), drawAt.AddDays(3), "杭州", "330100",
            [new(parties.Applicant, PartyRole.Applicant), new(parties.Partner1, PartyRole.Partner), new(parties.Partner2, PartyRole.Partner)],
            parties.Preparers.Select(p => new ProjectPreparerInput(p, "编写申报书 / wrote the application")).ToList(), now);
        var project = Project.Create(draft, Actor, now);
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        var service = scope.ServiceProvider.GetRequiredService<PanelRequestService>();
        var request = await service.ScheduleAsync(new PanelRequestInput(project.Id, quotas, drawAt.AddDays(1), drawAt, "监督人 Supervisor", null, null), Actor, CancellationToken.None);
        // Manual exclusions: a few experts per request, with a reason.
        var excluded = await db.Experts.OrderBy(e => e.IdNumber).Skip(Math.Abs(code.GetHashCode(StringComparison.Ordinal) % 500)).Take(5).Select(e => e.Id).ToListAsync();
        foreach (var expertId in excluded)
            await service.ExcludeAsync(request.Id, expertId, "与申请单位负责人有私交 / personal ties to the applicant's head", Actor, CancellationToken.None);
        return request.Id;
    }

    /// <summary>
    /// Conflict data so every rule of the default set has work: relations for ~20% of experts (a share of them with the
    /// parties, dates around the 3-year window), ~2 engagements per expert over 2 years (some experts at the workload cap,
    /// some for the applicant), declared conflicts for ~2%, and preparers. Blackouts come from the seeder.
    /// </summary>
    private static async Task<Parties> SeedConflictDataAsync(IServiceProvider services, SettableClock clock, int expertCount)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var rnd = new Random(20261122);
        var experts = await db.Experts.OrderBy(e => e.IdNumber).Select(e => e.Id).ToListAsync();
        var orgs = await db.Organisations.OrderBy(o => o.CreditCode).Select(o => o.Id).ToListAsync();
        var parties = await FindPartiesAsync(db);
        Guid[] big = [parties.Applicant, parties.Partner1, parties.Partner2];
        Guid Org() => rnd.Next(100) < 15 ? big[rnd.Next(3)] : orgs[rnd.Next(orgs.Count)];

        // A past project for the engagements.
        var pastDraft = Project.Check("BENCH-PAST", "历史项目 past project", nameof(EngagementType.ProjectReview), now.AddDays(-700), "杭州", null, [], [], now.AddYears(-3));
        var past = Project.Create(pastDraft, Actor, now.AddYears(-3));
        db.Projects.Add(past);
        await db.SaveChangesAsync();

        var kinds = Enum.GetValues<RelationKind>();
        var pending = 0;
        async Task FlushAsync(bool force = false)
        {
            if (++pending < 5000 && !force)
                return;
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            pending = 0;
        }

        foreach (var expertId in experts)
        {
            if (rnd.Next(100) < 20)
            {
                var from = today.AddDays(-rnd.Next(365, 365 * 12));
                DateOnly? to = rnd.Next(100) < 35 ? null : today.AddDays(-rnd.Next(0, 365 * 6));
                if (to < from)
                    to = from.AddDays(rnd.Next(30, 900));
                // A relation ends no later than today (the registry refuses an end ahead of it).
                if (to > today)
                    to = today;
                db.ExpertRelations.Add(ExpertRelation.Create(expertId, Org(), kinds[rnd.Next(kinds.Length)], from, to, null, Actor, now));
                await FlushAsync();
            }
            if (rnd.Next(100) < 2)
            {
                db.DeclaredConflicts.Add(DeclaredConflict.SelfDeclared(expertId, Org(), "曾与该单位合作 / worked with this unit", Actor, now.AddDays(-rnd.Next(1, 500))));
                await FlushAsync();
            }
            // ~2 engagements over the last 2 years; 1% of experts are at the workload cap.
            var heavy = rnd.Next(100) == 0;
            var count = heavy ? 10 + rnd.Next(3) : rnd.Next(5);
            for (var i = 0; i < count; i++)
            {
                var day = today.AddDays(heavy ? -rnd.Next(0, 360) : -rnd.Next(0, 730));
                Guid? applicant = rnd.Next(100) < 3 ? parties.Applicant : orgs[rnd.Next(orgs.Count)];
                db.ExpertEngagements.Add(ExpertEngagement.Confirm(expertId, past.Id, null, applicant, day, day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)));
                await FlushAsync();
            }
        }
        await FlushAsync(force: true);
        await DatabaseStatistics.RefreshAsync(db, CancellationToken.None);
        _ = expertCount;
        return parties;
    }

    /// <summary>The parties are the biggest employers, so same-organisation has work too; the preparers are the 2nd and 3rd experts by ID number.</summary>
    private static async Task<Parties> FindPartiesAsync(ExpertPoolDbContext db)
    {
        var big = await db.Experts.GroupBy(e => e.EmployerId).Select(g => new { g.Key, N = g.Count() })
            .OrderByDescending(g => g.N).ThenBy(g => g.Key).Take(3).Select(g => g.Key).ToListAsync();
        var preparers = await db.Experts.OrderBy(e => e.IdNumber).Skip(1).Take(2).Select(e => e.Id).ToArrayAsync();
        return new Parties(big[0], big[1], big[2], preparers);
    }

    /// <summary>Prints EF's executed commands (with their durations) while <see cref="Enabled"/>.</summary>
    private sealed class SqlLog : ILoggerProvider, ILogger
    {
        public static readonly SqlLog Instance = new();

        public bool Enabled { get; set; }

        public ILogger CreateLogger(string categoryName) => categoryName switch
        {
            "Microsoft.EntityFrameworkCore.Database.Command" => this,
            "ExpertPool.Domain.Draws.DrawExecutor" when Stages => new StageLog(),
            _ => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        };

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        // EF caches whether an event is enabled, so the switch is checked when writing.
        public bool IsEnabled(LogLevel logLevel) => LogSql && logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (Enabled && IsEnabled(logLevel))
                Console.Error.WriteLine("  sql: " + formatter(state, exception).ReplaceLineEndings(" "));
        }

        public void Dispose()
        {
        }
    }

    /// <summary>The draw's own log line, which gives milliseconds per stage (<c>--stages</c>).</summary>
    private sealed class StageLog : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            var stages = text.LastIndexOf("; ", StringComparison.Ordinal);
            Console.Error.WriteLine("  draw: " + (stages < 0 ? text : text[(stages + 2)..]));
        }
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public void Set(DateTimeOffset value) => _now = value;

        public override DateTimeOffset GetUtcNow() => _now;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

}
