using System.Security.Cryptography;
using System.Text;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>Deterministic inputs for draw tests and test vectors (nothing here is random).</summary>
internal static class DrawTestData
{
    public static byte[] Nonce(string label) => SHA256.HashData(Encoding.UTF8.GetBytes("ExpertPool test nonce " + label));

    public static string Hex(string label) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("ExpertPool test entropy " + label)));

    /// <summary>A lowercase "D"-format GUID derived from <paramref name="label"/> and <paramref name="index"/>.</summary>
    public static string ExpertId(string label, int index) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{label}/{index}")).AsSpan(0, 16)).ToString("D");

    public static string[] ExpertIds(string label, int count) => [.. Enumerable.Range(0, count).Select(i => ExpertId(label, i))];

    public static string DrawId(string label) => ExpertId("draw " + label, 0);

    public static DrawInput SingleQuota(string label, IReadOnlyList<string> ids, int count, int backups, string? region = null) =>
        new(
            DrawId(label),
            Nonce(label),
            RuleSetVersion: 3,
            [new DrawQuota("Q1", "0203", region, count, backups)],
            [new QuotaPool("Q1", ids)],
            [new EntropyInput("supervisor", "20261122-3D:581")]);

    public static DrawInput TwoQuotas(string label, IReadOnlyList<string> q1Ids, IReadOnlyList<string> q2Ids, int count = 3, int backups = 2) =>
        new(
            DrawId(label),
            Nonce(label),
            RuleSetVersion: 3,
            [new DrawQuota("Q1", "0203", null, count, backups), new DrawQuota("Q2", "0511", null, count, backups)],
            [new QuotaPool("Q1", q1Ids), new QuotaPool("Q2", q2Ids)],
            [new EntropyInput("supervisor", "20261122-3D:581")]);

    /// <summary>Walks up from the test assembly to the folder holding ExpertPool.sln.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ExpertPool.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ExpertPool.sln not found above {AppContext.BaseDirectory}.");
    }
}
