using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// The auditable draw (抽取), algorithm "ExpertPool-Draw-2" (and "ExpertPool-Draw-1", for records drawn with it). Pure
/// and deterministic: no I/O, no clock, no randomness; the caller supplies the nonce (CSPRNG) and the external entropy.
/// Specification: docs/draw-algorithm.md.
/// </summary>
public static class DrawAlgorithm
{
    /// <summary>Algorithm identifier written into every new record: each quota ranks with a key of its own (decision 034).</summary>
    public const string Version = "ExpertPool-Draw-2";

    /// <summary>
    /// The first version: every quota ranked with the seed itself, so an expert had the same score in every quota and
    /// those left over by an earlier, overlapping quota were known to rank low in the next (decision 034). Still run
    /// to verify the records drawn with it; never used for a new draw.
    /// </summary>
    public const string Version1 = "ExpertPool-Draw-1";

    /// <summary>The versions a record may name, oldest first.</summary>
    public static IReadOnlyList<string> SupportedVersions { get; } = [Version1, Version];

    /// <summary>Required nonce length in bytes.</summary>
    public const int NonceLength = 32;

    /// <summary>Bits in the seed (SHA-256).</summary>
    public const int SeedBits = 256;

    /// <summary>Commitment = SHA-256(enc("ExpertPool/v1/commitment") || enc(nonce)), lowercase hex. Publish it before the draw.</summary>
    public static string ComputeCommitment(ReadOnlySpan<byte> nonce)
    {
        DrawInputValidator.ValidateNonce(nonce);
        return CanonicalEncoder.Hex(CommitmentBytes(nonce));
    }

    /// <summary>
    /// PoolHash = SHA-256(enc("ExpertPool/v1/pool") || list of (enc(quota key) || list of ids sorted by UTF-8 bytes)),
    /// pools in the order given (which must be quota order). Input id order does not matter; duplicates within a quota are rejected.
    /// </summary>
    public static string ComputePoolHash(IReadOnlyList<QuotaPool> pool)
    {
        var sortedAscii = DrawInputValidator.ValidatePools(pool);
        return CanonicalEncoder.Hex(PoolHashBytes(pool, sortedAscii));
    }

    /// <summary>Runs the draw. Throws <see cref="ArgumentException"/> for invalid input; a draw that lacks experts returns <c>Succeeded = false</c>.</summary>
    public static DrawOutcome Run(DrawInput input) => Run(input, Version);

    /// <summary>Runs the draw as <paramref name="version"/> (one of <see cref="SupportedVersions"/>) does: to verify a record drawn with an earlier version.</summary>
    public static DrawOutcome Run(DrawInput input, string version) =>
        Run(input, version, parallelRanking: input is not null && input.Quotas.Count > 1 && input.Pool.Sum(p => p.ExpertIds.Count) >= ParallelRankingThreshold);

    /// <summary><see cref="Run(DrawInput, string)"/> with the quotas ranked side by side or one after another, as told (the outcome is the same).</summary>
    internal static DrawOutcome Run(DrawInput input, string version, bool parallelRanking)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!SupportedVersions.Contains(version, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Unknown algorithm version '{version}'.", nameof(version));
        }

        var sortedAscii = DrawInputValidator.Validate(input);
        var commitment = CommitmentBytes(input.Nonce.Span);
        var poolHash = PoolHashBytes(input.Pool, sortedAscii);
        var seed = SeedBytes(input, poolHash);

        // Each quota's ranking depends only on the seed, its key and its pool, so they are computed side by side when the
        // pools are large; filling the quotas, where earlier quotas take experts from later ones, stays in quota order.
        var rankings = new RankedPool[input.Quotas.Count];
        void RankQuota(int q) => rankings[q] = ExpertRanking.Rank(RankingKey(seed, input.Quotas[q].Key, version), input.Pool[q].ExpertIds);
        if (parallelRanking)
        {
            Parallel.For(0, input.Quotas.Count, RankQuota);
        }
        else
        {
            for (var q = 0; q < input.Quotas.Count; q++)
            {
                RankQuota(q);
            }
        }

        var taken = new HashSet<string>(StringComparer.Ordinal);
        var provisional = new List<QuotaOutcome>(input.Quotas.Count);
        for (var q = 0; q < input.Quotas.Count; q++)
        {
            provisional.Add(FillQuota(input.Quotas[q], input.Pool[q].ExpertIds, sortedAscii[q], rankings[q], taken));
        }

        var succeeded = provisional.TrueForAll(o => o.Shortfall is null);
        var quotas = succeeded
            ? provisional
            : provisional.ConvertAll(o => o with { Members = [], Backups = [], BackupShortfall = null, EntropyBits = 0 });

