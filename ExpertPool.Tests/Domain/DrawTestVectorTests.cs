using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

public sealed class DrawTestVectorTests
{
    /// <summary>Every version a record may name: the current one's file and each earlier one's.</summary>
    public static TheoryData<string> Versions => [.. DrawAlgorithm.SupportedVersions];

    private static string VectorsPath(string version) => Path.Combine(DrawTestData.RepoRoot(), DrawTestVectors.RelativePath(version));

    [Theory]
    [MemberData(nameof(Versions))]
    public void VectorsFile_WhenRegenerated_IsUnchanged(string version)
    {
        var generated = DrawTestVectors.Render(version);
        if (Environment.GetEnvironmentVariable("EXPERTPOOL_WRITE_VECTORS") == "1")
        {
            File.WriteAllText(VectorsPath(version), generated);
        }

        File.ReadAllText(VectorsPath(version)).Should().Be(generated, $"{DrawTestVectors.RelativePath(version)} must be what the C# code produces");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Vectors_WhenReplayedFromFileInputs_ReproduceEveryExpectedValue(string version)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(VectorsPath(version)));
        document.RootElement.GetProperty("algorithmVersion").GetString().Should().Be(version);
        var vectors = document.RootElement.GetProperty("vectors").EnumerateArray().ToList();
        vectors.Should().HaveCountGreaterThanOrEqualTo(12);

        foreach (var vector in vectors)
        {
            var name = vector.GetProperty("name").GetString();
            var input = vector.GetProperty("input");
            var writer = new CanonicalJsonWriter();
            var kind = vector.GetProperty("kind").GetString();
            if (kind == "draw")
            {
                DrawTestVectors.WriteDrawExpected(writer, DrawAlgorithm.Run(ReadDrawInput(input), version));
            }
            else if (kind == "invalid")
            {
                DrawInput read;
                try
                {
                    read = ReadDrawInput(input);
                }
                catch (InvalidOperationException ex) when (name == "invalid-unpaired-surrogate")
                {
                    // System.Text.Json refuses to read the escape \ud800 alone into a string: refused before the draw.
                    ex.Message.Should().Contain("surrogate");
                    continue;
                }

                var run = () => DrawAlgorithm.Run(read);
                run.Should().Throw<ArgumentException>($"vector '{name}' is invalid input");
                vector.GetProperty("expected").GetProperty("rejectedAs").GetString().Should().Be(DrawTestVectors.RejectedAs(read), name);
                continue;
            }
            else
            {
                var seed = Convert.FromHexString(input.GetProperty("seed").GetString()!);
                var quotaKey = input.TryGetProperty("quotaKey", out var key) ? key.GetString() : null;
                (quotaKey is null).Should().Be(version == DrawAlgorithm.Version1, "since ExpertPool-Draw-2 a ranking belongs to a quota");
                var ids = DrawRecordJson.ReadArray(input, "expertIds", e => e.GetString()!);
                DrawTestVectors.WriteRankingExpected(writer, DrawTestVectors.RankingKey(seed, quotaKey, version), ids);
            }

            var expected = JsonNode.Parse(vector.GetProperty("expected").GetRawText());
            JsonNode.DeepEquals(JsonNode.Parse(writer.ToString()), expected).Should().BeTrue($"vector '{name}' must reproduce exactly");
        }
    }

    [Fact]
    public void Vectors_CoverFailureBackupShortfallOverlapAndUnicode()
    {
        var outcomes = DrawTestVectors.DrawVectors().ToDictionary(v => v.Name, v => DrawAlgorithm.Run(v.Input));

        outcomes["failing-shortfall"].Succeeded.Should().BeFalse();
        outcomes["failing-through-overlap"].Succeeded.Should().BeFalse();
        outcomes["failing-through-overlap"].Quotas[1].Shortfall.Should().NotBeNull();
        outcomes["empty-pool"].Quotas[1].Shortfall.Should().Be(new Shortfall(3, 0));
        outcomes["backup-shortfall"].Succeeded.Should().BeTrue();
        outcomes["backup-shortfall"].Quotas[0].BackupShortfall.Should().Be(new Shortfall(3, 1));
        outcomes["overlapping-quotas"].Quotas[1].AvailableCount.Should().BeLessThan(outcomes["overlapping-quotas"].Quotas[1].EligibleCount);
        outcomes["large-pool"].Quotas[0].EligibleCount.Should().Be(2000);
    }

    [Fact]
    public void InvalidVectors_AreEachRejected_AndCoverEveryRuleOfSectionFour()
    {
        var invalid = DrawTestVectors.InvalidVectors();
        // One vector per rule of the table in section 4, and the unpaired surrogate below it. (A rule-set version of
        // 2^63 or more cannot be held by the C# input type; the Python verifier checks that bound itself.)
        invalid.Select(v => v.Name).Should().OnlyHaveUniqueItems().And.OnlyContain(n => n.StartsWith("invalid-", StringComparison.Ordinal))
            .And.Contain(
            [
                "invalid-empty-draw-id", "invalid-short-nonce", "invalid-negative-rule-set-version", "invalid-no-quota",
                "invalid-empty-quota-key", "invalid-duplicate-quota-key", "invalid-empty-specialty-code", "invalid-empty-region-code",
                "invalid-zero-count", "invalid-negative-backups", "invalid-pool-out-of-quota-order", "invalid-pool-missing-entry",
                "invalid-empty-id", "invalid-duplicate-id", "invalid-no-entropy", "invalid-empty-entropy-source",
                "invalid-empty-entropy-value", "invalid-unpaired-surrogate",
            ]);
        foreach (var vector in invalid)
        {
            DrawTestVectors.RejectedAs(vector.Input).Should().Be(vector.Name == "invalid-short-nonce" ? "nonce" : "input", vector.Name);
        }
    }

    internal static DrawInput ReadDrawInput(JsonElement input) => new(
        DrawRecordJson.ReadString(input, "drawId"),
        Convert.FromHexString(DrawRecordJson.ReadString(input, "nonce")),
        input.GetProperty("ruleSetVersion").GetInt64(),
        DrawRecordJson.ReadArray(input, "quotas", DrawRecordJson.ReadQuota),
        DrawRecordJson.ReadArray(input, "pool", DrawRecordJson.ReadPool),
        DrawRecordJson.ReadArray(input, "externalEntropy", e => new EntropyInput(e.GetProperty("source").GetString()!, e.GetProperty("value").GetString()!)));
}
