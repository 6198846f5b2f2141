namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>Domain-separation tags. Each hashed message starts with one of them, encoded as a canonical string.</summary>
internal static class DrawTags
{
    public const string Commitment = "ExpertPool/v1/commitment";
    public const string Pool = "ExpertPool/v1/pool";
    public const string Seed = "ExpertPool/v1/seed";
    public const string Score = "ExpertPool/v1/score";

    /// <summary>Since ExpertPool-Draw-2: each quota's ranking key, derived from the seed and the quota's key.</summary>
    public const string QuotaRankingKey = "ExpertPool/v2/quota";
}
