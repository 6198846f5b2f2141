namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>Guard checks shared by <see cref="DrawAlgorithm"/>; every failure is an <see cref="ArgumentException"/>.</summary>
internal static class DrawInputValidator
{
    /// <summary>Checks the whole input; returns, per pool, whether it is sorted ASCII (<see cref="DrawAlgorithm.IsSortedAscii"/>).</summary>
    public static bool[] Validate(DrawInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireText(input.DrawId, "draw id");
        ValidateNonce(input.Nonce.Span);
        if (input.RuleSetVersion < 0)
        {
            throw new ArgumentException($"The rule-set version must be zero or positive, got {input.RuleSetVersion}.", nameof(input));
        }

        ValidateQuotas(input.Quotas);
        var sortedAscii = ValidatePoolsMatchQuotas(input.Quotas, input.Pool);
        ValidateEntropy(input.ExternalEntropy);
        return sortedAscii;
    }

    public static void ValidateNonce(ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != DrawAlgorithm.NonceLength)
        {
            throw new ArgumentException(
                $"The nonce must be exactly {DrawAlgorithm.NonceLength} bytes, got {nonce.Length}.", nameof(nonce));
        }
    }

    public static void ValidateQuotas(IReadOnlyList<DrawQuota> quotas)
    {
        if (quotas is null || quotas.Count == 0)
        {
            throw new ArgumentException("A draw needs at least one quota.", nameof(quotas));
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < quotas.Count; i++)
        {
            var quota = quotas[i] ?? throw new ArgumentException($"Quota {i + 1} is null.", nameof(quotas));
            RequireText(quota.Key, $"key of quota {i + 1}");
            if (!keys.Add(quota.Key))
            {
                throw new ArgumentException($"Quota key '{quota.Key}' is used more than once; quota keys must be unique.", nameof(quotas));
            }

            RequireText(quota.SpecialtyCode, $"specialty code of quota '{quota.Key}'");
            if (quota.RegionCode is not null)
            {
                RequireText(quota.RegionCode, $"region code of quota '{quota.Key}' (use null for no region)");
            }

            if (quota.Count < 1)
            {
                throw new ArgumentException($"Quota '{quota.Key}' must ask for at least 1 expert, got {quota.Count}.", nameof(quotas));
            }

            if (quota.Backups < 0)
            {
                throw new ArgumentException($"Quota '{quota.Key}' cannot ask for a negative number of backups ({quota.Backups}).", nameof(quotas));
            }
        }
    }

    /// <summary>Checks the pools; returns, per pool, whether it is sorted ASCII (then it needed no id-by-id checks).</summary>
    public static bool[] ValidatePools(IReadOnlyList<QuotaPool> pools)
    {
        if (pools is null || pools.Count == 0)
        {
            throw new ArgumentException("At least one quota pool is required.", nameof(pools));
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var sortedAscii = new bool[pools.Count];
        for (var i = 0; i < pools.Count; i++)
        {
            var pool = pools[i] ?? throw new ArgumentException($"Pool entry {i + 1} is null.", nameof(pools));
            RequireText(pool.QuotaKey, $"quota key of pool entry {i + 1}");
            if (!keys.Add(pool.QuotaKey))
            {
                throw new ArgumentException($"The pool lists quota '{pool.QuotaKey}' more than once.", nameof(pools));
            }

            if (pool.ExpertIds is null)
            {
                throw new ArgumentException($"The pool of quota '{pool.QuotaKey}' has no id list (use an empty list).", nameof(pools));
            }

            if (DrawAlgorithm.IsSortedAscii(pool.ExpertIds))
            {
                // Non-empty ASCII throughout: nothing to check id by id.
                sortedAscii[i] = true;
                continue;
            }

            for (var j = 0; j < pool.ExpertIds.Count; j++)
            {
                RequireText(pool.ExpertIds[j], $"expert id {j + 1} in the pool of quota '{pool.QuotaKey}'");
            }
        }

        return sortedAscii;
    }

    private static bool[] ValidatePoolsMatchQuotas(IReadOnlyList<DrawQuota> quotas, IReadOnlyList<QuotaPool> pools)
    {
        var sortedAscii = ValidatePools(pools);
        if (pools.Count != quotas.Count)
        {
            throw new ArgumentException(
                $"The draw has {quotas.Count} quota(s) but {pools.Count} pool entries; give exactly one pool per quota.", nameof(pools));
        }

        for (var i = 0; i < quotas.Count; i++)
        {
            if (!string.Equals(pools[i].QuotaKey, quotas[i].Key, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Pool entry {i + 1} is for quota '{pools[i].QuotaKey}' but quota {i + 1} is '{quotas[i].Key}'; list pools in quota order.",
                    nameof(pools));
            }
        }

        return sortedAscii;
    }

    private static void ValidateEntropy(IReadOnlyList<EntropyInput> entropy)
    {
        if (entropy is null || entropy.Count == 0)
        {
            throw new ArgumentException(
                "At least one external entropy input is required (supervisor value, lottery result, beacon round or CSPRNG fallback).",
                nameof(entropy));
        }

        for (var i = 0; i < entropy.Count; i++)
        {
            var item = entropy[i] ?? throw new ArgumentException($"External entropy input {i + 1} is null.", nameof(entropy));
            RequireText(item.Source, $"source of external entropy input {i + 1}");
            RequireText(item.Value, $"value of external entropy input {i + 1} ('{item.Source}')");
        }
    }

    private static void RequireText(string? value, string what)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The {what} must not be null or empty.", what);
        }

        CanonicalEncoder.Utf8ByteCount(value, what);
    }
}
