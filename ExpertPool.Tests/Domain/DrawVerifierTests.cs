using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

public sealed class DrawVerifierTests
{
    private static readonly string[] Q1Ids = ["专家-张三", "专家-李四", "王五🧪", "👩‍🔬赵六", "𠀀生僻字", .. DrawTestData.ExpertIds("verify-q1", 7)];
    private static readonly string[] Q2Ids = [.. DrawTestData.ExpertIds("verify-q1", 7)[..3], .. DrawTestData.ExpertIds("verify-q2", 8)];

    internal static DrawRecordDocument SampleRecord()
    {
        var input = new DrawInput(
            DrawTestData.DrawId("verify"),
            DrawTestData.Nonce("verify"),
            5,
            [new DrawQuota("Q1", "0203", null, 3, 2), new DrawQuota("Q2", "0511", "330100", 2, 2)],
            [new QuotaPool("Q1", Q1Ids), new QuotaPool("Q2", Q2Ids)],
            [new EntropyInput("supervisor", "监督人输入 581"), new EntropyInput("fallback:csprng", DrawTestData.Hex("verify"))]);
        var context = new JsonObject
        {
            ["requester"] = "市场监管局 质量发展处",
            ["supervisor"] = "王某 🧑‍⚖️",
            ["exclusions"] = new JsonArray(new JsonObject { ["expertId"] = "x", ["rule"] = "回避: 3年内劳动关系" }),
        };
        return DrawRecordDocument.Create(input, DrawAlgorithm.Run(input), context);
    }

    [Fact]
    public void Verify_WhenRecordUntouched_Matches()
    {
        var report = DrawVerifier.Verify(SampleRecord());

        report.Matches.Should().BeTrue(report.ToString());
        report.FirstDivergence.Should().BeNull();
    }

    [Fact]
    public void Verify_WhenNonceTampered_ReportsCommitmentDivergence()
    {
        var record = SampleRecord();
        var tampered = record with { Nonce = DrawTestData.Hex("another nonce") };

        var report = DrawVerifier.Verify(tampered);

        report.Should().BeEquivalentTo(new VerificationReport(false, "commitment", DrawAlgorithm.ComputeCommitment(Convert.FromHexString(tampered.Nonce)), record.Commitment));
    }

    [Fact]
    public void Verify_WhenNonceNotHex_ReportsNonceDivergence()
    {
        DrawVerifier.Verify(SampleRecord() with { Nonce = "zz" }).FirstDivergence.Should().Be("nonce");
    }

    [Fact]
    public void Verify_WhenNonceInCapitals_ReportsNonceDivergence()
    {
        // The same 32 bytes, but not as the record writes them: the specification and the Python verifier refuse it too.
        var record = SampleRecord();
        var report = DrawVerifier.Verify(record with { Nonce = record.Nonce.ToUpperInvariant() });

        report.FirstDivergence.Should().Be("nonce");
        report.Actual.Should().Be(record.Nonce.ToUpperInvariant());
        DrawVerifier.Verify(record with { Nonce = " " + record.Nonce[1..] }).FirstDivergence.Should().Be("nonce");
    }

    [Fact]
    public void Verify_WhenPoolTampered_ReportsPoolHashDivergence()
    {
        var record = SampleRecord();
        var pool = new[] { record.Pool[0] with { ExpertIds = [.. record.Pool[0].ExpertIds, "smuggled-in"] }, record.Pool[1] };

        var report = DrawVerifier.Verify(record with { Pool = pool });

        report.Matches.Should().BeFalse();
        report.FirstDivergence.Should().Be("poolHash");
        report.Actual.Should().Be(record.PoolHash);
    }

    [Fact]
    public void Verify_WhenEntropyTampered_ReportsSeedDivergence()
    {
        var record = SampleRecord();
        var entropy = new[] { new EntropyInput("supervisor", "监督人输入 582"), record.ExternalEntropy[1] };

        DrawVerifier.Verify(record with { ExternalEntropy = entropy }).FirstDivergence.Should().Be("seed");
    }

    [Fact]
    public void Verify_WhenQuotaTampered_ReportsSeedDivergence()
    {
        var record = SampleRecord();

        DrawVerifier.Verify(record with { Quotas = [record.Quotas[0] with { Backups = 1 }, record.Quotas[1]] })
            .FirstDivergence.Should().Be("seed");
    }

    [Fact]
    public void Verify_WhenSelectedIdSwapped_ReportsThatQuotaAndRank()
    {
        var record = SampleRecord();
        var q2 = record.Selection[1];
        var swapped = q2.Members[1] with { ExpertId = q2.Backups[0].ExpertId };
        var tampered = record with { Selection = [record.Selection[0], q2 with { Members = [q2.Members[0], swapped] }] };

        var report = DrawVerifier.Verify(tampered);

        report.FirstDivergence.Should().Be("quota Q2 member rank 2");
        report.Expected.Should().Contain(q2.Members[1].ExpertId);
        report.Actual.Should().Contain(q2.Backups[0].ExpertId);
    }

    [Fact]
    public void Verify_WhenBackupDropped_ReportsBackupCount()
    {
        var record = SampleRecord();
        var q1 = record.Selection[0];
        var tampered = record with { Selection = [q1 with { Backups = q1.Backups.Take(1).ToArray() }, record.Selection[1]] };

        DrawVerifier.Verify(tampered).FirstDivergence.Should().Be("quota Q1 backup count");
    }

    [Fact]
    public void Verify_WhenSucceededFlipped_ReportsSucceeded()
    {
        DrawVerifier.Verify(SampleRecord() with { Succeeded = false }).FirstDivergence.Should().Be("succeeded");
    }

