namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// Everything the draw algorithm consumes. The caller generates <see cref="Nonce"/> with a CSPRNG when the
/// draw is scheduled, publishes <see cref="DrawAlgorithm.ComputeCommitment"/> of it, and only at draw time
/// supplies the frozen pool and the external entropy.
/// </summary>
/// <param name="DrawId">Opaque draw identifier (the host uses a lowercase GUID); hashed as a UTF-8 string.</param>
/// <param name="Nonce">The committed secret, exactly <see cref="DrawAlgorithm.NonceLength"/> bytes.</param>
/// <param name="RuleSetVersion">Version of the eligibility rule set that produced the pool (non-negative).</param>
/// <param name="Quotas">Quotas in the order they are filled.</param>
/// <param name="Pool">Eligible expert ids per quota, one entry per quota, in the same order as <paramref name="Quotas"/>.</param>
/// <param name="ExternalEntropy">Entropy that did not exist when the commitment was published; at least one entry, order matters.</param>
public sealed record DrawInput(
    string DrawId,
    ReadOnlyMemory<byte> Nonce,
    long RuleSetVersion,
    IReadOnlyList<DrawQuota> Quotas,
    IReadOnlyList<QuotaPool> Pool,
    IReadOnlyList<EntropyInput> ExternalEntropy);

/// <summary>One quota of a panel request (e.g. "Q1": 5 experts in specialty 0203 plus 2 ranked backups).</summary>
/// <param name="Key">Short stable label, unique within the draw (e.g. "Q1").</param>
/// <param name="SpecialtyCode">Specialty tree node the quota asks for.</param>
/// <param name="RegionCode">Optional region qualifier; null when the quota is not region-bound (never empty).</param>
/// <param name="Count">Members to draw, at least 1.</param>
/// <param name="Backups">Ranked backups (候补专家) to draw after the members, at least 0.</param>
public sealed record DrawQuota(string Key, string SpecialtyCode, string? RegionCode, int Count, int Backups);

/// <summary>The frozen eligible pool of one quota: opaque expert ids (any valid Unicode, compared as UTF-8 bytes).</summary>
public sealed record QuotaPool(string QuotaKey, IReadOnlyList<string> ExpertIds);

/// <summary>
/// One external entropy value, e.g. ("supervisor", "20261122-3D:581") or ("fallback:csprng", "9f3c…").
/// Both strings are hashed exactly as given.
/// </summary>
public sealed record EntropyInput(string Source, string Value);
