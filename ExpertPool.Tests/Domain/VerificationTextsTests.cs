using System.Text.RegularExpressions;
using ExpertPool.Domain.Draws;

namespace ExpertPool.Tests.Domain;

/// <summary>Auditors read verification results in Chinese first: every check the specification names has its own text.</summary>
public sealed partial class VerificationTextsTests
{
    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Backticked();

    /// <summary>The check labels of docs/draw-algorithm.md §10: the table's divergence labels and the service's extra checks.</summary>
    private static List<string> SpecifiedLabels()
    {
        var text = File.ReadAllText(Path.Combine(DrawTestData.RepoRoot(), "docs/draw-algorithm.md"));
        var start = text.IndexOf("## 10. Verification", StringComparison.Ordinal);
        var section = text[start..text.IndexOf("```", start, StringComparison.Ordinal)];
        var labels = new List<string>();
        foreach (var line in section.Split('\n'))
        {
            if (line.StartsWith("| ", StringComparison.Ordinal) && line.Count(c => c == '|') == 3 && !line.StartsWith("| step", StringComparison.Ordinal))
                labels.AddRange(Backticked().Matches(line.Split('|')[2]).Select(m => m.Groups[1].Value));
            else if (line.StartsWith("- `", StringComparison.Ordinal))
                labels.AddRange(Backticked().Matches(line.Split(" (")[0].Split(':')[0]).Select(m => m.Groups[1].Value));
        }
        return labels;
    }

    [Fact]
    public void Describe_GivesEverySpecifiedCheckChineseThenEnglish()
    {
        var labels = SpecifiedLabels();
        labels.Should().Contain(["commitment", "poolHash", "quota Q1 member rank 3", "quota Q1 backupShortfall", "documentSha256", "storedNonce", "storedEntropy", "timeline", "ruleSetPinned"]);

        foreach (var label in labels)
        {
            var text = VerificationTexts.Describe(label);
            var parts = text.Split(" / ");
            parts.Should().HaveCount(2, label);
            parts[0].Should().MatchRegex(@"\p{IsCJKUnifiedIdeographs}", $"{label} is explained in Chinese first");
            parts[1].Should().NotMatchRegex(@"\p{IsCJKUnifiedIdeographs}", $"{label} is then explained in English").And.NotBe(label, "a label is explained, not repeated");
        }
    }

    [Fact]
    public void Describe_NamesTheQuotaAndRankOfAQuotaCheck()
    {
        VerificationTexts.Describe("quota 第一组 member rank 12").Should().Be("名额 第一组 第 12 位正选专家（编号、排序值）一致 / quota 第一组's member at rank 12 (id and score) matches");
        VerificationTexts.Describe("quota Q2 backup rank 1").Should().StartWith("名额 Q2 第 1 位候补专家");
    }

    [Fact]
    public void Describe_WhenNameUnknown_RepeatsIt()
    {
        VerificationTexts.Describe("something new").Should().Be("something new / something new");
    }

    [Fact]
    public void Summary_WhenDiverged_NamesTheFirstDivergenceAndTheFailedCount()
    {
        var result = new DrawVerificationResult(Guid.NewGuid(), false, "seed",
            [new("documentSha256", true, null, null), new("seed", false, "a", "b"), new("storedSeed", false, "a", "b")]);

        result.Summary.Should().Be("核验不通过：3 项检查中 2 项不一致，首个不一致之处为 seed（应当：由记录中的输入重新推导的随机种子与记录一致） / Not verified: 2 of 3 checks fail; the first divergence is seed (expected: the seed re-derived from the record's inputs matches)");
        new DrawVerificationResult(Guid.NewGuid(), true, null, [new("seed", true, null, null)]).Summary.Should().StartWith("核验通过：1 项检查全部一致");
    }
}