    [Fact]
    public void Verify_WhenPoolHasDuplicate_ReportsInputDivergence()
    {
        var record = SampleRecord();
        var pool = new[] { record.Pool[0] with { ExpertIds = [.. record.Pool[0].ExpertIds, record.Pool[0].ExpertIds[0]] }, record.Pool[1] };

        var report = DrawVerifier.Verify(record with { Pool = pool });

        report.FirstDivergence.Should().Be("input");
        report.Actual.Should().Contain("appears more than once");
    }

    [Fact]
    public void Verify_IgnoresContext()
    {
        DrawVerifier.Verify(SampleRecord() with { Context = new JsonObject { ["anything"] = 1 } }).Matches.Should().BeTrue();
    }

    [Fact]
    public void Verify_WhenFailedDrawRecorded_Matches()
    {
        var input = DrawTestData.SingleQuota("failed-record", DrawTestData.ExpertIds("failed", 2), 5, 2);
        var record = DrawRecordDocument.Create(input, DrawAlgorithm.Run(input));

        record.Succeeded.Should().BeFalse();
        DrawVerifier.Verify(record).Matches.Should().BeTrue();
    }

    [Fact]
    public void Serialize_WhenChineseAndEmoji_WritesThemUnescapedAndRoundTrips()
    {
        var record = SampleRecord();

        var json = DrawRecordJson.Serialize(record);
        var again = DrawRecordJson.Deserialize(json);

        json.Should().Contain("专家-张三").And.Contain("王五🧪").And.Contain("👩‍🔬赵六").And.Contain("𠀀生僻字").And.Contain("监督人输入 581");
        json.Should().NotContain("\\u").And.NotContain("\n");
        DrawRecordJson.Serialize(again).Should().Be(json);
        again.Should().BeEquivalentTo(record, o => o.Excluding(r => r.Context));
        JsonNode.DeepEquals(again.Context, record.Context).Should().BeTrue();
        DrawVerifier.Verify(again).Matches.Should().BeTrue();
    }

    [Fact]
    public void Verify_ReRunsARecordWithTheVersionItNames()
    {
        var shared = DrawTestData.ExpertIds("versions-shared", 8);
        var input = DrawTestData.TwoQuotas("versions", shared, [.. shared, .. DrawTestData.ExpertIds("versions-q2", 6)], count: 3, backups: 1);
        var v1 = DrawRecordDocument.Create(input, DrawAlgorithm.Run(input, DrawAlgorithm.Version1));
        var v2 = DrawRecordDocument.Create(input, DrawAlgorithm.Run(input));

        v1.AlgorithmVersion.Should().Be("ExpertPool-Draw-1");
        v2.AlgorithmVersion.Should().Be("ExpertPool-Draw-2");
        v1.Seed.Should().Be(v2.Seed, "the versions differ only in how a quota ranks");
        DrawVerifier.Verify(v1).Matches.Should().BeTrue("a record drawn before the new version keeps verifying");
        DrawVerifier.Verify(v2).Matches.Should().BeTrue();
        // Each quota's scores differ between the versions, so neither record passes as the other.
        DrawVerifier.Verify(v1 with { AlgorithmVersion = DrawAlgorithm.Version }).FirstDivergence.Should().Be("quota Q1 member rank 1");
        DrawVerifier.Verify(v2 with { AlgorithmVersion = DrawAlgorithm.Version1 }).FirstDivergence.Should().Be("quota Q1 member rank 1");
        var unknown = DrawVerifier.Verify(v2 with { AlgorithmVersion = "ExpertPool-Draw-3" });
        unknown.FirstDivergence.Should().Be("algorithmVersion");
        unknown.Expected.Should().Be("ExpertPool-Draw-1 or ExpertPool-Draw-2");
        var run = () => DrawAlgorithm.Run(input, "ExpertPool-Draw-3");
        run.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Serialize_WritesKeysInFixedOrder()
    {
        var json = DrawRecordJson.Serialize(SampleRecord());
        string[] keys = ["algorithmVersion", "drawId", "commitment", "nonce", "ruleSetVersion", "quotas", "pool", "externalEntropy", "poolHash", "seed", "succeeded", "selection", "context"];

        using var document = JsonDocument.Parse(json);
        document.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal(keys);
        json.Should().StartWith("{\"algorithmVersion\":\"ExpertPool-Draw-2\",\"drawId\":");
    }

    [Fact]
    public void Serialize_EscapesOnlyQuotesBackslashesAndControlCharacters()
    {
        var record = SampleRecord() with { Context = new JsonObject { ["note"] = "a\"b\\c\nd\u0001<>&'é" } };

        DrawRecordJson.Serialize(record).Should().EndWith("\"context\":{\"note\":\"a\\\"b\\\\c\\nd\\u0001<>&'é\"}}");
    }

    [Fact]
    public void Deserialize_WhenUnknownProperty_Throws()
    {
        var json = DrawRecordJson.Serialize(SampleRecord()).Replace("\"context\":", "\"requester\":1,\"context\":", StringComparison.Ordinal);

        var act = () => DrawRecordJson.Deserialize(json);

        act.Should().Throw<JsonException>().WithMessage("*'requester'*context*");
    }

    [Fact]
    public void Deserialize_WhenRequiredPropertyMissing_Throws()
    {
        var json = DrawRecordJson.Serialize(SampleRecord()).Replace("\"seed\":", "\"seedX\":", StringComparison.Ordinal);

        var act = () => DrawRecordJson.Deserialize(json);

        act.Should().Throw<JsonException>();
    }
}
