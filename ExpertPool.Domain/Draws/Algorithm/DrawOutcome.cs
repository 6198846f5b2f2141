namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>Result of <see cref="DrawAlgorithm.Run"/>. All hashes are lowercase hex.</summary>
/// <param name="Succeeded">
/// False when any quota had fewer available experts than its <see cref="DrawQuota.Count"/>; then every quota's
/// <see cref="QuotaOutcome.Members"/> and <see cref="QuotaOutcome.Backups"/> are empty and no selection is valid.
/// </param>
/// <param name="TotalEntropyBits">Sum of <see cref="QuotaOutcome.EntropyBits"/>; compare with <see cref="SeedBits"/>.</param>
public sealed record DrawOutcome(
    string AlgorithmVersion,
    string DrawId,
    string Commitment,
    string PoolHash,
    string Seed,
    bool Succeeded,
    IReadOnlyList<QuotaOutcome> Quotas,
    double TotalEntropyBits)
{
    /// <summary>Bits of the seed (SHA-256 output).</summary>
    public int SeedBits { get; init; } = DrawAlgorithm.SeedBits;
}

/// <summary>Per-quota result.</summary>
/// <param name="EligibleCount">Ids in this quota's pool.</param>
/// <param name="AvailableCount">Eligible ids not already taken (as member or backup) by an earlier quota.</param>
/// <param name="Members">Drawn members, rank 1..Count (empty when the draw failed).</param>
/// <param name="Backups">Ranked backups, rank 1..Backups, in replacement (递补) order (empty when the draw failed).</param>
/// <param name="Shortfall">Set when fewer than Count experts were available; this fails the whole draw.</param>
/// <param name="BackupShortfall">Set when fewer than Backups backups were left after the members; does not fail the draw.</param>
/// <param name="EntropyBits">log2 C(AvailableCount, members + backups taken); 0 when the draw failed.</param>
public sealed record QuotaOutcome(
    string Key,
    int EligibleCount,
    int AvailableCount,
    IReadOnlyList<RankedExpert> Members,
    IReadOnlyList<RankedExpert> Backups,
    Shortfall? Shortfall,
    Shortfall? BackupShortfall,
    double EntropyBits);

/// <summary>A selected expert: 1-based rank within its list, the id, and its score (HMAC-SHA256, lowercase hex).</summary>
public sealed record RankedExpert(int Rank, string ExpertId, string Score);

/// <summary>How many were needed and how many were available.</summary>
public sealed record Shortfall(int Needed, int Available);
