using System.ComponentModel.DataAnnotations;

namespace ExpertPool.Domain.Seeding;

public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>Demo experts to seed into an empty database at start-up. Unset: 2,000 on SQLite (the embedded default), none on PostgreSQL.</summary>
    [Range(0, 1_000_000)]
    public int? DemoExperts { get; set; }

    /// <summary>
    /// With the demo experts at start-up, also one finished demo draw (a project reviewed yesterday, drawn, replied to
    /// and published), the registry then dated two weeks back (<see cref="DemoDraw"/>). Needs at least 200 demo experts.
    /// </summary>
    public bool DemoDraw { get; set; } = true;

    /// <summary>Makes the demo data repeatable.</summary>
    public int RandomSeed { get; set; } = 20261122;

    public int DemoExpertsFor(Persistence.DatabaseProvider provider) =>
        DemoExperts ?? (provider == Persistence.DatabaseProvider.Sqlite ? 2000 : 0);
}
