namespace ExpertPool.Tests.Domain;

/// <summary>Timing-sensitive and CPU-heavy tests run alone so they neither disturb nor are disturbed by other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuHeavyTests
{
    public const string Name = "CPU-heavy draw tests";
}
