using System.Text;
using System.Text.Json;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// docs/draw-error-vectors.json: every case gets the outcome the specification gives it from the service's verification
/// (<see cref="DrawRecordVerification.Verify(DrawRecord, ReadOnlyMemory{byte}, string, IReadOnlyList{EnteredEntropy}, IReadOnlyList{DrawQuota}, IReadOnlyList{IssuedInvitation}?)"/>,
/// what <c>POST /api/draws/{id}/verify</c> runs on the stored bytes). tools/verify_draw.py is checked against the same file
/// in <see cref="PythonVerifierTests"/>.
/// </summary>
public sealed class DrawErrorVectorTests
{
    private static readonly DateTime T0 = new(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The checks that need the database (section 10, the service's own): the others are the record-alone steps.</summary>
    private static readonly HashSet<string> ServiceChecks = new(StringComparer.Ordinal)
    {
        "documentSha256", "publishedCommitment", "drawId", "storedSelections", "storedCommitment", "storedNonce", "storedPoolHash", "storedSeed",
        "storedRuleSetVersion", "storedOutcome", "storedContext", "storedTotals", "storedQuotas", "storedEntropy", "timeline", "ruleSetPinned", "invitations",
    };

    private static string FilePath => Path.Combine(DrawTestData.RepoRoot(), DrawErrorVectors.RelativePath);

    [Fact]
    public void ErrorVectorsFile_WhenRegenerated_IsUnchanged()
    {
        var generated = DrawErrorVectors.Render();
        if (Environment.GetEnvironmentVariable("EXPERTPOOL_WRITE_VECTORS") == "1")
        {
            File.WriteAllText(FilePath, generated, new UTF8Encoding(false));
        }

        File.ReadAllText(FilePath).Should().Be(generated, $"{DrawErrorVectors.RelativePath} must be what the generator produces");
    }

    [Fact]
    public void ErrorVectors_CoverTheCasesOfSectionsFourNineAndTen()
    {
        var cases = ReadFile();
        cases.Should().HaveCountGreaterThanOrEqualTo(20);
        cases.Select(c => c.Name).Should().OnlyHaveUniqueItems().And.Contain(
        [
            "base-record", "nesting-depth-64", "nesting-depth-65", "pool-id-changed", "pool-id-moved-between-quotas", "member-dropped",
            "selection-entry-dropped", "nonce-changed", "entropy-value-changed", "rule-set-version-changed", "nonce-uppercase",
            "duplicate-top-level-key", "duplicate-key-escaped", "lone-surrogate-in-ignored-member", "input-rule-set-version-out-of-range",
            "output-integer-out-of-range", "integer-as-string", "missing-top-level-key", "unknown-top-level-key", "top-level-array",
            "trailing-data", "byte-order-mark", "nan-in-context", "invalid-utf8",
        ]);
        cases.Should().OnlyContain(c => (c.Outcome == DrawErrorVectors.Divergence) == (c.Label != null));
        cases.Select(c => c.Outcome).Distinct().Should().BeEquivalentTo([DrawErrorVectors.Match, DrawErrorVectors.Malformed, DrawErrorVectors.Divergence]);
    }

    [Fact]
    public void ErrorVectors_WhenVerifiedAsTheVerifyEndpointDoes_GiveTheirExpectedOutcome()
    {
        var input = DrawErrorVectors.BaseInput();
        var request = PanelRequest.Schedule(Guid.NewGuid(), [new PanelQuota(1, "0203", null, 2, 1), new PanelQuota(2, "0511", "330100", 1, 1)],
            T0.AddHours(5), T0.AddHours(1), "王某", "admin", null, null, input.Nonce.ToArray(), T0);
        var outcome = DrawAlgorithm.Run(input);
        var (document, sha256) = DrawRecordJson.SerializeWithSha256(DrawErrorVectors.BaseRecord());
        var stored = DrawRecord.Create(request, outcome, document, sha256, Guid.NewGuid(), 3, 9, 1, null, "admin", T0.AddHours(2));
        EnteredEntropy[] entered = [.. input.ExternalEntropy.Select(e => new EnteredEntropy(e.Source, e.Value, T0.AddMinutes(30)))];

        var wrong = new List<string>();
        foreach (var c in ReadFile())
        {
            var result = DrawRecordVerification.Verify(stored, c.Record, request.Commitment, entered, request.ToDrawQuotas());
            var (got, label) = RecordAloneOutcome(result);
            if (got != c.Outcome || label != c.Label)
            {
                var detail = result.Checks.FirstOrDefault(k => !k.Passed && !ServiceChecks.Contains(k.Name));
                wrong.Add($"{c.Name}: expected {c.Outcome} {c.Label}, got {got} {label} ({detail?.Actual})");
            }
        }

        wrong.Should().BeEmpty();
    }

    /// <summary>
    /// The outcome of the record-alone steps of a verification: "document" (the stored text does not read) is a malformed
    /// record, "members" that divergence, and otherwise the check <see cref="DrawVerifier"/> gave ("algorithm" when it matched).
    /// </summary>
    private static (string Outcome, string? Label) RecordAloneOutcome(DrawVerificationResult result)
    {
        var check = result.Checks.Single(c => !ServiceChecks.Contains(c.Name));
        return check switch
        {
            { Name: "document", Passed: false } => (DrawErrorVectors.Malformed, null),
            { Name: "algorithm", Passed: true } => (DrawErrorVectors.Match, null),
            { Passed: false } => (DrawErrorVectors.Divergence, check.Name),
            _ => throw new InvalidOperationException($"Unexpected check {check}."),
        };
    }

    /// <summary>The cases as the file holds them (not as the generator makes them): the record's exact bytes.</summary>
    internal static IReadOnlyList<DrawErrorVectors.ErrorCase> ReadFile()
    {
        using var file = JsonDocument.Parse(File.ReadAllBytes(FilePath));
        file.RootElement.GetProperty("algorithmVersion").GetString().Should().Be(DrawAlgorithm.Version);
        return
        [
            .. file.RootElement.GetProperty("cases").EnumerateArray().Select(c =>
            {
                var record = c.TryGetProperty("record", out var text)
                    ? Encoding.UTF8.GetBytes(text.GetString()!)
                    : Convert.FromBase64String(c.GetProperty("recordBase64").GetString()!);
                var expected = c.GetProperty("expected");
                return new DrawErrorVectors.ErrorCase(c.GetProperty("name").GetString()!, c.GetProperty("description").GetString()!, record,
                    expected.GetProperty("outcome").GetString()!, expected.TryGetProperty("label", out var label) ? label.GetString() : null);
            }),
        ];
    }
}
