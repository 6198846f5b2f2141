using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// Verification against the request's own stored rows. Whoever knows the nonce (a database reader, decision 012) can build
/// a record that is consistent in itself from inputs of their choosing: new seed, new panel, new hash. Only the rows stored
/// before the draw, which the record must repeat, give such a record away.
/// </summary>
public sealed class DrawRecordVerificationTests
{
    private static readonly DateTime T0 = new(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc);

    private static readonly List<string> Pool = Enumerable.Range(0, 10).Select(i => new Guid(i + 1, 2, 3, [4, 5, 6, 7, 8, 9, 10, 11]).ToString("D")).Order(StringComparer.Ordinal).ToList();

    private static (PanelRequest Request, DrawRecord Record) Drawn(string entropyValue, int count = 2)
    {
        var nonce = DrawTestData.Nonce("verification against stored rows");
        var request = PanelRequest.Schedule(Guid.NewGuid(), [new PanelQuota(1, "0203", null, count, 1)], T0.AddHours(5), T0.AddHours(1), "李监督", "admin", null, null, nonce, T0);
        var input = new DrawInput(request.Id.ToString("D"), nonce, 1, request.ToDrawQuotas(), [new QuotaPool("Q1", Pool)], [new EntropyInput("supervisor", entropyValue)]);
        var outcome = DrawAlgorithm.Run(input);
        var (document, sha256) = DrawRecordJson.SerializeWithSha256(DrawRecordDocument.Create(input, outcome));
        return (request, DrawRecord.Create(request, outcome, document, sha256, Guid.NewGuid(), 1, Pool.Count, 0, null, "admin", T0.AddHours(2)));
    }

    private static EnteredEntropy Entered(string value) => new("supervisor", value, T0.AddMinutes(30));

    [Fact]
    public void Verify_WhenRecordMatchesStoredRows_Matches()
    {
        var (request, record) = Drawn("20261130-581");

        var result = DrawRecordVerification.Verify(record, request.Commitment, [Entered("20261130-581")], request.ToDrawQuotas());

        result.Matches.Should().BeTrue(string.Join(", ", result.Checks.Where(c => !c.Passed).Select(c => c.Name)));
        result.Checks.Select(c => c.Name).Should().Contain(["storedQuotas", "storedEntropy"]);
    }

    [Fact]
    public void Verify_WhenRecordUsedEntropyNeverEntered_ReportsStoredEntropy()
    {
        // Consistent in itself (hash, seed, panel, columns), but built from a value the supervisor never entered.
        var (request, forged) = Drawn("FORGED");

        var result = DrawRecordVerification.Verify(forged, request.Commitment, [Entered("20261130-581")], request.ToDrawQuotas());

        result.Matches.Should().BeFalse();
        result.FirstDivergence.Should().Be("storedEntropy");
        var check = result.Checks.Single(c => c.Name == "storedEntropy");
        check.Expected.Should().Be("supervisor=FORGED", "expected is what the document says");
        check.Actual.Should().Be("supervisor=20261130-581", "actual is what was stored");
        result.Checks.Where(c => c.Name != "storedEntropy").Should().OnlyContain(c => c.Passed, "everything else in the record agrees with itself");
        result.Summary.Should().StartWith($"核验不通过：{result.Checks.Count} 项检查中 1 项不一致，首个不一致之处为 storedEntropy（应当：抽取申请录入的外部随机数与记录文档一致");
        check.Description.Should().StartWith("抽取申请录入的外部随机数");
    }

    [Fact]
    public void Verify_WhenStoredRowsHoldAValueTheRecordLeftOut_ReportsStoredEntropy()
    {
        // The draw uses every stored row; a record that names fewer was not made from them.
        var (request, record) = Drawn("20261130-581");

        var result = DrawRecordVerification.Verify(record, request.Commitment, [Entered("20261130-581"), Entered("another")], request.ToDrawQuotas());

        result.FirstDivergence.Should().Be("storedEntropy");
        DrawRecordVerification.Verify(record, request.Commitment, [], request.ToDrawQuotas()).FirstDivergence.Should().Be("storedEntropy");
    }

    [Fact]
    public void Verify_WhenRecordQuotasDifferFromStored_ReportsStoredQuotas()
    {
        // The same request drawn as if its quota had been 3 instead of 2.
        var (request, record) = Drawn("20261130-581", count: 3);
        var (stored, _) = Drawn("20261130-581", count: 2);

        var result = DrawRecordVerification.Verify(record, request.Commitment, [Entered("20261130-581")], stored.ToDrawQuotas());

        result.FirstDivergence.Should().Be("storedQuotas");
        var check = result.Checks.Single(c => c.Name == "storedQuotas");
        check.Expected.Should().Be("Q1 0203 - 3+1");
        check.Actual.Should().Be("Q1 0203 - 2+1");
    }

    [Fact]
    public void Sealed_HidesStoredEntropyAndQuotaValues()
    {
        var (request, forged) = Drawn("FORGED");

        var result = DrawRecordVerification.Sealed(DrawRecordVerification.Verify(forged, request.Commitment, [Entered("20261130-581")], request.ToDrawQuotas()));

        var check = result.Checks.Single(c => c.Name == "storedEntropy");
        check.Passed.Should().BeFalse();
        check.Expected.Should().Be("sealed");
        check.Actual.Should().Be("sealed");
    }
}
