using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Draws.Algorithm;
using ExpertPool.Domain.Invitations;

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
    [Fact]
    public void Verify_WhenTheStoredTextIsNotValidUtf16_ReportsTheHashAndAnUnreadableDocument()
    {
        var (request, stored) = Drawn("20261130-581");
        var broken = DrawRecord.Create(request, DrawAlgorithm.Run(new DrawInput(request.Id.ToString("D"), DrawTestData.Nonce("verification against stored rows"), 1,
                request.ToDrawQuotas(), [new QuotaPool("Q1", Pool)], [new EntropyInput("supervisor", "20261130-581")])),
            stored.Document + "\ud800", stored.DocumentSha256, Guid.NewGuid(), 1, Pool.Count, 0, null, "admin", T0.AddHours(2));

        var result = DrawRecordVerification.Verify(broken, request.Commitment, [Entered("20261130-581")], request.ToDrawQuotas());

        result.FirstDivergence.Should().Be("documentSha256");
        result.Checks.Single(c => c.Name == "documentSha256").Actual.Should().Be(CanonicalEncoder.Sha256HexOfUtf8(stored.Document + "\ud800"));
        result.Checks.Should().Contain(c => c.Name == "document" && !c.Passed && c.Actual == "text that is not valid UTF-16");
    }

    [Theory]
    [InlineData("\"ruleSetVersion\":1,", "\"ruleSetVersion\":9223372036854775808,", "input", "ruleSetVersion 9223372036854775808 is outside 0 ≤ n < 2^63")]
    [InlineData("\"count\":2,", "\"count\":2147483648,", "input", "quota count 2147483648 is outside 1 ≤ n ≤ 2^31 − 1")]
    [InlineData("\"eligibleCount\":10,", "\"eligibleCount\":1099511627776,", "document", "quota eligibleCount 1099511627776 is outside the 32-bit range")]
    [InlineData("\"count\":2,", "\"count\":2.0,", "document", "quota count must be a JSON integer literal, got 2.0.")]
    public void Verify_WhenAnIntegerIsOutOfRange_ReportsInvalidInputForAnInputAndAnUnreadableDocumentForAnOutput(string find, string replace, string divergence, string message)
    {
        var (request, stored) = Drawn("20261130-581");
        var text = stored.Document.Replace(find, replace, StringComparison.Ordinal);
        text.Should().NotBe(stored.Document);
        var edited = DrawRecord.Create(request, DrawAlgorithm.Run(new DrawInput(request.Id.ToString("D"), DrawTestData.Nonce("verification against stored rows"), 1,
                request.ToDrawQuotas(), [new QuotaPool("Q1", Pool)], [new EntropyInput("supervisor", "20261130-581")])),
            text, CanonicalEncoder.Sha256HexOfUtf8(text), Guid.NewGuid(), 1, Pool.Count, 0, null, "admin", T0.AddHours(2));

        var result = DrawRecordVerification.Verify(edited, request.Commitment, [Entered("20261130-581")], request.ToDrawQuotas());

        // Specification section 4: an input integer literal out of its range is invalid input, as verify_draw.py says;
        // section 9: an output integer outside 32 bits does not read. Either way the message names the field.
        result.FirstDivergence.Should().Be(divergence);
        result.Checks.Single(c => c.Name == divergence).Actual.Should().Contain(message);
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("missing")]
    public void Verify_WhenTheRecordsTopLevelMembersAreNotTheSpecifiedOnes_ReportsMembers(string fault)
    {
        var (request, stored) = Drawn("20261130-581");
        var text = fault == "unknown"
            ? stored.Document.Replace(",\"seed\":", ",\"seedNote\":\"x\",\"seed\":", StringComparison.Ordinal)
            : System.Text.RegularExpressions.Regex.Replace(stored.Document, ",\"poolHash\":\"[0-9a-f]{64}\"", "");
        text.Should().NotBe(stored.Document);
        var edited = DrawRecord.Create(request, DrawAlgorithm.Run(new DrawInput(request.Id.ToString("D"), DrawTestData.Nonce("verification against stored rows"), 1,
                request.ToDrawQuotas(), [new QuotaPool("Q1", Pool)], [new EntropyInput("supervisor", "20261130-581")])),
            text, CanonicalEncoder.Sha256HexOfUtf8(text), Guid.NewGuid(), 1, Pool.Count, 0, null, "admin", T0.AddHours(2));

        var result = DrawRecordVerification.Verify(edited, request.Commitment, [Entered("20261130-581")], request.ToDrawQuotas());

        result.FirstDivergence.Should().Be("members", "the hash matches the edited text; its members are what is wrong");
        result.Checks.Single(c => c.Name == "members").Actual.Should().Contain(fault == "unknown" ? "seedNote" : "poolHash");
        result.Checks.Should().NotContain(c => c.Name == "document");
    }

    private static readonly DateTime AfterDraw = T0.AddHours(2);

    /// <summary>A draw of 2 members and 2 backups, and the invitations of its members (both pending).</summary>
    private static (PanelRequest Request, DrawRecord Record, List<IssuedInvitation> Invitations) Invited()
    {
        var nonce = DrawTestData.Nonce("verification of the invitation trail");
        var request = PanelRequest.Schedule(Guid.NewGuid(), [new PanelQuota(1, "0203", null, 2, 2)], T0.AddHours(5), T0.AddHours(1), "李监督", "admin", null, null, nonce, T0);
        var input = new DrawInput(request.Id.ToString("D"), nonce, 1, request.ToDrawQuotas(), [new QuotaPool("Q1", Pool)], [new EntropyInput("supervisor", "20261130-581")]);
        var outcome = DrawAlgorithm.Run(input);
        var (document, sha256) = DrawRecordJson.SerializeWithSha256(DrawRecordDocument.Create(input, outcome));
        var record = DrawRecord.Create(request, outcome, document, sha256, Guid.NewGuid(), 1, Pool.Count, 0, null, "admin", AfterDraw);
        var invitations = record.Selections.Where(s => s.Role == SelectionRole.Member)
            .Select(s => Offer(s, null, AfterDraw, InvitationStatus.Pending)).ToList();
        return (request, record, invitations);
    }

    private static IssuedInvitation Offer(DrawSelection seat, Guid? replaces, DateTime at, InvitationStatus status) =>
        new(Guid.NewGuid(), seat.ExpertId, seat.QuotaKey, seat.Role, seat.Rank, replaces, at, status);

    private static DrawSelection SeatOf(DrawRecord record, SelectionRole role, int rank) => record.Selections.Single(s => s.Role == role && s.Rank == rank);

    private static VerificationCheck Trail(PanelRequest request, DrawRecord record, IReadOnlyList<IssuedInvitation> invitations)
    {
        var result = DrawRecordVerification.Verify(record, request.Commitment, [Entered("20261130-581")], request.ToDrawQuotas(), invitations);
        result.Checks.Where(c => c.Name != "invitations").Should().OnlyContain(c => c.Passed);
        return result.Checks.Single(c => c.Name == "invitations");
    }

    [Fact]
    public void Verify_WhenBackupsFillSeatsGivenUpInRankOrder_PassesTheInvitationTrail()
    {
        var (request, record, invited) = Invited();
        // Member 1 declines: backup 1 no longer fits and is passed over, backup 2 takes the seat.
        invited[0] = invited[0] with { Status = InvitationStatus.Declined };
        invited.Add(Offer(SeatOf(record, SelectionRole.Backup, 1), invited[0].Id, AfterDraw.AddHours(1), InvitationStatus.Skipped));
        invited.Add(Offer(SeatOf(record, SelectionRole.Backup, 2), invited[0].Id, AfterDraw.AddHours(1), InvitationStatus.Confirmed));

        Trail(request, record, invited).Passed.Should().BeTrue();
        DrawRecordVerification.Verify(record, request.Commitment, [Entered("20261130-581")], request.ToDrawQuotas()).Checks
            .Should().NotContain(c => c.Name == "invitations", "without the invitations the trail is not checked");
    }

    [Fact]
    public void Verify_WhenABackupJumpedTheQueue_ReportsTheInvitations()
    {
        var (request, record, invited) = Invited();
        invited[0] = invited[0] with { Status = InvitationStatus.Declined };
        invited.Add(Offer(SeatOf(record, SelectionRole.Backup, 2), invited[0].Id, AfterDraw.AddHours(1), InvitationStatus.Pending));

        var check = Trail(request, record, invited);

        check.Passed.Should().BeFalse();
        check.Expected.Should().Be("Q1 backups 1..1 offered, none left out");
        check.Actual.Should().Be("Q1 backups offered: 2");
    }

    [Fact]
    public void Verify_WhenAnExpiryStartedBeforeADeclineButCommittedAfterIt_PassesTheInvitationTrail()
    {
        // Both members give up their seats: the expiry run took its time at t0, the decline began at t1 > t0 and committed
        // first (backup 1); the expiry then invited backup 2, stamped t0. Times do not follow ranks; the seats still do.
        var (request, record, invited) = Invited();
        invited[0] = invited[0] with { Status = InvitationStatus.Expired };
        invited[1] = invited[1] with { Status = InvitationStatus.Declined };
        invited.Add(Offer(SeatOf(record, SelectionRole.Backup, 1), invited[1].Id, AfterDraw.AddHours(4).AddSeconds(3), InvitationStatus.Pending));
        invited.Add(Offer(SeatOf(record, SelectionRole.Backup, 2), invited[0].Id, AfterDraw.AddHours(4), InvitationStatus.Pending));

        Trail(request, record, invited).Passed.Should().BeTrue();
    }

    [Fact]
    public void Verify_WhenAnInvitationIsNotTheDrawsOrFillsASeatNotGivenUp_ReportsTheInvitations()
    {
        var (request, record, invited) = Invited();
        var outsider = Pool.Select(Guid.Parse).First(id => record.Selections.All(s => s.ExpertId != id));

        var swapped = invited.Select((x, k) => k == 0 ? x with { ExpertId = outsider } : x).ToList();
        Trail(request, record, swapped).Expected.Should().Be("a seat the record holds, offered to the expert it holds");

        var overConfirmed = invited.Select((x, k) => k == 0 ? x with { Status = InvitationStatus.Confirmed } : x).ToList();
        overConfirmed.Add(Offer(SeatOf(record, SelectionRole.Backup, 1), overConfirmed[0].Id, AfterDraw.AddHours(1), InvitationStatus.Pending));
        Trail(request, record, overConfirmed).Actual.Should().EndWith("which is Confirmed");

        var twice = invited.Select((x, k) => k == 0 ? x with { Status = InvitationStatus.Expired } : x).ToList();
        twice.Add(Offer(SeatOf(record, SelectionRole.Backup, 1), twice[0].Id, AfterDraw.AddHours(1), InvitationStatus.Pending));
        twice.Add(Offer(SeatOf(record, SelectionRole.Backup, 2), twice[0].Id, AfterDraw.AddHours(2), InvitationStatus.Pending));
        Trail(request, record, twice).Expected.Should().Be("a seat given up filled once");

        Trail(request, record, invited.Take(1).ToList()).Expected.Should().Be("each of the 2 members invited once");
        Trail(request, record, [.. invited, Offer(SeatOf(record, SelectionRole.Backup, 1), null, AfterDraw, InvitationStatus.Pending)])
            .Expected.Should().Be("a backup invited only in a seat given up");
    }
}
