using ExpertPool.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ExpertPool.Api.Benchmarks;

/// <summary>Benchmark verbs (<c>bench-registry</c>, <c>bench-draw</c>, <c>bench-notices</c>): they print figures and exit. See docs/benchmarks.md.</summary>
public static class BenchmarkCommands
{
    public static async Task<bool> TryRunAsync(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "bench-registry":
                await RegistryBenchmark.RunAsync(args);
                return true;
            case "bench-draw":
                await DrawBenchmark.RunAsync(args);
                return true;
            case "bench-notices":
                await NoticeBenchmark.RunAsync(args);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A fresh temporary database: a SQLite file, or a PostgreSQL database from EXPERTPOOL_BENCH_POSTGRES / EXPERTPOOL_TEST_POSTGRES.</summary>
    public static async Task<(string ConnectionString, Func<Task> Cleanup)> CreateDatabaseAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"expertpool-bench-{Guid.NewGuid():N}.db");
            return ($"Data Source={file}", () =>
            {
                SqliteConnection.ClearAllPools();
                if (Environment.GetEnvironmentVariable("EXPERTPOOL_BENCH_KEEP") == "1")
                {
                    Console.Error.WriteLine($"  (kept {file})");
                    return Task.CompletedTask;
                }
                foreach (var f in new[] { file, file + "-wal", file + "-shm" })
                    File.Delete(f);
                return Task.CompletedTask;
            });
        }
        var admin = Environment.GetEnvironmentVariable("EXPERTPOOL_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("EXPERTPOOL_TEST_POSTGRES")
            ?? throw new InvalidOperationException("Set EXPERTPOOL_BENCH_POSTGRES to an admin connection string for the PostgreSQL run.");
        var name = $"ep_bench_{Guid.NewGuid():N}";
        await Exec(admin, $"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0");
        return (new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString(), async () =>
        {
            NpgsqlConnection.ClearAllPools();
            if (Environment.GetEnvironmentVariable("EXPERTPOOL_BENCH_KEEP") == "1")
            {
                Console.Error.WriteLine($"  (kept database {name})");
                return;
            }
            await Exec(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        });
    }

    private static async Task Exec(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
