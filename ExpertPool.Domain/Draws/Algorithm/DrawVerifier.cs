using System.Globalization;

namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// Outcome of verifying a record. When <see cref="Matches"/> is false, <see cref="FirstDivergence"/> names the first check that
/// failed, in this order: "algorithmVersion", "nonce", "commitment", "input", "poolHash", "seed", "succeeded", "selection count",
/// then per quota "quota Q1 key", "quota Q1 eligibleCount", "quota Q1 availableCount", "quota Q1 member rank 3",
/// "quota Q1 member count", "quota Q1 backup rank 2", "quota Q1 backup count", "quota Q1 shortfall", "quota Q1 backupShortfall".
/// </summary>
public sealed record VerificationReport(bool Matches, string? FirstDivergence, string? Expected, string? Actual)
{
    internal static VerificationReport Match { get; } = new(true, null, null, null);

    public override string ToString() => Matches
        ? "match"
        : $"divergence at {FirstDivergence}: expected {Expected ?? "null"}, actual {Actual ?? "null"}";
}

/// <summary>Re-derives a draw from its record alone and reports the first point where the record disagrees.</summary>
public static class DrawVerifier
{
    private static readonly System.Buffers.SearchValues<char> LowerHexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static VerificationReport Verify(DrawRecordDocument record) => Verify(record, inputFault: null);

    /// <summary>
    /// As <see cref="Verify(DrawRecordDocument)"/>, for a record read by <see cref="DrawRecordJson.ReadForVerification"/>:
    /// <paramref name="inputFault"/> names an input integer the text holds out of its field's range, which is the
    /// divergence "input" at that step (specification section 4).
    /// </summary>
    internal static VerificationReport Verify(DrawRecordDocument record, string? inputFault)
    {
        ArgumentNullException.ThrowIfNull(record);
        // A record is re-run with the version it names: records drawn before a new version keep verifying.
        if (!DrawAlgorithm.SupportedVersions.Contains(record.AlgorithmVersion, StringComparer.Ordinal))
        {
            return Diverge("algorithmVersion", string.Join(" or ", DrawAlgorithm.SupportedVersions), record.AlgorithmVersion);
        }

        // Exactly 64 lowercase hex digits, as the record writes them (section 4): Convert.FromHexString alone would also
        // take capitals, which the Python verifier, following the specification, refuses.
        var hex = record.Nonce ?? "";
        if (hex.Length != 2 * DrawAlgorithm.NonceLength || hex.AsSpan().ContainsAnyExcept(LowerHexDigits))
        {
            return Diverge("nonce", $"{2 * DrawAlgorithm.NonceLength} lowercase hexadecimal characters", record.Nonce);
        }
        var nonce = Convert.FromHexString(hex);

        var commitment = CanonicalEncoder.Hex(DrawAlgorithm.CommitmentBytes(nonce));
        if (!string.Equals(commitment, record.Commitment, StringComparison.Ordinal))
        {
            return Diverge("commitment", commitment, record.Commitment);
        }

        if (inputFault is not null)
        {
            return Diverge("input", "valid draw input", inputFault);
        }

        DrawOutcome outcome;
        try
        {
            outcome = DrawAlgorithm.Run(record.ToInput(), record.AlgorithmVersion);
        }
        catch (ArgumentException ex)
        {
            return Diverge("input", "valid draw input", ex.Message);
        }

        if (!string.Equals(outcome.PoolHash, record.PoolHash, StringComparison.Ordinal))
        {
            return Diverge("poolHash", outcome.PoolHash, record.PoolHash);
        }

        if (!string.Equals(outcome.Seed, record.Seed, StringComparison.Ordinal))
        {
            return Diverge("seed", outcome.Seed, record.Seed);
        }

        if (outcome.Succeeded != record.Succeeded)
        {
            return Diverge("succeeded", Text(outcome.Succeeded), Text(record.Succeeded));
        }

        if (outcome.Quotas.Count != record.Selection.Count)
        {
            return Diverge("selection count", Text(outcome.Quotas.Count), Text(record.Selection.Count));
        }

        for (var q = 0; q < outcome.Quotas.Count; q++)
        {
            var report = CompareQuota(QuotaSelection.From(outcome.Quotas[q]), record.Selection[q]);
            if (!report.Matches)
            {
                return report;
            }
        }

        return VerificationReport.Match;
    }

    private static VerificationReport CompareQuota(QuotaSelection expected, QuotaSelection actual)
    {
        var label = $"quota {expected.QuotaKey}";
        if (!string.Equals(expected.QuotaKey, actual.QuotaKey, StringComparison.Ordinal))
        {
            return Diverge($"{label} key", expected.QuotaKey, actual.QuotaKey);
        }

        if (expected.EligibleCount != actual.EligibleCount)
        {
            return Diverge($"{label} eligibleCount", Text(expected.EligibleCount), Text(actual.EligibleCount));
        }

        if (expected.AvailableCount != actual.AvailableCount)
        {
            return Diverge($"{label} availableCount", Text(expected.AvailableCount), Text(actual.AvailableCount));
        }

        return CompareExperts($"{label} member", expected.Members, actual.Members)
            ?? CompareExperts($"{label} backup", expected.Backups, actual.Backups)
            ?? CompareShortfall($"{label} shortfall", expected.Shortfall, actual.Shortfall)
            ?? CompareShortfall($"{label} backupShortfall", expected.BackupShortfall, actual.BackupShortfall)
            ?? VerificationReport.Match;
    }

    private static VerificationReport? CompareExperts(string label, IReadOnlyList<RankedExpert> expected, IReadOnlyList<RankedExpert> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (expected[i] != actual[i])
            {
                return Diverge($"{label} rank {i + 1}", Text(expected[i]), Text(actual[i]));
            }
        }

        return expected.Count != actual.Count
            ? Diverge($"{label} count", Text(expected.Count), Text(actual.Count))
            : null;
    }

    private static VerificationReport? CompareShortfall(string label, Shortfall? expected, Shortfall? actual) =>
        expected == actual ? null : Diverge(label, Text(expected), Text(actual));

    private static VerificationReport Diverge(string where, string? expected, string? actual) => new(false, where, expected, actual);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(bool value) => value ? "true" : "false";

    private static string Text(RankedExpert e) => string.Create(CultureInfo.InvariantCulture, $"rank {e.Rank} {e.ExpertId} score {e.Score}");

    private static string Text(Shortfall? s) =>
        s is null ? "null" : string.Create(CultureInfo.InvariantCulture, $"needed {s.Needed} available {s.Available}");
}
