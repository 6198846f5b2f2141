using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using ExpertPool.Api.Experts;
using ExpertPool.Api.Security;
using ExpertPool.Domain;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts.Csv;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Seeding;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ExpertPool.Api.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project ExpertPool.Api -- bench-registry [--provider sqlite|postgres|all] [--experts N] [--import-rows N] [--queries N]</c>.
/// Each provider gets a fresh temporary database (PostgreSQL: EXPERTPOOL_BENCH_POSTGRES or EXPERTPOOL_TEST_POSTGRES, an admin
/// connection string), seeded through the same code as the service; prints the figures docs/benchmarks.md records.
/// </summary>
public static class RegistryBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var provider = BenchmarkCommands.Arg(args, "--provider") ?? "all";
        var experts = int.Parse(BenchmarkCommands.Arg(args, "--experts") ?? "100000", CultureInfo.InvariantCulture);
        var importRows = int.Parse(BenchmarkCommands.Arg(args, "--import-rows") ?? "10000", CultureInfo.InvariantCulture);
        var queries = int.Parse(BenchmarkCommands.Arg(args, "--queries") ?? "200", CultureInfo.InvariantCulture);
        Console.WriteLine($"ExpertPool registry benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        if (provider is "all" or "sqlite")
            await RunOneAsync(DatabaseProvider.Sqlite, experts, importRows, queries);
        if (provider is "all" or "postgres")
            await RunOneAsync(DatabaseProvider.Postgres, experts, importRows, queries);
    }

    private static async Task RunOneAsync(DatabaseProvider provider, int expertCount, int importRows, int queries)
    {
        var (connectionString, cleanup) = await BenchmarkCommands.CreateDatabaseAsync(provider);
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider.ToString(),
                ["Database:ConnectionString"] = connectionString,
            });
            builder.Services.AddExpertPoolDomain(builder.Configuration, builder.Environment);
            using var host = builder.Build();

            await using (var scope = host.Services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();

            var watch = Stopwatch.StartNew();
            await using (var scope = host.Services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(expertCount, 20261122, CancellationToken.None);
            Report(provider, $"seed {expertCount:N0} experts", $"{watch.Elapsed.TotalSeconds:F1} s");

            var admin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Roles.Administrator)], "bench"));
            var shapes = new (string Name, string? Specialty, string? Region, string? Status, string? Grade, string? Q)[]
            {
                ("specialty subtree QM + Active", "QM", null, "Active", null, null),
                ("province 330000 + FullSenior", null, "330000", null, "FullSenior", null),
                ("leaf SE03 + city 330100", "SE03", "330100", null, null, null),
                ("free text 检测", null, null, null, null, "检测"),
            };
            foreach (var shape in shapes)
            {
                var samples = new List<double>();
                for (var i = 0; i < queries + 5; i++)
                {
                    await using var scope = host.Services.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
                    var t = Stopwatch.GetTimestamp();
                    var page = await ExpertsEndpoints.ListExperts(db, admin, shape.Specialty, shape.Region, shape.Status, shape.Grade, shape.Q, 1 + i % 3, 50, CancellationToken.None);
                    var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    if (i >= 5)
                        samples.Add(ms);
                    if (i == 0 && page.Value!.Total == 0)
                        throw new InvalidOperationException($"query '{shape.Name}' matched nothing");
                }
                samples.Sort();
                Report(provider, $"list: {shape.Name} (page of 50 + total)", $"median {samples[samples.Count / 2]:F1} ms, p95 {samples[(int)(samples.Count * 0.95)]:F1} ms");
            }

            var csv = await BuildImportFileAsync(host.Services, importRows);
            watch.Restart();
            await using (var scope = host.Services.CreateAsyncScope())
            {
                var result = await scope.ServiceProvider.GetRequiredService<ExpertCsvImporter>().ImportAsync(new MemoryStream(csv), "bench", CancellationToken.None);
                if (!result.Succeeded)
                    throw new InvalidOperationException("import failed: " + string.Join("; ", result.Errors.Take(5).Select(e => $"{e.Line} {e.Column} {e.Reason}")));
            }
            Report(provider, $"CSV import {importRows:N0} rows (into {expertCount:N0})", $"{watch.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            await cleanup();
        }
    }

    private static async Task<byte[]> BuildImportFileAsync(IServiceProvider services, int rows)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        var leaves = await db.Specialties.Where(s => s.Depth == 1).Select(s => s.Code).ToListAsync();
        var cities = await db.Regions.Where(r => r.ParentCode != null).Select(r => r.Code).ToListAsync();
        var employers = await db.Organisations.Select(o => new { o.Name, o.CreditCode }).Take(200).ToListAsync();
        var sb = new StringBuilder("姓名,身份证号,工作单位,统一社会信用代码,职称,职称级别,专业代码,行政区划代码,邮箱,电话\n");
        var rnd = new Random(7);
        for (var i = 0; i < rows; i++)
        {
            // Birth years 1940-1949 keep these ID numbers apart from the seeded ones (ages 30-68).
            var first17 = string.Create(CultureInfo.InvariantCulture, $"{cities[i % cities.Count]}194{i % 10}{1 + i % 12:00}{1 + i / 12 % 28:00}{i / 336 % 1000:000}");
            var id = first17 + ChineseIdNumber.CheckCharacter(first17);
            var e = employers[i % employers.Count];
            sb.Append(CultureInfo.InvariantCulture, $"导入专家{i},{id},{e.Name},{e.CreditCode},高级工程师,副高级,{leaves[rnd.Next(leaves.Count)]},{cities[i % cities.Count]},bench{i}@import.example.cn,139{rnd.Next(10_000_000, 99_999_999)}\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void Report(DatabaseProvider provider, string what, string figure) =>
        Console.WriteLine($"{provider,-9} | {what,-52} | {figure}");

}
