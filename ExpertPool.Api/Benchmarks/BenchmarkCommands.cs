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
}
