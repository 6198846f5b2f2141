using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

public sealed class DrawTestVectorTests
{
    private static string VectorsPath => Path.Combine(DrawTestData.RepoRoot(), DrawTestVectors.RelativePath);

    [Fact]
    public void VectorsFile_WhenRegenerated_IsUnchanged()
    {
        var generated = DrawTestVectors.Render();
        if (Environment.GetEnvironmentVariable("EXPERTPOOL_WRITE_VECTORS") == "1")
        {
            File.WriteAllText(VectorsPath, generated);
        }

        File.ReadAllText(VectorsPath).Should().Be(generated, "docs/draw-test-vectors.json must be what the C# code produces");
    }

    [Fact]
    public void Vectors_WhenReplayedFromFileInputs_ReproduceEveryExpectedValue()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(VectorsPath));
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
                DrawTestVectors.WriteDrawExpected(writer, DrawAlgorithm.Run(ReadDrawInput(input)));
            }
            else if (kind == "invalid")
            {
                var read = ReadDrawInput(input);
                var run = () => DrawAlgorithm.Run(read);
                run.Should().Throw<ArgumentException>($"vector '{name}' is invalid input");
                vector.GetProperty("expected").GetProperty("rejectedAs").GetString().Should().Be(DrawTestVectors.RejectedAs(read), name);
                continue;
            }
            else
            {
                var seed = Convert.FromHexString(input.GetProperty("seed").GetString()!);
                var ids = DrawRecordJson.ReadArray(input, "expertIds", e => e.GetString()!);
                DrawTestVectors.WriteRankingExpected(writer, seed, ids);
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
        invalid.Should().HaveCountGreaterThanOrEqualTo(14);
        invalid.Select(v => v.Name).Should().OnlyHaveUniqueItems().And.OnlyContain(n => n.StartsWith("invalid-", StringComparison.Ordinal));
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