        return new DrawOutcome(
            version,
            input.DrawId,
            CanonicalEncoder.Hex(commitment),
            CanonicalEncoder.Hex(poolHash),
            CanonicalEncoder.Hex(seed),
            succeeded,
            quotas,
            quotas.Sum(o => o.EntropyBits));
    }

    /// <summary>Pool ids of all quotas together from which the rankings are computed in parallel (below, the threads cost more than they save).</summary>
    private const int ParallelRankingThreshold = 20_000;

    /// <summary>
    /// The HMAC key a quota's scores are computed with. ExpertPool-Draw-2: HMAC-SHA256(key = seed, message =
    /// enc("ExpertPool/v2/quota") || enc(quota key)), so the rankings of two quotas are independent and an expert left
    /// over by one quota is as likely as anyone to be drawn by the next. ExpertPool-Draw-1: the seed itself.
    /// </summary>
    internal static byte[] RankingKey(byte[] seed, string quotaKey, string version)
    {
        if (string.Equals(version, Version1, StringComparison.Ordinal))
        {
            return seed;
        }

        var message = new CanonicalEncoder().WriteString(DrawTags.QuotaRankingKey).WriteString(quotaKey, "quota key");
        return HMACSHA256.HashData(seed, message.WrittenSpan);
    }

    /// <summary>
    /// Fills one quota: walk the ranking, skip ids taken by earlier quotas, take Count members then up to Backups backups.
    /// A quota that cannot be filled still takes what it can (so later quotas see the same skips); the caller then fails the draw.
    /// </summary>
    private static QuotaOutcome FillQuota(DrawQuota quota, IReadOnlyList<string> ids, bool sortedAscii, RankedPool ranked, HashSet<string> taken)
    {
        var available = ids.Count - CountTaken(ids, sortedAscii, taken);

        var members = new List<RankedExpert>(Math.Min(quota.Count, available));
        var backups = new List<RankedExpert>(Math.Min(quota.Backups, available));
        // The walk accepts at most Count + Backups ids and skips only ids taken by earlier quotas (each at most once, ids
        // being unique), so it never goes further down the ranking than this.
        var walk = ranked.Best((int)Math.Min(ids.Count, (long)quota.Count + quota.Backups + taken.Count));
        foreach (var index in walk)
        {
            if (members.Count == quota.Count && backups.Count == quota.Backups)
            {
                break;
            }

            var id = ranked.Id(index);
            if (taken.Contains(id))
            {
                continue;
            }

            var target = members.Count < quota.Count ? members : backups;
            target.Add(new RankedExpert(target.Count + 1, id, ranked.ScoreHex(index)));
        }

        foreach (var expert in members.Concat(backups))
        {
            taken.Add(expert.ExpertId);
        }

        var shortfall = members.Count < quota.Count ? new Shortfall(quota.Count, available) : null;
        var backupShortfall = shortfall is null && backups.Count < quota.Backups
            ? new Shortfall(quota.Backups, backups.Count)
            : null;

        return new QuotaOutcome(
            quota.Key,
            ids.Count,
            available,
            members,
            backups,
            shortfall,
            backupShortfall,
            Log2Binomial(available, members.Count + backups.Count));
    }

    /// <summary>How many of <paramref name="ids"/> (unique) are in <paramref name="taken"/>, a few dozen ids at most.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CountTaken(IReadOnlyList<string> ids, bool sortedAscii, HashSet<string> taken)
    {
        var count = 0;
        if (sortedAscii)
        {
            // Look each taken id up in the sorted pool instead of hashing every pool id.
            foreach (var id in taken)
            {
                if (ContainsSorted(ids, id))
                {
                    count++;
                }
            }

            return count;
        }

        foreach (var id in ids)
        {
            if (taken.Contains(id))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Binary search in ids sorted ordinal (strictly increasing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ContainsSorted(IReadOnlyList<string> ids, string id)
    {
        var low = 0;
        var high = ids.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(ids[middle], id);
            if (order == 0)
            {
                return true;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return false;
    }

    internal static byte[] CommitmentBytes(ReadOnlySpan<byte> nonce) =>
        new CanonicalEncoder(64).WriteString(DrawTags.Commitment).WriteBytes(nonce).Sha256();

    /// <param name="sortedAscii">Per pool, whether <see cref="IsSortedAscii"/> holds (as validation found).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static byte[] PoolHashBytes(IReadOnlyList<QuotaPool> pool, bool[] sortedAscii)
    {
        // The encoding is megabytes for a large pool: hash it in chunks rather than building it whole.
        const int chunk = 64 * 1024;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var encoder = new CanonicalEncoder(chunk + 1024).WriteString(DrawTags.Pool).WriteCount(pool.Count);
        for (var q = 0; q < pool.Count; q++)
        {
            var quotaPool = pool[q];
            encoder.WriteString(quotaPool.QuotaKey).WriteCount(quotaPool.ExpertIds.Count);
            if (sortedAscii[q])
            {
                // Already in UTF-8 byte order: encode straight from the strings.
                foreach (var id in quotaPool.ExpertIds)
                {
                    encoder.WriteAscii(id);
                    encoder.FlushWhenOver(chunk, hash);
                }
            }
            else
            {
                foreach (var id in SortedUtf8(quotaPool))
                {
                    encoder.WriteUtf8(id);
                    encoder.FlushWhenOver(chunk, hash);
                }
            }
        }

        encoder.FlushWhenOver(0, hash);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// True when every id is a non-empty ASCII string and each is ordinal-greater than the one before, as the host's
    /// eligibility service delivers its lowercase GUIDs. For ASCII, UTF-16 ordinal order is UTF-8 byte order, so such a
    /// list is already sorted the way the spec sorts, is valid Unicode, and holds no duplicates: callers can skip
    /// encoding, sorting and duplicate checks. Any other list (unsorted, non-ASCII, null entries) takes the general path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsSortedAscii(IReadOnlyList<string> ids)
    {
        string? previous = null;
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            if (string.IsNullOrEmpty(id) || !System.Text.Ascii.IsValid(id) || (previous is not null && string.CompareOrdinal(previous, id) >= 0))
            {
                return false;
            }

            previous = id;
        }

        return true;
    }

    /// <summary>The ids of one quota sorted by UTF-8 bytes, as strings (the record's form of the pool).</summary>
    internal static IReadOnlyList<string> SortedIds(QuotaPool quotaPool) =>
        IsSortedAscii(quotaPool.ExpertIds)
            ? [.. quotaPool.ExpertIds]
            : [.. SortedUtf8(quotaPool).Select(CanonicalEncoder.StrictUtf8.GetString)];

    internal static byte[] SeedBytes(DrawInput input, ReadOnlySpan<byte> poolHash)
    {
        var encoder = new CanonicalEncoder(512)
            .WriteString(DrawTags.Seed)
            .WriteString(input.DrawId)
            .WriteBytes(input.Nonce.Span)
            .WriteBytes(poolHash)
            .WriteInt64(input.RuleSetVersion)
            .WriteCount(input.Quotas.Count);
        foreach (var quota in input.Quotas)
        {
            encoder.WriteString(quota.Key)
                .WriteString(quota.SpecialtyCode)
                .WriteString(quota.RegionCode ?? string.Empty)
                .WriteInt64(quota.Count)
                .WriteInt64(quota.Backups);
        }

        encoder.WriteCount(input.ExternalEntropy.Count);
        foreach (var entropy in input.ExternalEntropy)
        {
            encoder.WriteString(entropy.Source).WriteString(entropy.Value);
        }

        return encoder.Sha256();
    }

    /// <summary>Ids of one quota as UTF-8, sorted by unsigned byte order; throws on duplicates.</summary>
    internal static byte[][] SortedUtf8(QuotaPool quotaPool)
    {
        var encoded = new byte[quotaPool.ExpertIds.Count][];
        for (var i = 0; i < encoded.Length; i++)
        {
            encoded[i] = CanonicalEncoder.ToUtf8(quotaPool.ExpertIds[i], "expert id");
        }

        Array.Sort(encoded, CanonicalEncoder.CompareOrdinalUtf8);
        for (var i = 1; i < encoded.Length; i++)
        {
            if (encoded[i].AsSpan().SequenceEqual(encoded[i - 1]))
            {
                throw new ArgumentException(
                    $"Expert id '{CanonicalEncoder.StrictUtf8.GetString(encoded[i])}' appears more than once in the pool of quota '{quotaPool.QuotaKey}'.",
                    nameof(quotaPool));
            }
        }

        return encoded;
    }

    /// <summary>log2 C(n, k), summed term by term so large pools do not overflow.</summary>
    internal static double Log2Binomial(int n, int k)
    {
        if (k < 0 || k > n)
        {
            return 0;
        }

        k = Math.Min(k, n - k);
        var bits = 0.0;
        for (var i = 1; i <= k; i++)
        {
            bits += Math.Log2(n - k + i) - Math.Log2(i);
        }

        return bits;
    }
}
